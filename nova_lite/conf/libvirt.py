"""[libvirt] options, and [DEFAULT] instances_path (nova's names)."""

import copy

from oslo_config import cfg

instances_opts = [
    cfg.StrOpt('instances_path',
               help='Where servers\' disks and console logs live. Defaults '
                    'to <state_path>/instances. QEMU runs as its own user: '
                    'every directory on the way must be traversable by '
                    'it.'),
]

libvirt_group = cfg.OptGroup('libvirt', title='Libvirt options',
                             help='The libvirt virt driver '
                                  '(compute_driver = libvirt.LibvirtDriver).')

libvirt_opts = [
    cfg.StrOpt('virt_type', default='qemu',
               choices=['kvm', 'qemu'],
               help='Libvirt domain type. qemu (TCG) runs anywhere; kvm '
                    'needs hardware virtualisation.'),
    cfg.StrOpt('connection_uri', default='',
               help='Libvirt connection URI; empty means qemu:///system.'),
    cfg.StrOpt('default_disk_bus', default='virtio',
               choices=['virtio', 'scsi', 'sata'],
               help='Bus of volumes attached without a disk_bus (virtio-scsi '
                    'detaches without help from the guest, virtio-blk needs '
                    'a guest OS to release the device).'),
    cfg.IntOpt('device_detach_attempts', default=8, min=1,
               help='Maximum number of attempts to detach a device from a '
                    'running guest.'),
    cfg.IntOpt('device_detach_timeout', default=20, min=1,
               help='Seconds to wait for the guest to release a device '
                    'after each detach request.'),
]


def register_opts(conf):
    conf.register_opts(instances_opts)
    conf.register_group(copy.deepcopy(libvirt_group))
    conf.register_opts(libvirt_opts, group='libvirt')


def list_opts():
    return {'DEFAULT': instances_opts, libvirt_group: libvirt_opts}
