"""Guest configuration as small classes that render libvirt XML.

Each class renders one element with ``to_xml()`` (an ElementTree element)
and ``to_string()``; nothing is assembled by pasting strings.
"""

from xml.etree import ElementTree as ET


class _Config:
    tag = None

    def to_xml(self):
        raise NotImplementedError()

    def to_string(self):
        return ET.tostring(self.to_xml(), encoding='unicode')


def _sub(parent, tag, text=None, **attrs):
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in
                                          attrs.items() if v is not None})
    if text is not None:
        element.text = str(text)
    return element


class GuestDisk(_Config):
    """``<disk>``: a file, a host block device or a network disk."""

    def __init__(self, source_type='file', source_path=None,
                 target_dev='vda', target_bus='virtio', device_type='disk',
                 driver_format='raw', driver_cache='none', driver_io=None,
                 serial=None, shareable=False, readonly=False,
                 source_protocol=None, source_name=None, source_hosts=(),
                 auth_username=None, auth_secret_uuid=None,
                 auth_secret_type='ceph', discard=None):
        self.source_type = source_type
        self.source_path = source_path
        self.target_dev = target_dev
        self.target_bus = target_bus
        self.device_type = device_type
        self.driver_format = driver_format
        self.driver_cache = driver_cache
        self.driver_io = driver_io
        self.serial = serial
        self.shareable = shareable
        self.readonly = readonly
        self.source_protocol = source_protocol
        self.source_name = source_name
        self.source_hosts = list(source_hosts)
        self.auth_username = auth_username
        self.auth_secret_uuid = auth_secret_uuid
        self.auth_secret_type = auth_secret_type
        self.discard = discard

    def to_xml(self):
        disk = ET.Element('disk', {'type': self.source_type,
                                   'device': self.device_type})
        _sub(disk, 'driver', name='qemu', type=self.driver_format,
             cache=self.driver_cache, io=self.driver_io,
             discard=self.discard)
        if self.source_type == 'file':
            _sub(disk, 'source', file=self.source_path)
        elif self.source_type == 'block':
            _sub(disk, 'source', dev=self.source_path)
        elif self.source_type == 'network':
            source = _sub(disk, 'source', protocol=self.source_protocol,
                          name=self.source_name)
            for host, port in self.source_hosts:
                _sub(source, 'host', name=host, port=port)
            if self.auth_username:
                auth = _sub(disk, 'auth', username=self.auth_username)
                _sub(auth, 'secret', type=self.auth_secret_type,
                     uuid=self.auth_secret_uuid)
        _sub(disk, 'target', dev=self.target_dev, bus=self.target_bus)
        if self.serial:
            _sub(disk, 'serial', self.serial)
        if self.shareable:
            _sub(disk, 'shareable')
        if self.readonly:
            _sub(disk, 'readonly')
        return disk


class GuestSerialLog(_Config):
    """A serial console written to a file."""

    def __init__(self, path):
        self.path = path

    def to_xml(self):
        serial = ET.Element('serial', {'type': 'file'})
        # Appended to across restarts: the log keeps every boot.
        _sub(serial, 'source', path=self.path, append='on')
        _sub(serial, 'target', port=0)
        return serial


class GuestController(_Config):
    def __init__(self, controller_type='scsi', model='virtio-scsi',
                 index=0):
        self.controller_type = controller_type
        self.model = model
        self.index = index

    def to_xml(self):
        return ET.Element('controller', {'type': self.controller_type,
                                         'index': str(self.index),
                                         'model': self.model})


class Guest(_Config):
    """``<domain>``."""

    def __init__(self, name, uuid, memory_mb, vcpus, virt_type='qemu',
                 machine='pc', arch='x86_64', description=None):
        self.name = name
        self.uuid = uuid
        self.memory_mb = memory_mb
        self.vcpus = vcpus
        self.virt_type = virt_type
        self.machine = machine
        self.arch = arch
        self.description = description
        self.devices = []

    def add_device(self, device):
        self.devices.append(device)
        return device

    def to_xml(self):
        domain = ET.Element('domain', {'type': self.virt_type})
        _sub(domain, 'name', self.name)
        _sub(domain, 'uuid', self.uuid)
        if self.description:
            _sub(domain, 'description', self.description)
        _sub(domain, 'memory', self.memory_mb * 1024, unit='KiB')
        _sub(domain, 'vcpu', self.vcpus)
        os_ = _sub(domain, 'os')
        _sub(os_, 'type', 'hvm', arch=self.arch, machine=self.machine)
        _sub(os_, 'boot', dev='hd')
        features = _sub(domain, 'features')
        # ACPI is what makes PCI hot-plug work on the 'pc' machine.
        _sub(features, 'acpi')
        _sub(domain, 'on_poweroff', 'destroy')
        _sub(domain, 'on_reboot', 'restart')
        _sub(domain, 'on_crash', 'destroy')
        devices = _sub(domain, 'devices')
        for device in self.devices:
            devices.append(device.to_xml())
        _sub(devices, 'memballoon', model='none')
        return domain


def parse_disks(domain_xml):
    """``[(target dev, serial, <disk> element)]`` of a domain's XML."""
    root = ET.fromstring(domain_xml)
    out = []
    for disk in root.findall('./devices/disk'):
        target = disk.find('target')
        serial = disk.find('serial')
        out.append((target.get('dev') if target is not None else None,
                    serial.text if serial is not None else None, disk))
    return out


def device_address(disk):
    """The guest address of a ``<disk>`` element as the metadata gives it:
    ``0000:00:05.0`` (PCI) or ``controller:bus:target:unit`` (drive)."""
    address = disk.find('address')
    if address is None:
        return None
    if address.get('type') == 'pci':
        return '%04x:%02x:%02x.%x' % tuple(
            int(address.get(k) or '0', 16) for k in
            ('domain', 'bus', 'slot', 'function'))
    if address.get('type') == 'drive':
        keys = ('controller', 'bus', 'target', 'unit') if \
            disk.find('target').get('bus') == 'scsi' else ('bus', 'unit')
        return ':'.join(address.get(k) or '0' for k in keys)
    return None


def console_log_paths(domain_xml):
    """The files a domain writes its serial consoles to: the source of a
    ``<serial type='file'>`` and the ``<log file=...>`` of any serial or
    console (a pty logged to a file), in that order."""
    root = ET.fromstring(domain_xml)
    paths = []
    for tag in ('serial', 'console'):
        for device in root.findall('./devices/%s' % tag):
            source = device.find('source')
            if device.get('type') == 'file' and source is not None and \
                    source.get('path'):
                paths.append(source.get('path'))
            log = device.find('log')
            if log is not None and log.get('file'):
                paths.append(log.get('file'))
    return list(dict.fromkeys(paths))
