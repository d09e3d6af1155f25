"""Compute API microversions: the one list, parsing and the middleware.

The numbers mirror nova's: a client that negotiates X.Y gets nova's X.Y
behaviour for every resource nova_lite serves.
"""

import functools

from nova_lite import exception
from nova_lite.web import faults
from nova_lite.web import version
from nova_lite.web.version import APIVersion

VERSIONS = [
    '2.1',   # the v2.1 baseline
    '2.2',   # keypair type
    '2.3',   # extended server attributes; volumes_attached delete flag
    '2.4',   # fixed ip reserve (not served)
    '2.5',   # ip6 server list filter for users
    '2.6',   # remote consoles API (not served)
    '2.7',   # flavor access only to private flavors
    '2.8',   # mks console (not served)
    '2.9',   # server "locked" field
    '2.10',  # keypairs by user
    '2.11',  # os-services forced_down
    '2.12',  # virtual interfaces net_id (not served)
    '2.13',  # server groups project_id and user_id
    '2.14',  # evacuate on shared storage (not served)
    '2.15',  # soft-affinity policies
    '2.16',  # server host_status
    '2.17',  # trigger crash dump (not served)
    '2.18',  # project id optional in URLs
    '2.19',  # server description
    '2.20',  # volume attach/detach for shelved servers
    '2.21',  # deleted instances in os-instance-actions
    '2.22',  # force live migration (not served)
    '2.23',  # migrations fields, server migrations
    '2.24',  # abort live migration (not served)
    '2.25',  # live migration block_migration auto (not served)
    '2.26',  # server tags
    '2.27',  # OpenStack-API-Version header accepted
    '2.28',  # hypervisor cpu_info as object
    '2.29',  # evacuate force (not served)
    '2.30',  # live migrate force (not served)
    '2.31',  # serial console URLs (not served)
    '2.32',  # tag in block_device_mapping_v2 and networks (this version)
    '2.33',  # hypervisors paging
    '2.34',  # async live migration checks (not served)
    '2.35',  # keypairs paging
    '2.36',  # proxy APIs removed, network quotas dropped
    '2.37',  # server create requires networks (auto/none/list)
    '2.38',  # invalid status filter on server list is a 400
    '2.39',  # image metadata quota removed
    '2.40',  # simple tenant usage paging
    '2.41',  # aggregate uuid
    '2.42',  # tag in block_device_mapping_v2 and networks restored
    '2.43',  # os-hosts removed
    '2.44',  # network proxy actions removed (not served)
    '2.45',  # createImage and createBackup answer {"image_id"}, no Location
    '2.46',  # request id returned (signalling only)
    '2.47',  # embedded flavor in server responses
    '2.48',  # diagnostics format
    '2.49',  # tag on volume attach
    '2.50',  # quota classes server groups
    '2.51',  # action events for users, volume-extended event
    '2.52',  # tags on server create
    '2.53',  # os-services and hypervisors by uuid
    '2.54',  # key_name on rebuild
    '2.55',  # flavor description
    '2.56',  # cold migrate host (not served)
    '2.57',  # rebuild user_data, personality removed
    '2.58',  # instance actions paging
    '2.59',  # migrations paging
    '2.60',  # volume multi-attach
    '2.61',  # flavor extra_specs in flavor responses
    '2.62',  # instance action events host
    '2.63',  # trusted_image_certificates
    '2.64',  # server group policy
    '2.65',  # abort queued live migration (not served)
    '2.66',  # changes-before filter
    '2.67',  # volume_type in block_device_mapping_v2
    '2.68',  # force evacuate/live migrate removed (not served)
    '2.69',  # down-cell tolerant listings
    '2.70',  # tag in volume attachment responses
    '2.71',  # server_groups in server show
    '2.72',  # neutron resource requests (not served)
    '2.73',  # locked_reason
    '2.74',  # host/hypervisor_hostname on create
    '2.75',  # unknown query params rejected; full server on PUT
    '2.76',  # power-update event
    '2.77',  # availability_zone on unshelve
    '2.78',  # server topology (not served)
    '2.79',  # delete_on_termination on volume attach
    '2.80',  # migrations project/user filters
    '2.81',  # image cache (not served)
    '2.82',  # accelerator events (not served)
    '2.83',  # more server list filters for users
    '2.84',  # instance action event details
    '2.85',  # PUT volume attachment delete_on_termination
    '2.86',  # extra specs validation
    '2.87',  # rescue of volume-backed servers (stable device rescue)
    '2.88',  # hypervisor fields removed
    '2.89',  # attachment_id and bdm_uuid in volume attachments
    '2.90',  # hostname on create, update and rebuild; shown to everyone
    '2.91',  # unshelve to a host, unpin the zone
    '2.92',  # keypair generation dropped, name validation
    '2.93',  # rebuild of volume-backed servers
    '2.94',  # FQDN hostnames
    '2.95',  # evacuate stops the server at the destination (not served)
    '2.96',  # pinned_availability_zone in server views
    '2.97',  # server shares (not served)
    '2.98',  # image properties embedded in server views
    '2.99',  # spice-direct console (not served)
    '2.100',  # scheduler_hints in server views
    '2.101',  # volume attach answers 202 and completes asynchronously
    '2.102',  # flavor name filter, flavor fields dropped, strict queries
    '2.103',  # /os-volumes_boot removed
    '2.104',  # pinned_availability_zone on server update
]

MIN_VERSION = VERSIONS[0]
MAX_VERSION = VERSIONS[-1]

SERVICE_TYPE = 'compute'
NEW_HEADER = 'OpenStack-API-Version'
LEGACY_HEADER = 'X-OpenStack-Nova-API-Version'
ENVIRON_KEY = version.ENVIRON_KEY


class VersionNotAvailable(exception.NovaLiteException):
    msg_fmt = ('Version %(req_ver)s is not supported by the API. Minimum is '
               '%(min_ver)s and maximum is %(max_ver)s.')
    code = 406

    def __init__(self, version):
        self.version = version
        super().__init__(req_ver=str(version), min_ver=MIN_VERSION,
                         max_ver=MAX_VERSION)


def _environ_key(name):
    return 'HTTP_' + name.upper().replace('-', '_')


def _header_values(environ, name):
    key = _environ_key(name)
    value = environ.get(key)
    if value is None:
        return []
    return [v.strip() for v in value.split(',')]


_NEW_ENVIRON = _environ_key(NEW_HEADER)
_LEGACY_ENVIRON = _environ_key(LEGACY_HEADER)


def requested_version_string(environ):
    """The version string the request asks for, or None."""
    for entry in reversed(_header_values(environ, NEW_HEADER)):
        parts = entry.split(None, 1)
        if len(parts) == 2 and parts[0].lower() == SERVICE_TYPE:
            return parts[1].strip()
        if len(parts) == 1 and parts[0].lower() == SERVICE_TYPE:
            return ''
    legacy = _header_values(environ, LEGACY_HEADER)
    if legacy:
        return legacy[-1]
    return None


def parse_request_version(environ):
    """Return the APIVersion of the request, or raise 400/406 errors.

    The answer for the same two header values is remembered (a few
    distinct values come again and again); the version returned is shared
    and never changed."""
    return _parse_headers(environ.get(_NEW_ENVIRON),
                          environ.get(_LEGACY_ENVIRON))


@functools.lru_cache(maxsize=256)
def _parse_headers(new, legacy):
    environ = {}
    if new is not None:
        environ[_NEW_ENVIRON] = new
    if legacy is not None:
        environ[_LEGACY_ENVIRON] = legacy
    text = requested_version_string(environ)
    if text is None:
        return APIVersion(MIN_VERSION)
    if text == 'latest':
        return APIVersion(MAX_VERSION)
    version = APIVersion(text)
    if not version.matches(MIN_VERSION, MAX_VERSION):
        raise VersionNotAvailable(version)
    return version


def version_headers(version):
    return list(_version_headers(version.major, version.minor))


@functools.lru_cache(maxsize=256)
def _version_headers(major, minor):
    value = '%d.%d' % (major, minor)
    return [(NEW_HEADER, '%s %s' % (SERVICE_TYPE, value)),
            (LEGACY_HEADER, value),
            ('Vary', NEW_HEADER),
            ('Vary', LEGACY_HEADER)]


class MicroversionMiddleware:
    """Negotiate the version and add the version headers to responses."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            version = parse_request_version(environ)
        except exception.InvalidAPIVersionString as error:
            # The request keeps a null version: no version headers.
            resp = faults.exception_to_response(error)
            return resp(environ, start_response)
        except VersionNotAvailable as error:
            resp = faults.exception_to_response(error)
            for name, value in version_headers(error.version):
                resp.headerlist.append((name, value))
            return resp(environ, start_response)
        environ[ENVIRON_KEY] = version
        headers = version_headers(version)

        def _start_response(status, response_headers, exc_info=None):
            response_headers = list(response_headers) + headers
            return start_response(status, response_headers, exc_info)

        return self.application(environ, _start_response)


def get_version(req):
    environ = getattr(req, 'environ', None)
    if environ is None:
        environ = req
    version = environ.get(ENVIRON_KEY)
    return version if version is not None else APIVersion(MIN_VERSION)


def is_supported(req, min_version, max_version=None):
    return get_version(req).matches(min_version, max_version)
