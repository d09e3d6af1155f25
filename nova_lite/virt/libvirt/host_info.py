"""What the libvirt driver tells administrators: the host's resources and
uptime, and a guest's diagnostics read from its domain (info, vCPUs, block
and interface statistics, memory statistics)."""

import json
import logging
import os
from xml.etree import ElementTree as ET

from oslo_utils import timeutils

from nova_lite.virt import uptime

LOG = logging.getLogger(__name__)

# virDomainState -> nova's power state names.
_STATE_NAMES = {0: 'pending', 1: 'running', 2: 'running', 3: 'paused',
                4: 'shutdown', 5: 'shutdown', 6: 'crashed', 7: 'suspended'}
_MI = 1024 * 1024


def _io_devices(xml):
    """``{'volumes': [target devs], 'ifaces': [target devs]}``."""
    try:
        doc = ET.fromstring(xml)
    except ET.ParseError:
        return {'volumes': [], 'ifaces': []}
    volumes = [t.get('dev') for t in doc.findall('./devices/disk/target')
               if t.get('dev')]
    ifaces = [t.get('dev') for t in
              doc.findall('./devices/interface/target') if t.get('dev')]
    return {'volumes': volumes, 'ifaces': ifaces}


def _cpu_info(conn):
    """The host CPU as nova reports it (arch, model, vendor, topology,
    features), from the capabilities document."""
    info = {'arch': None, 'model': None, 'vendor': None, 'topology': {},
            'features': []}
    try:
        doc = ET.fromstring(conn.getCapabilities())
    except Exception:
        return info
    cpu = doc.find('./host/cpu')
    if cpu is None:
        return info
    for name in ('arch', 'model', 'vendor'):
        node = cpu.find(name)
        info[name] = node.text if node is not None else None
    topology = cpu.find('topology')
    if topology is not None:
        info['topology'] = {k: int(topology.get(k)) for k in
                            ('cells', 'sockets', 'cores', 'threads')
                            if topology.get(k) is not None}
    info['features'] = sorted(f.get('name') for f in cpu.findall('feature')
                              if f.get('name'))
    return info


class HostInfo:
    """Mixed into the libvirt driver (``self.conn``, ``self._domain``,
    ``self.instances_path``, ``self.conf``)."""

    def get_available_resource(self):
        conn = self.conn
        # [arch, memory MiB, cpus, MHz, nodes, sockets, cores, threads]
        info = conn.getInfo()
        try:
            stat = os.statvfs(self.instances_path)
            total_gb = stat.f_frsize * stat.f_blocks // (1024 ** 3)
            free_gb = stat.f_frsize * stat.f_bavail // (1024 ** 3)
        except OSError:
            total_gb = free_gb = 0
        return {'vcpus': int(info[2]), 'memory_mb': int(info[1]),
                'local_gb': int(total_gb),
                'hypervisor_type': conn.getType(),
                'hypervisor_version': int(conn.getVersion()),
                'hypervisor_hostname': conn.getHostname(),
                'cpu_info': json.dumps(_cpu_info(conn)),
                'disk_available_least': int(free_gb)}

    def get_host_uptime(self):
        return uptime.host_uptime()

    def get_diagnostics(self, instance):
        dom = self._domain(instance)
        out = {}
        try:
            for vcpu in dom.vcpus()[0]:
                # (number, state, cpu time ns, real cpu)
                out['cpu%d_time' % vcpu[0]] = vcpu[2]
        except Exception:
            LOG.debug('No vCPU statistics for %s', instance.uuid)
        devices = _io_devices(dom.XMLDesc(0))
        for disk in devices['volumes']:
            try:
                stats = dom.blockStats(disk)
            except Exception:
                continue
            out.update({disk + '_read_req': stats[0],
                        disk + '_read': stats[1],
                        disk + '_write_req': stats[2],
                        disk + '_write': stats[3],
                        disk + '_errors': stats[4]})
        for iface in devices['ifaces']:
            try:
                stats = dom.interfaceStats(iface)
            except Exception:
                continue
            names = ('rx', 'rx_packets', 'rx_errors', 'rx_drop', 'tx',
                     'tx_packets', 'tx_errors', 'tx_drop')
            out.update({'%s_%s' % (iface, n): v
                        for n, v in zip(names, stats)})
        out['memory'] = dom.maxMemory()
        try:
            for key, value in dom.memoryStats().items():
                out['memory-' + key] = value
        except Exception:
            pass
        return out

    def get_instance_diagnostics(self, instance):
        dom = self._domain(instance)
        xml = dom.XMLDesc(0)
        state, max_mem, mem, _num_cpu, _cpu_time = dom.info()
        launched = instance.launched_at
        seconds = int((timeutils.utcnow() - launched).total_seconds()) \
            if launched else 0
        cpus = []
        try:
            cpus = [{'id': v[0], 'time': v[2], 'utilisation': None}
                    for v in dom.vcpus()[0]]
        except Exception:
            LOG.debug('No vCPU statistics for %s', instance.uuid)
        disks = []
        for disk in _io_devices(xml)['volumes']:
            try:
                stats = dom.blockStats(disk)
            except Exception:
                continue
            disks.append({'read_bytes': stats[1], 'read_requests': stats[0],
                          'write_bytes': stats[3],
                          'write_requests': stats[2],
                          'errors_count': stats[4]})
        nics = []
        try:
            doc = ET.fromstring(xml)
        except ET.ParseError:
            doc = None
        for iface in doc.findall('./devices/interface') if doc is not None \
                else ():
            mac = iface.find('mac')
            nic = {'mac_address': mac.get('address') if mac is not None
                   else None}
            for key in ('rx_octets', 'rx_errors', 'rx_drop', 'rx_packets',
                        'rx_rate', 'tx_octets', 'tx_errors', 'tx_drop',
                        'tx_packets', 'tx_rate'):
                nic[key] = None
            target = iface.find('target')
            dev = target.get('dev') if target is not None else None
            if dev:
                try:
                    stats = dom.interfaceStats(dev)
                    nic.update(rx_octets=stats[0], rx_packets=stats[1],
                               rx_errors=stats[2], rx_drop=stats[3],
                               tx_octets=stats[4], tx_packets=stats[5],
                               tx_errors=stats[6], tx_drop=stats[7])
                except Exception:
                    pass
            nics.append(nic)
        return {
            'state': _STATE_NAMES.get(state, 'pending'),
            'driver': 'libvirt',
            'hypervisor': self.conf.libvirt.virt_type,
            'hypervisor_os': 'linux', 'uptime': max(0, seconds),
            'config_drive': bool(instance.config_drive),
            'num_cpus': len(cpus), 'num_nics': len(nics),
            'num_disks': len(disks), 'cpu_details': cpus,
            'nic_details': nics, 'disk_details': disks,
            'memory_details': {'maximum': int(max_mem / _MI),
                               'used': int(mem / _MI)},
        }
