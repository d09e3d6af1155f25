"""The built-in block storage service (a Cinder v3 API subset).

``osapi_volume_listen`` and ``osapi_volume_listen_port`` keep Cinder's
names; everything else is in ``[block_storage]``.
"""

import copy

from oslo_config import cfg

listen_opts = [
    cfg.HostAddressOpt('osapi_volume_listen', default='127.0.0.1',
                       help='IP address on which the built-in block '
                            'storage API listens.'),
    cfg.PortOpt('osapi_volume_listen_port', default=8776,
                help='Port on which the built-in block storage API '
                     'listens.'),
]

block_storage_group = cfg.OptGroup(
    'block_storage', title='Built-in block storage',
    help='A small Cinder v3 compatible block storage service: volume '
         'types, volumes kept as sparse raw files, and the attachments '
         'API. nova-lite-all serves it; nova-lite-block-storage runs it on '
         'its own.')

block_storage_opts = [
    cfg.BoolOpt('enabled', default=True,
                help='Serve the built-in block storage from nova-lite-all. '
                     'Turn it off to use a real Cinder through [cinder].'),
    cfg.StrOpt('connection', secret=True,
               help='SQLAlchemy URL of the block storage database. '
                    'Defaults to an SQLite file under state_path.'),
    cfg.StrOpt('volumes_path',
               help='Directory holding the volume files. Defaults to '
                    '<state_path>/volumes.'),
    cfg.StrOpt('backend_name', default='lite',
               help='Backend and pool name; the volume host shown to '
                    'administrators is <host>@<backend_name>#<backend_name>.'),
    cfg.StrOpt('storage_availability_zone', default='nova',
               help='Availability zone of the volumes.'),
    cfg.StrOpt('default_volume_type', default='__DEFAULT__',
               help='Volume type given to volumes created without one; it '
                    'is created on start if missing.'),
    cfg.IntOpt('max_volume_size', default=1024, min=1,
               help='Largest volume size in GiB that may be requested.'),
    cfg.IntOpt('workers', default=16, min=1,
               help='Worker threads of the block storage API server.'),
    cfg.IntOpt('create_workers', default=4, min=1,
               help='Threads that fill new volumes (from an image) in the '
                    'background.'),
    cfg.BoolOpt('local_calls', default=True,
                help='When the compute services run in the same process as '
                     'the block storage (nova-lite-all), their block '
                     'storage requests, sent to ``[cinder] '
                     'endpoint_template``, are handed to the block storage '
                     'application in process instead of over the loopback '
                     'network. Requests, headers and answers are the same. '
                     'Set to False to send them over HTTP.'),
    cfg.URIOpt('compute_endpoint',
               help='URL of the compute API (``.../v2.1``) that the block '
                    'storage asks, with the requester\'s token, whether a '
                    'server still uses an attachment that a user (not a '
                    'service) asks to delete, as Cinder asks nova. '
                    'nova-lite-all points it at its own API when it is '
                    'left unset; otherwise the ``compute`` endpoint of the '
                    'request\'s service catalog is used. When neither is '
                    'known, such deletes are refused.'),
]


def register_opts(conf):
    conf.register_opts(listen_opts)
    conf.register_group(copy.deepcopy(block_storage_group))
    conf.register_opts(block_storage_opts, group='block_storage')


def list_opts():
    return {'DEFAULT': listen_opts, block_storage_group: block_storage_opts}
