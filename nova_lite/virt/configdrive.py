"""Config drives: the server's metadata as files on a read-only disk.

As nova writes them: an ISO 9660 image labelled ``config-2`` (or a VFAT
one with ``[DEFAULT] config_drive_format = vfat``) with
``openstack/<version>/`` (``meta_data.json``, ``user_data``,
``vendor_data.json``, ``network_data.json``, ``vendor_data2.json``) for
each metadata version and ``latest``, and the EC2 tree
(``ec2/<version>/meta-data.json``, ``user-data``). ``meta_data.json``
lists the server's tagged volumes under ``devices`` (type, bus, address,
serial, path, tags), as nova does from microversions 2.32 and 2.42.

A server gets one when it asked for it (``config_drive: true``), or when
the compute host has ``[DEFAULT] force_config_drive = True``.
"""

import base64
import json
import os
import subprocess
import tempfile

from nova_lite import exception

LABEL = 'config-2'

FOLSOM = '2012-08-10'
GRIZZLY = '2013-04-04'
HAVANA = '2013-10-17'
LIBERTY = '2015-10-15'
NEWTON_ONE = '2016-06-30'
NEWTON_TWO = '2016-10-06'
OCATA = '2017-02-22'
ROCKY = '2018-08-27'
VICTORIA = '2020-10-14'
OPENSTACK_VERSIONS = [FOLSOM, GRIZZLY, HAVANA, LIBERTY, NEWTON_ONE,
                      NEWTON_TWO, OCATA, ROCKY, VICTORIA]
# The EC2 versions nova writes to a config drive (the older ones are in
# its default config_drive_skip_versions).
EC2_VERSIONS = ['2009-04-04']

# Buses as the metadata names them.
_METADATA_BUS = {'virtio': 'pci', 'scsi': 'scsi', 'ide': 'ide',
                 'sata': 'scsi', 'usb': 'usb'}


class ConfigDriveError(exception.NovaLiteException):
    msg_fmt = 'Config drive creation failed: %(reason)s'


def required_by(conf, instance):
    """Whether ``instance`` gets a config drive."""
    return bool(getattr(instance, 'config_drive', None)) or \
        conf.force_config_drive


def disk_metadata(bdm, bus, address=None, path=None):
    """A ``devices`` entry of ``meta_data.json`` for a tagged volume."""
    return {
        'type': 'disk',
        'bus': _METADATA_BUS.get(bus, bus),
        'address': address,
        'serial': bdm.get('volume_id'),
        'path': path or bdm.get('device_name'),
        'tags': [bdm['tag']],
    }


def _after(version, required):
    return OPENSTACK_VERSIONS.index(version) >= \
        OPENSTACK_VERSIONS.index(required)


def _zone(conf, instance):
    return instance.availability_zone or conf.default_availability_zone


def meta_data(conf, instance, devices, version=VICTORIA):
    """``openstack/<version>/meta_data.json`` as a dict."""
    data = {'uuid': instance.uuid}
    if instance.metadata:
        data['meta'] = dict(instance.metadata)
    if instance.key_name:
        data['public_keys'] = {instance.key_name: instance.key_data}
        data['keys'] = [{'name': instance.key_name, 'type': 'ssh',
                         'data': instance.key_data}]
    data['hostname'] = instance.hostname
    data['name'] = instance.display_name
    data['launch_index'] = instance.launch_index or 0
    data['availability_zone'] = _zone(conf, instance)
    if _after(version, GRIZZLY):
        data['random_seed'] = base64.b64encode(os.urandom(512)).decode()
    if _after(version, LIBERTY):
        data['project_id'] = instance.project_id
    if _after(version, NEWTON_ONE):
        data['devices'] = list(devices)
    if _after(version, VICTORIA):
        data['dedicated_cpus'] = []
    return data


def ec2_meta_data(conf, instance, devices):
    """``ec2/<version>/meta-data.json`` as a dict."""
    image = (instance.image_ref or '').replace('-', '')[:8] or '0' * 8
    mappings = {'ami': 'vda', 'root': instance.root_device_name or
                '/dev/vda'}
    for index, device in enumerate(devices):
        mappings['ebs%d' % index] = device['path']
    data = {
        'ami-id': 'ami-%s' % image,
        'ami-launch-index': instance.launch_index or 0,
        'ami-manifest-path': 'FIXME',
        'instance-id': 'i-%08x' % (instance.id or 0),
        'hostname': instance.hostname,
        'local-ipv4': None,
        'reservation-id': instance.reservation_id,
        'security-groups': [],
        'local-hostname': instance.hostname,
        'public-hostname': instance.hostname,
        'public-ipv4': '',
        'instance-type': (instance.flavor or {}).get('name'),
        'block-device-mapping': mappings,
        'placement': {'availability-zone': _zone(conf, instance)},
        'instance-action': 'none',
    }
    if instance.key_name:
        data['public-keys'] = {'0': {'_name': '0=' + instance.key_name,
                                     'openssh-key': instance.key_data}}
    return data


def files(conf, instance, devices):
    """``{path on the drive: bytes}``."""
    user_data = None
    if instance.user_data:
        user_data = base64.b64decode(instance.user_data)
    out = {}

    def dump(value):
        return json.dumps(value).encode()
    for version in EC2_VERSIONS + ['latest']:
        out['ec2/%s/meta-data.json' % version] = dump(
            ec2_meta_data(conf, instance, devices))
        if user_data is not None:
            out['ec2/%s/user-data' % version] = user_data
    for version in OPENSTACK_VERSIONS + ['latest']:
        as_of = VICTORIA if version == 'latest' else version
        base = 'openstack/%s/' % version
        out[base + 'meta_data.json'] = dump(
            meta_data(conf, instance, devices, as_of))
        if user_data is not None:
            out[base + 'user_data'] = user_data
        if _after(as_of, HAVANA):
            out[base + 'vendor_data.json'] = dump({})
        if _after(as_of, LIBERTY):
            out[base + 'network_data.json'] = dump({})
        if _after(as_of, NEWTON_TWO):
            out[base + 'vendor_data2.json'] = dump({})
    return out


def _write_tree(contents, root):
    for path, data in contents.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, 'wb') as f:
            f.write(data)


def _run(argv):
    try:
        subprocess.run(argv, check=True, capture_output=True)
    except FileNotFoundError:
        raise ConfigDriveError(reason='%s is not installed' % argv[0])
    except subprocess.CalledProcessError as error:
        raise ConfigDriveError(reason='%s exited with %s: %s' % (
            argv[0], error.returncode,
            error.stderr.decode(errors='replace').strip()))


def make_drive(conf, contents, path):
    """Write the config drive image holding ``contents`` to ``path``."""
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, 'drive')
        _write_tree(contents, root)
        if conf.config_drive_format == 'vfat':
            with open(path, 'wb') as f:
                f.truncate(64 * 1024 * 1024)
            _run(['mkfs.vfat', '-n', LABEL, path])
            for name in sorted(os.listdir(root)):
                _run(['mcopy', '-s', '-i', path, os.path.join(root, name),
                      '::'])
            return
        _run([conf.mkisofs_cmd, '-o', path, '-ldots', '-allow-lowercase',
              '-allow-multidot', '-l', '-publisher', 'nova_lite', '-quiet',
              '-J', '-r', '-V', LABEL, root])
