import copy

from oslo_config import cfg

libvirt_group = cfg.OptGroup('libvirt', title='libvirt driver options')

libvirt_opts = [
    cfg.StrOpt('virt_type', default='qemu', choices=('kvm', 'qemu'),
               help='Libvirt domain type.'),
    cfg.StrOpt('connection_uri', default='',
               help='Override the default libvirt URI chosen by virt_type.'),
]


def register_opts(conf):
    conf.register_group(copy.deepcopy(libvirt_group))
    conf.register_opts(libvirt_opts, group=libvirt_group)


def list_opts():
    return {libvirt_group: libvirt_opts}
