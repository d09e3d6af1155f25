"""[cinder] and [service_user]: how compute services reach block storage.

The option names are nova's. The keystoneauth1 session and auth plugin
options are registered in both groups with keystoneauth1's loading helpers.
"""

import copy

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

cinder_group = cfg.OptGroup(
    'cinder', title='Cinder options',
    help='Configuration options for the block storage service (Cinder v3 '
         'API, the built-in block storage of the all-in-one or a real '
         'Cinder). The auth plugin options of this group are the '
         'credentials of the calls made without a user\'s token (the '
         'compute service\'s periodic tasks); without them, those of '
         '[service_user] are used.')

cinder_opts = [
    cfg.StrOpt('catalog_info',
               default='volumev3::publicURL',
               regex=r'^[\w-]+:[\w-]*:.*$',
               help='Info to match when looking for cinder in the service '
                    'catalog, as <service_type>:<service_name>:'
                    '<interface>. The service name may be empty. Used '
                    'only when endpoint_template is not set.'),
    cfg.StrOpt('endpoint_template',
               help='Override the service catalog lookup with a template '
                    'for the cinder endpoint, for example '
                    'http://127.0.0.1:8776/v3/%(project_id)s. The '
                    'all-in-one sets it to its built-in block storage '
                    'when it is left unset.'),
    cfg.StrOpt('os_region_name',
               help='Region name of this node, used to pick the cinder '
                    'endpoint in the service catalog.'),
    cfg.IntOpt('http_retries', default=3, min=0,
               help='Number of times cinderclient retries a call on a '
                    'connection error.'),
    cfg.BoolOpt('cross_az_attach', default=True,
                help='Allow attaching volumes of another availability zone '
                     'than the server\'s.'),
    cfg.BoolOpt('debug', default=False,
                help='Log the requests and responses of cinderclient.'),
]

service_user_group = cfg.OptGroup(
    'service_user', title='Service token authentication',
    help='Credentials of the nova_lite service user. With '
         'send_service_user_token set, requests to block storage carry a '
         'service token (X-Service-Token) beside the user\'s token. When '
         '[cinder] configures no auth plugin, these credentials are also '
         'those of the calls made without a user\'s token (periodic '
         'tasks), whether send_service_user_token is set or not.')

service_user_opts = [
    cfg.BoolOpt('send_service_user_token', default=False,
                help='Send a service token along with the user\'s token '
                     'on requests to other services.'),
]


def _ks_opts():
    return (ks_loading.get_session_conf_options() +
            ks_loading.get_auth_common_conf_options() +
            ks_loading.get_auth_plugin_conf_options('password') +
            ks_loading.get_auth_plugin_conf_options('v3password') +
            ks_loading.get_auth_plugin_conf_options('admin_token'))


def _dedup(opts):
    seen = {}
    for opt in opts:
        seen.setdefault(opt.dest, opt)
    return list(seen.values())


def register_opts(conf):
    conf.register_group(copy.deepcopy(cinder_group))
    conf.register_opts(cinder_opts, group='cinder')
    ks_loading.register_session_conf_options(conf, 'cinder')
    ks_loading.register_auth_conf_options(conf, 'cinder')
    conf.register_group(copy.deepcopy(service_user_group))
    conf.register_opts(service_user_opts, group='service_user')
    ks_loading.register_session_conf_options(conf, 'service_user')
    ks_loading.register_auth_conf_options(conf, 'service_user')


def list_opts():
    extra = _dedup(_ks_opts())
    return {cinder_group: cinder_opts + extra,
            service_user_group: service_user_opts + extra}
