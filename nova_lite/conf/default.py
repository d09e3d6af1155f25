import os
import socket

from oslo_config import cfg

cli_opts = [
    cfg.StrOpt('host',
               default=socket.gethostname(),
               sample_default='<current_hostname>',
               help='Hostname, FQDN or IP address of this host. Used as '
                    'the name of the compute service record and as its RPC '
                    'server name; must be unique within a cell.'),
]

core_opts = [
    cfg.StrOpt('state_path',
               default=os.path.join(os.path.expanduser('~'), '.nova-lite'),
               help='Top-level directory for maintaining nova_lite state, '
                    'such as the SQLite databases of the embedded default.'),
    cfg.StrOpt('my_ip', default='127.0.0.1',
               help='IP address of this host, given to block storage in the '
                    'host connector.'),
    cfg.IntOpt('report_interval', default=10, min=1,
               help='Seconds between two service heartbeats written to the '
                    'services table.'),
    cfg.IntOpt('service_down_time', default=60, min=1,
               help='Maximum seconds since the last heartbeat for a service '
                    'to be considered up. Must be larger than '
                    'report_interval.'),
    cfg.StrOpt('compute_driver', default='fake.FakeDriver',
               help='Virt driver used by nova-lite-compute, as '
                    '<module>.<Class> under nova_lite.virt, for example '
                    '``fake.FakeDriver`` (in-memory guests).'),
    cfg.HostAddressOpt('osapi_compute_listen', default='127.0.0.1',
                       help='IP address on which the compute API listens.'),
    cfg.PortOpt('osapi_compute_listen_port', default=8774,
                help='Port on which the compute API listens.'),
    cfg.IntOpt('osapi_compute_workers', min=1,
               help='Number of worker threads of the compute API server. '
                    'Defaults to 16.'),
    cfg.StrOpt('instance_name_template', default='instance-%08x',
               help='Template string to be used to generate instance names. '
                    'This template controls the creation of the database '
                    'name of an instance. This is *not* the display name '
                    'you enter when creating an instance (via Horizon or '
                    'CLI). For a new deployment it is advisable to change '
                    'the default value (which uses the database '
                    'autoincrement) to another value which makes use of '
                    'the attributes of an instance, like '
                    '``instance-%(uuid)s``. If you already have instances '
                    'in your deployment when you change this, your '
                    'deployment will break.'),
    cfg.StrOpt('default_availability_zone', default='nova',
               help='Default availability zone for compute services: the '
                    'zone of every nova-compute host that is in no '
                    'aggregate with availability_zone metadata. Any string '
                    'naming an availability zone.'),
    cfg.StrOpt('internal_service_availability_zone', default='internal',
               help='Availability zone of the internal services (every '
                    'service but nova-compute). It is not listed by '
                    'os-availability-zone.'),
    cfg.StrOpt('default_schedule_zone',
               help='Default availability zone for servers, used when a '
                    'create request names none; the servers are bound to '
                    'it for their lifetime. Unset (the default), servers '
                    'created without a zone may land on a host of any '
                    'zone. Related options: [cinder] cross_az_attach.'),
    cfg.IntOpt('shelved_offload_time', default=0, min=-1,
               deprecated_group='compute',
               help='Seconds a shelved server stays on its compute host '
                    'before a periodic task of that host offloads it; 0 '
                    'offloads it as soon as it is shelved, -1 never (until '
                    'the shelveOffload action). A volume-backed server is '
                    'always offloaded at once.'),
    cfg.ListOpt('non_inheritable_image_properties',
                default=['cache_in_nova', 'bittorrent'],
                help='Image properties a snapshot of a server '
                     '(createImage, createBackup, shelve) does not inherit '
                     'from the image the server booted from. The image '
                     'signature properties (img_signature*), the '
                     'cinder_encryption_key_* properties and those in the '
                     'os_glance namespace are never inherited.'),
    cfg.IntOpt('reclaim_instance_interval', default=0,
               help='Interval for reclaiming deleted instances. A value '
                    'greater than 0 enables soft delete: a deleted server '
                    'becomes SOFT_DELETED, can be brought back with the '
                    'restore action, and is deleted by a periodic task of '
                    'its compute service once it has been soft deleted for '
                    'longer than this many seconds. Read by the API and '
                    'the compute services alike: set it everywhere.'),
    cfg.IntOpt('reimage_timeout_per_gb', default=20, min=1,
               help='Timeout for reimaging a volume. Number of seconds to '
                    'wait for volume-reimaged events to arrive before '
                    'continuing or failing. This is a per gigabyte time '
                    'which has a default value of 20 seconds and will be '
                    'multiplied by the GB size of image. Eg: an image of '
                    '6 GB will have a timeout of 20 * 6 = 120 seconds. Try '
                    'increasing the timeout if the image copy per GB takes '
                    'more time and you are hitting timeout failures.'),
    cfg.BoolOpt('force_config_drive', default=False,
                help='Force injection to take place on a config drive. '
                     'When true, every server built on this compute host '
                     'gets a config drive, whether or not its create '
                     'request asked for one (``config_drive``); the server '
                     'then shows ``config_drive: True``. Set it on the '
                     'compute hosts.'),
    cfg.StrOpt('config_drive_format', default='iso9660',
               choices=[('iso9660', 'An ISO 9660 image, attached as a '
                         'CD-ROM (made with mkisofs_cmd).'),
                        ('vfat', 'A VFAT file system, attached as a disk '
                         '(made with mkfs.vfat and mcopy).')],
               help='Config drive format. Both are labelled config-2.'),
    cfg.StrOpt('mkisofs_cmd', default='genisoimage',
               help='Name or path of the tool used for ISO image creation '
                    '(genisoimage, mkisofs or xorrisofs).'),
    cfg.BoolOpt('allow_resize_to_same_host', default=False,
                help='Whether a resize or a cold migration may pick the '
                     'host the server is already on (by default the '
                     'scheduler leaves that host out). Handy on a '
                     'single-host deployment. Read by the conductor, which '
                     'chooses the destination of a move.'),
]


def register_opts(conf):
    conf.register_cli_opts(cli_opts)
    conf.register_opts(core_opts)


def list_opts():
    return {'DEFAULT': cli_opts + core_opts}
