"""The libvirt driver's host resources, uptime and guest diagnostics, read
from a fake libvirt connection."""

import datetime
import json
import types

import pytest

from nova_lite.virt.libvirt import driver as libvirt_driver
from tests.fixtures import stack as stack_fixture
from tests.unit import test_libvirt_driver as base

CAPABILITIES = """<capabilities><host><cpu>
  <arch>x86_64</arch><model>Skylake-Client</model><vendor>Intel</vendor>
  <topology sockets='1' cores='2' threads='2'/>
  <feature name='vmx'/><feature name='aes'/>
</cpu></host></capabilities>"""

DOMAIN = """<domain type='qemu'><uuid>%s</uuid><name>instance</name>
<devices>
  <disk type='file' device='disk'><target dev='vda' bus='virtio'/></disk>
  <disk type='file' device='disk'><target dev='vdb' bus='virtio'/></disk>
  <interface type='bridge'><mac address='fa:16:3e:00:00:01'/>
    <target dev='tap0'/></interface>
  <interface type='bridge'><mac address='fa:16:3e:00:00:02'/></interface>
</devices></domain>""" % base.UUID


class StatsDomain(base.FakeDomain):
    def info(self):
        return [1, 2097152, 1048576, 2, 123]

    def vcpus(self):
        return ([(0, 1, 1000, 0), (1, 1, 2000, 1)], [])

    def blockStats(self, dev):
        return {'vda': (1, 2, 3, 4, 0), 'vdb': (5, 6, 7, 8, 1)}[dev]

    def interfaceStats(self, dev):
        assert dev == 'tap0'
        return (10, 11, 12, 13, 14, 15, 16, 17)

    def maxMemory(self):
        return 2097152

    def memoryStats(self):
        return {'actual': 2097152, 'rss': 1000}


class StatsConnection(base.FakeConnection):
    def getInfo(self):
        return ['x86_64', 7812, 4, 2400, 1, 1, 2, 2]

    def getType(self):
        return 'QEMU'

    def getHostname(self):
        return 'node1.example'

    def getCapabilities(self):
        return CAPABILITIES

    def defineXML(self, xml):
        dom = StatsDomain(self, xml)
        self.domains[dom.UUIDString()] = dom
        return dom


@pytest.fixture
def drv(tmp_path):
    conf = stack_fixture.make_conf(tmp_path)
    d = libvirt_driver.LibvirtDriver(conf, connection=StatsConnection())
    d.init_host('compute1')
    d.conn.defineXML(DOMAIN).create()
    return d


def _instance():
    return types.SimpleNamespace(
        uuid=base.UUID, config_drive='',
        launched_at=datetime.datetime.utcnow() - datetime.timedelta(
            seconds=90))


def test_available_resource(drv):
    res = drv.get_available_resource()
    assert (res['vcpus'], res['memory_mb'], res['hypervisor_type'],
            res['hypervisor_version'], res['hypervisor_hostname']) == (
        4, 7812, 'QEMU', 7002022, 'node1.example')
    cpu = json.loads(res['cpu_info'])
    assert cpu['model'] == 'Skylake-Client'
    assert cpu['topology'] == {'sockets': 1, 'cores': 2, 'threads': 2}
    assert cpu['features'] == ['aes', 'vmx']
    assert res['local_gb'] >= res['disk_available_least'] >= 0


def test_legacy_diagnostics(drv):
    out = drv.get_diagnostics(_instance())
    assert out['cpu0_time'] == 1000 and out['cpu1_time'] == 2000
    assert (out['vdb_read_req'], out['vdb_read'], out['vdb_write_req'],
            out['vdb_write'], out['vdb_errors']) == (5, 6, 7, 8, 1)
    assert (out['tap0_rx'], out['tap0_rx_packets'], out['tap0_tx_drop']) == (
        10, 11, 17)
    assert out['memory'] == 2097152
    assert out['memory-rss'] == 1000


def test_standard_diagnostics(drv):
    out = drv.get_instance_diagnostics(_instance())
    assert (out['state'], out['driver'], out['hypervisor'],
            out['hypervisor_os']) == ('running', 'libvirt', 'qemu', 'linux')
    assert 85 <= out['uptime'] <= 300
    assert out['config_drive'] is False
    assert out['cpu_details'] == [
        {'id': 0, 'time': 1000, 'utilisation': None},
        {'id': 1, 'time': 2000, 'utilisation': None}]
    assert out['disk_details'][1] == {
        'read_bytes': 6, 'read_requests': 5, 'write_bytes': 8,
        'write_requests': 7, 'errors_count': 1}
    assert [n['mac_address'] for n in out['nic_details']] == [
        'fa:16:3e:00:00:01', 'fa:16:3e:00:00:02']
    assert out['nic_details'][0]['rx_octets'] == 10
    assert out['nic_details'][1]['rx_octets'] is None
    assert (out['num_cpus'], out['num_disks'], out['num_nics']) == (2, 2, 2)
    assert out['memory_details'] == {'maximum': 2, 'used': 1}


def test_uptime_line(drv):
    assert ' up ' in drv.get_host_uptime()
