"""Volume drivers of the libvirt driver, one per ``driver_volume_type``.

Each turns a connection_info into the guest's ``<disk>`` and connects or
disconnects the host side. A multiattach connection renders
``<shareable/>`` and always uses ``cache='none'``; the serial is the volume
id.
"""

from nova_lite import exception
from nova_lite.virt.libvirt import config


class VolumeDriver:
    source_type = 'block'

    def __init__(self, host):
        self.host = host

    def connect_volume(self, connection_info, instance):
        """Make the volume available on this host."""

    def disconnect_volume(self, connection_info, instance):
        """Undo connect_volume."""

    def _source(self, data):
        return {'source_path': data.get('device_path')}

    def get_config(self, connection_info, target_dev, target_bus):
        data = connection_info.get('data') or {}
        shareable = bool(connection_info.get('multiattach'))
        return config.GuestDisk(
            source_type=self.source_type, target_dev=target_dev,
            target_bus=target_bus,
            driver_format=data.get('format') or 'raw',
            driver_cache='none', driver_io='native',
            serial=connection_info.get('serial'), shareable=shareable,
            readonly=data.get('access_mode') == 'ro',
            discard='unmap' if data.get('discard') else None,
            **self._source(data))


class FileVolumeDriver(VolumeDriver):
    """The built-in block storage's volumes: files on this host."""

    source_type = 'file'


class LocalBlockVolumeDriver(VolumeDriver):
    """A host block device given by path (Cinder's ``local``)."""

    source_type = 'block'


class RbdVolumeDriver(VolumeDriver):
    """A Ceph RBD image, handed to QEMU as a network disk."""

    source_type = 'network'

    def _source(self, data):
        hosts = zip(data.get('hosts') or [], data.get('ports') or [])
        return {'source_protocol': 'rbd', 'source_name': data.get('name'),
                'source_hosts': list(hosts),
                'auth_username': data.get('auth_username') if
                data.get('auth_enabled') else None,
                'auth_secret_uuid': data.get('secret_uuid')}


class IscsiVolumeDriver(VolumeDriver):
    """An iSCSI target, logged in through os-brick."""

    source_type = 'block'

    def __init__(self, host, connector=None):
        super().__init__(host)
        self._connector = connector

    @property
    def connector(self):
        if self._connector is None:
            try:
                from os_brick.initiator import connector
            except ImportError:
                raise exception.NovaLiteException(
                    'iSCSI volumes need os-brick installed on the compute '
                    'host')
            self._connector = connector.InitiatorConnector.factory(
                'ISCSI', 'sudo')
        return self._connector

    def connect_volume(self, connection_info, instance):
        device = self.connector.connect_volume(connection_info['data'])
        connection_info['data']['device_path'] = device['path']

    def disconnect_volume(self, connection_info, instance):
        self.connector.disconnect_volume(connection_info['data'], None)


DRIVERS = {
    'file': FileVolumeDriver,
    'local': LocalBlockVolumeDriver,
    'rbd': RbdVolumeDriver,
    'iscsi': IscsiVolumeDriver,
}


def get_driver(connection_info, host, overrides=None):
    kind = connection_info.get('driver_volume_type')
    cls = (overrides or {}).get(kind) or DRIVERS.get(kind)
    if cls is None:
        raise exception.NovaLiteException(
            'Volume driver %s not found' % kind)
    return cls(host) if isinstance(cls, type) else cls
