"""Config drives: the files nova writes (meta_data.json keys, the tagged
volumes under ``devices``), the ISO 9660 image made with genisoimage, and
how the libvirt and fake drivers attach or record it."""

import base64
import json
import shutil
import subprocess
import types
from xml.etree import ElementTree as ET

import pytest

from nova_lite.virt import configdrive
from nova_lite.virt import fake
from nova_lite.virt.libvirt import driver as libvirt_driver
from tests.fixtures import stack as stack_fixture
from tests.unit import test_libvirt_driver as fakes

UUID = '7696780b-3f53-4688-ab25-019bfcbbd806'
ROOT_VOL = '0e9e6f55-8f1e-4f2b-9a0c-6f0a6f0a6f0a'
SHARED_VOL = '227cc671-f30b-4488-96fd-7d0bf13648d8'
USER_DATA = '#!/bin/sh\necho hello from $(hostname)\n'


@pytest.fixture
def conf(tmp_path):
    return stack_fixture.make_conf(tmp_path)


def _instance(**kw):
    values = dict(
        id=42, name='instance-0000002a', uuid=UUID, display_name='vm1',
        hostname='vm1',
        image_ref='70a599e0-31e7-49b7-b260-868f441e862b',
        root_device_name='/dev/vda', launch_index=0,
        availability_zone='nova', project_id='demo-project',
        key_name='mykey', key_data='ssh-ed25519 AAAA demo@host',
        metadata={'role': 'db'}, reservation_id='r-abcdefgh',
        user_data=base64.b64encode(USER_DATA.encode()).decode(),
        config_drive='True',
        flavor={'name': 'm1.tiny', 'memory_mb': 128, 'vcpus': 1,
                'root_gb': 1})
    values.update(kw)
    return types.SimpleNamespace(**values)


def _bdms():
    return [
        {'boot_index': 0, 'device_name': '/dev/vda', 'volume_id': ROOT_VOL,
         'tag': 'cirros', 'disk_bus': None,
         'connection_info': dict(fakes._info(multiattach=False,
                                             path='/v/root'),
                                 serial=ROOT_VOL)},
        {'boot_index': -1, 'device_name': '/dev/vdb',
         'volume_id': SHARED_VOL, 'tag': 'multiattach', 'disk_bus': None,
         'connection_info': fakes._info()},
        {'boot_index': None, 'device_name': '/dev/vdc',
         'volume_id': '11111111-2222-3333-4444-555555555555', 'tag': None,
         'disk_bus': None, 'connection_info': None},
    ]


def test_meta_data_as_nova_writes_it(conf):
    devices = [configdrive.disk_metadata(b, 'virtio', '0000:00:05.0')
               for b in _bdms() if b['tag']]
    data = configdrive.meta_data(conf, _instance(), devices)
    assert set(data) == {
        'uuid', 'meta', 'public_keys', 'keys', 'hostname', 'name',
        'launch_index', 'availability_zone', 'random_seed', 'project_id',
        'devices', 'dedicated_cpus'}
    assert data['uuid'] == UUID and data['name'] == 'vm1'
    assert data['hostname'] == 'vm1' and data['launch_index'] == 0
    assert data['availability_zone'] == 'nova'
    assert data['project_id'] == 'demo-project'
    assert data['meta'] == {'role': 'db'}
    assert data['public_keys'] == {'mykey': 'ssh-ed25519 AAAA demo@host'}
    assert data['keys'] == [{'name': 'mykey', 'type': 'ssh',
                             'data': 'ssh-ed25519 AAAA demo@host'}]
    assert len(base64.b64decode(data['random_seed'])) == 512
    # Tagged volumes only, each as nova's DiskMetadata renders.
    assert data['devices'] == [
        {'type': 'disk', 'bus': 'pci', 'address': '0000:00:05.0',
         'serial': ROOT_VOL, 'path': '/dev/vda', 'tags': ['cirros']},
        {'type': 'disk', 'bus': 'pci', 'address': '0000:00:05.0',
         'serial': SHARED_VOL, 'path': '/dev/vdb', 'tags': ['multiattach']},
    ]
    # Older versions carry fewer keys: no devices before 2016-06-30.
    old = configdrive.meta_data(conf, _instance(key_name=None, metadata={}),
                                devices, '2013-10-17')
    assert set(old) == {'uuid', 'hostname', 'name', 'launch_index',
                        'availability_zone', 'random_seed'}


def test_files_of_the_drive(conf):
    contents = configdrive.files(conf, _instance(), [])
    for version in configdrive.OPENSTACK_VERSIONS + ['latest']:
        assert 'openstack/%s/meta_data.json' % version in contents
        assert contents['openstack/%s/user_data' % version] == \
            USER_DATA.encode()
    latest = {p.split('/')[-1] for p in contents
              if p.startswith('openstack/latest/')}
    assert latest == {'meta_data.json', 'user_data', 'vendor_data.json',
                      'network_data.json', 'vendor_data2.json'}
    assert 'vendor_data2.json' not in {
        p.split('/')[-1] for p in contents
        if p.startswith('openstack/2015-10-15/')}
    ec2 = json.loads(contents['ec2/latest/meta-data.json'])
    assert ec2['hostname'] == 'vm1' and ec2['instance-type'] == 'm1.tiny'
    assert ec2['placement'] == {'availability-zone': 'nova'}
    assert ec2['public-keys']['0']['openssh-key'].startswith('ssh-ed25519')
    assert contents['ec2/2009-04-04/user-data'] == USER_DATA.encode()
    # No user data, no user_data files.
    bare = configdrive.files(conf, _instance(user_data=None), [])
    assert not [p for p in bare if 'user' in p]


def test_required_by(conf):
    assert configdrive.required_by(conf, _instance())
    assert not configdrive.required_by(conf, _instance(config_drive=''))
    conf.set_override('force_config_drive', True)
    assert configdrive.required_by(conf, _instance(config_drive=''))


needs_genisoimage = pytest.mark.skipif(
    shutil.which('genisoimage') is None or shutil.which('isoinfo') is None,
    reason='genisoimage is not installed (tools/run-tests installs it)')


def _iso_file(path, name):
    return subprocess.run(['isoinfo', '-R', '-i', path, '-x', name],
                          check=True, capture_output=True).stdout


@needs_genisoimage
def test_iso9660_drive(conf, tmp_path):
    path = str(tmp_path / 'disk.config')
    devices = [configdrive.disk_metadata(_bdms()[1], 'virtio',
                                         '0000:00:06.0')]
    configdrive.make_drive(conf, configdrive.files(conf, _instance(),
                                                   devices), path)
    with open(path, 'rb') as f:
        f.seek(16 * 2048)
        descriptor = f.read(2048)
    assert descriptor[1:6] == b'CD001'
    assert descriptor[40:72].rstrip() == b'config-2'
    data = json.loads(_iso_file(path, '/openstack/latest/meta_data.json'))
    assert data['devices'][0]['tags'] == ['multiattach']
    assert _iso_file(path, '/openstack/latest/user_data') == \
        USER_DATA.encode()
    assert json.loads(_iso_file(path, '/ec2/latest/meta-data.json'))[
        'hostname'] == 'vm1'


def test_missing_iso_tool_is_a_clear_error(conf, tmp_path):
    conf.set_override('mkisofs_cmd', 'no-such-mkisofs')
    with pytest.raises(configdrive.ConfigDriveError) as raised:
        configdrive.make_drive(conf, {'a': b'b'}, str(tmp_path / 'x'))
    assert 'no-such-mkisofs is not installed' in str(raised.value)


class AddressingConnection(fakes.FakeConnection):
    """Assigns PCI addresses on define, as libvirt does."""

    def defineXML(self, xml):
        tree = ET.fromstring(xml)
        slot = 4
        for disk in tree.findall('devices/disk'):
            if disk.find('target').get('bus') == 'virtio':
                ET.SubElement(disk, 'address', type='pci',
                              domain='0x0000', bus='0x00',
                              slot='0x%02x' % slot, function='0x0')
                slot += 1
        return super().defineXML(ET.tostring(tree, encoding='unicode'))


@needs_genisoimage
def test_libvirt_attaches_the_drive_as_nova_does(conf):
    drv = libvirt_driver.LibvirtDriver(
        conf, connection=AddressingConnection(),
        volume_overrides={'file': fakes.RecordingVolumeDriver})
    drv.init_host('compute1')
    drv.spawn(_instance(), _bdms())
    dom = drv.conn.lookupByUUIDString(UUID)
    root = ET.fromstring(dom.XMLDesc(0))
    (cdrom,) = [d for d in root.findall('devices/disk')
                if d.get('device') == 'cdrom']
    assert cdrom.find('target').attrib == {'dev': 'hdd', 'bus': 'ide'}
    assert cdrom.find('readonly') is not None
    path = cdrom.find('source').get('file')
    assert path == drv.config_drive_path(_instance())
    assert path.endswith(UUID + '/disk.config')
    data = json.loads(_iso_file(path, '/openstack/latest/meta_data.json'))
    assert data['devices'] == [
        {'type': 'disk', 'bus': 'pci', 'address': '0000:00:04.0',
         'serial': ROOT_VOL, 'path': '/dev/vda', 'tags': ['cirros']},
        {'type': 'disk', 'bus': 'pci', 'address': '0000:00:05.0',
         'serial': SHARED_VOL, 'path': '/dev/vdb', 'tags': ['multiattach']},
    ]
    # Without a config drive: no CD-ROM, no file.
    other = _instance(uuid='5c3d3b38-2b7e-4a43-9d4b-0f2d9d1d0d0d',
                      config_drive='')
    drv.spawn(other, [])
    root = ET.fromstring(drv.conn.lookupByUUIDString(other.uuid).XMLDesc(0))
    assert [d for d in root.findall('devices/disk')
            if d.get('device') == 'cdrom'] == []


def test_libvirt_drive_failure_undefines_the_domain(conf):
    conf.set_override('mkisofs_cmd', 'no-such-mkisofs')
    drv = libvirt_driver.LibvirtDriver(conf,
                                       connection=fakes.FakeConnection())
    drv.init_host('compute1')
    with pytest.raises(configdrive.ConfigDriveError):
        drv.spawn(_instance(), [])
    assert drv.conn.domains == {}


def test_fake_driver_records_the_drive(conf):
    drv = fake.FakeDriver(conf)
    drv.init_host('compute1')
    drv.spawn(_instance(), _bdms())
    drive = drv.guests[UUID]['config_drive']
    assert drive['format'] == 'iso9660' and drive['label'] == 'config-2'
    assert 'openstack/latest/user_data' in drive['files']
    assert [(d['serial'], d['tags']) for d in
            drive['meta_data']['devices']] == [
        (ROOT_VOL, ['cirros']), (SHARED_VOL, ['multiattach'])]
    drv.spawn(_instance(uuid='5c3d3b38-2b7e-4a43-9d4b-0f2d9d1d0d0d',
                        config_drive=''), [])
    assert 'config_drive' not in \
        drv.guests['5c3d3b38-2b7e-4a43-9d4b-0f2d9d1d0d0d']


@pytest.mark.skipif(shutil.which('mkfs.vfat') is None or
                    shutil.which('mtype') is None,
                    reason='dosfstools and mtools are not installed')
def test_vfat_drive(conf, tmp_path):
    conf.set_override('config_drive_format', 'vfat')
    path = str(tmp_path / 'disk.config')
    configdrive.make_drive(conf, configdrive.files(conf, _instance(), []),
                           path)
    label = subprocess.run(['mlabel', '-s', '-i', path, '::'],
                           capture_output=True, text=True,
                           env={'MTOOLS_SKIP_CHECK': '1'}).stdout
    assert 'CONFIG-2' in label.upper()
    data = subprocess.run(
        ['mtype', '-i', path, '::openstack/latest/user_data'],
        check=True, capture_output=True).stdout
    assert data == USER_DATA.encode()


def test_fake_driver_persisted_guests_come_back(conf):
    """With ``[fake_driver] persist_guests`` a compute restarted on the same
    state_path finds its guests, their volumes and config drives again."""
    conf.set_override('persist_guests', True, group='fake_driver')
    drv = fake.FakeDriver(conf)
    drv.init_host('compute1')
    drv.spawn(_instance(), _bdms())
    drv.attach_volume(_instance(), {'serial': 'vol-extra', 'data': {}},
                      '/dev/vdc')
    again = fake.FakeDriver(conf)
    again.init_host('compute1')
    assert again.guests == json.loads(json.dumps(drv.guests))
    assert again.get_guest_volumes(_instance())['/dev/vdc'] == 'vol-extra'
    assert again.host_connections == json.loads(
        json.dumps(drv.host_connections))
    other = fake.FakeDriver(conf)
    other.init_host('compute2')
    assert other.guests == {}
