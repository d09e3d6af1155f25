import copy

from oslo_config import cfg

image_group = cfg.OptGroup(
    'image_catalog', title='Image catalog',
    help='Seed images: nova-lite-all and nova-lite-image create them in '
         'the built-in image service at start when they are missing '
         '(public, active). A compute API that finds no image service '
         '([glance] api_servers or the service catalog) uses this list '
         'as its image catalog.')

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
