import copy

from oslo_config import cfg

image_group = cfg.OptGroup(
    'image_catalog', title='Image catalog',
    help='The images the compute API knows. nova_lite has no image '
         'service of its own: servers boot from these image ids (checked '
         'on server create) and the API serves them read-only in the Image '
         'v2 format at /image so that the openstack CLI and novaclient can '
         'look them up.')

image_opts = [
    cfg.ListOpt('images',
                default=['70a599e0-31e7-49b7-b260-868f441e862b:'
                         'cirros-0.6.2-x86_64-disk'],
                help='Images as <uuid>:<name>[:<path>] entries. <path> is a '
                     'local file with the image\'s bytes: volumes created '
                     'from the image get a copy of them.'),
]


def register_opts(conf):
    conf.register_group(copy.deepcopy(image_group))
    conf.register_opts(image_opts, group=image_group)


def list_opts():
    return {image_group: image_opts}
