"""[image_service]: the built-in image service (a Glance v2 API subset),
and [glance]: how the compute API finds an image service (nova's names)."""

import copy

from oslo_config import cfg

image_service_group = cfg.OptGroup(
    'image_service', title='Built-in image service',
    help='A small Glance v2 compatible image service: image records in a '
         'database of their own, image data as files under state_path. '
         'nova-lite-all serves it; nova-lite-image runs it on its own.')

image_service_opts = [
    cfg.BoolOpt('enabled', default=True,
                help='Serve the built-in image service from nova-lite-all '
                     '(on its own port, and under /image of the compute '
                     'listener). Turn it off to use a real Glance through '
                     '[glance] api_servers or the service catalog.'),
    cfg.HostAddressOpt('listen', default='127.0.0.1',
                       help='IP address on which the image API listens.'),
    cfg.PortOpt('listen_port', default=9292,
                help='Port on which the image API listens (Glance\'s).'),
    cfg.StrOpt('connection', secret=True,
               help='SQLAlchemy URL of the image database. Defaults to an '
                    'SQLite file under state_path.'),
    cfg.StrOpt('images_path',
               help='Directory holding the image data files. Defaults to '
                    '<state_path>/images.'),
    cfg.IntOpt('workers', default=8, min=1,
               help='Worker threads of the image API server.'),
    cfg.IntOpt('limit_param_default', default=25, min=1,
               help='Default page size of image lists (Glance\'s).'),
    cfg.IntOpt('api_limit_max', default=1000, min=1,
               help='Largest page size an image list may ask for.'),
    cfg.IntOpt('image_size_cap', default=1099511627776, min=1,
               help='Largest image, in bytes, that may be uploaded.'),
    cfg.StrOpt('policy_file', default='image-policy.yaml',
               help='Policy overrides of the image API (Glance\'s rule '
                    'names), looked up like [oslo_policy] policy_file. '
                    'Missing means the defaults in code.'),
]

glance_group = cfg.OptGroup(
    'glance', title='Glance options',
    help='How the compute API reaches the image service: the built-in one '
         'of nova-lite-all or a real Glance.')

glance_opts = [
    cfg.ListOpt('api_servers',
                help='Image service endpoints (http://host:9292). When '
                     'unset, the image endpoint of the request\'s service '
                     'catalog is used; nova-lite-all points it at its '
                     'built-in image service.'),
    cfg.StrOpt('catalog_info', default='image::publicURL',
               regex=r'^[\w-]+:[\w-]*:.*$',
               help='Info to match when looking for the image service in '
                    'the service catalog, as <service_type>:'
                    '<service_name>:<interface>.'),
    cfg.StrOpt('region_name',
               help='Region name used to pick the image endpoint in the '
                    'service catalog.'),
    cfg.IntOpt('num_retries', default=3, min=0,
               help='Retries of an image service call on a connection '
                    'error.'),
    cfg.IntOpt('timeout', default=60, min=1,
               help='Timeout in seconds of an image service call.'),
]


def register_opts(conf):
    conf.register_group(copy.deepcopy(image_service_group))
    conf.register_opts(image_service_opts, group='image_service')
    conf.register_group(copy.deepcopy(glance_group))
    conf.register_opts(glance_opts, group='glance')


def list_opts():
    return {image_service_group: image_service_opts,
            glance_group: glance_opts}
