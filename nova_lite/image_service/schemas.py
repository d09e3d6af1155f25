"""The JSON schemas Glance serves under ``/v2/schemas`` (image, images,
member, members), and the attribute sets the API checks against."""

import copy

DISK_FORMATS = ('ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2',
                'vdi', 'iso', 'ploop')
CONTAINER_FORMATS = ('ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker',
                     'compressed')
VISIBILITIES = ('public', 'private', 'community', 'shared')
STATUSES = ('queued', 'saving', 'active', 'killed', 'deleted', 'uploading',
            'importing', 'pending_delete', 'deactivated')
MEMBER_STATUSES = ('pending', 'accepted', 'rejected')

# Set by the service only.
READ_ONLY = ('created_at', 'updated_at', 'status', 'checksum', 'size',
             'virtual_size', 'direct_url', 'self', 'file', 'schema',
             'os_hash_algo', 'os_hash_value', 'stores')
RESERVED = ('location', 'deleted', 'deleted_at')
# Properties Glance keeps for itself.
RESERVED_PREFIX = 'os_glance'
# Base attributes a client may set.
SETTABLE = ('name', 'visibility', 'protected', 'os_hidden', 'tags',
            'container_format', 'disk_format', 'min_ram', 'min_disk',
            'owner')

_DT = {'type': 'string', 'readOnly': True, 'format': 'date-time'}

_IMAGE_PROPERTIES = {
    'id': {'type': 'string', 'description': 'An identifier for the image',
           'pattern': '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}'
                      '-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$'},
    'name': {'type': ['null', 'string'], 'maxLength': 255,
             'description': 'Descriptive name for the image'},
    'status': {'type': 'string', 'readOnly': True, 'enum': list(STATUSES),
               'description': 'Status of the image'},
    'visibility': {'type': 'string', 'enum': list(VISIBILITIES),
                   'description': 'Scope of image accessibility'},
    'protected': {'type': 'boolean',
                  'description': 'If true, image will not be deletable.'},
    'os_hidden': {'type': 'boolean',
                  'description': 'If true, image will not appear in default '
                                 'image list response.'},
    'checksum': {'type': ['null', 'string'], 'readOnly': True,
                 'maxLength': 32,
                 'description': 'md5 hash of image contents.'},
    'os_hash_algo': {'type': ['null', 'string'], 'readOnly': True,
                     'maxLength': 64,
                     'description': 'Algorithm to calculate the os_hash_value'},
    'os_hash_value': {'type': ['null', 'string'], 'readOnly': True,
                      'maxLength': 128,
                      'description': 'Hexdigest of the image contents using '
                                     'the algorithm specified by the '
                                     'os_hash_algo'},
    'owner': {'type': ['null', 'string'], 'maxLength': 255,
              'description': 'Owner of the image'},
    'size': {'type': ['null', 'integer'], 'readOnly': True,
             'description': 'Size of image file in bytes'},
    'virtual_size': {'type': ['null', 'integer'], 'readOnly': True,
                     'description': 'Virtual size of image in bytes'},
    'container_format': {'type': ['null', 'string'],
                         'enum': [None] + list(CONTAINER_FORMATS),
                         'description': 'Format of the container'},
    'disk_format': {'type': ['null', 'string'],
                    'enum': [None] + list(DISK_FORMATS),
                    'description': 'Format of the disk'},
    'created_at': dict(_DT, description='Date and time of image '
                                        'registration'),
    'updated_at': dict(_DT, description='Date and time of the last image '
                                        'modification'),
    'tags': {'type': 'array', 'items': {'type': 'string', 'maxLength': 255},
             'description': 'List of strings related to the image'},
    'direct_url': {'type': 'string', 'readOnly': True,
                   'description': 'URL to access the image file kept in '
                                  'external store'},
    'min_ram': {'type': 'integer',
                'description': 'Amount of ram (in MB) required to boot '
                               'image.'},
    'min_disk': {'type': 'integer',
                 'description': 'Amount of disk space (in GB) required to '
                                'boot image.'},
    'self': {'type': 'string', 'readOnly': True,
             'description': 'An image self url'},
    'file': {'type': 'string', 'readOnly': True,
             'description': 'An image file url'},
    'stores': {'type': 'string', 'readOnly': True,
               'description': 'Store in which image data resides.'},
    'schema': {'type': 'string', 'readOnly': True,
               'description': 'An image schema url'},
    'locations': {'type': 'array', 'items': {'type': 'object'},
                  'description': 'A set of URLs to access the image file '
                                 'kept in external store'},
    'kernel_id': {'type': ['null', 'string'],
                  'pattern': '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-'
                             '([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-'
                             '([0-9a-fA-F]){12}$',
                  'description': 'ID of image stored in Glance that should '
                                 'be used as the kernel when booting an '
                                 'AMI-style image.', 'is_base': False},
    'ramdisk_id': {'type': ['null', 'string'],
                   'pattern': '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-'
                              '([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-'
                              '([0-9a-fA-F]){12}$',
                   'description': 'ID of image stored in Glance that should '
                                  'be used as the ramdisk when booting an '
                                  'AMI-style image.', 'is_base': False},
    'instance_uuid': {'type': 'string', 'is_base': False,
                      'description': 'Metadata which can be used to record '
                                     'which instance this image is '
                                     'associated with. (Informational only, '
                                     'does not create an instance '
                                     'snapshot.)'},
    'architecture': {'type': 'string', 'is_base': False,
                     'description': 'Operating system architecture as '
                                    'specified in https://docs.openstack.org'
                                    '/python-glanceclient/latest/cli/'
                                    'property-keys.html'},
    'os_distro': {'type': 'string', 'is_base': False,
                  'description': 'Common name of operating system distribution'
                                 ' as specified in https://docs.openstack.org'
                                 '/python-glanceclient/latest/cli/'
                                 'property-keys.html'},
    'os_version': {'type': 'string', 'is_base': False,
                   'description': 'Operating system version as specified by '
                                  'the distributor.'},
    'description': {'type': 'string', 'is_base': False,
                    'description': 'A human-readable string describing this '
                                   'image.'},
    'cim_pasd_hostname': {'type': 'string', 'is_base': False,
                          'description': 'A name that should be used to '
                                         'identify the system.'},
}

_LINKS = [
    {'rel': 'self', 'href': '{self}'},
    {'rel': 'enclosure', 'href': '{file}'},
    {'rel': 'describedby', 'href': '{schema}'},
]

IMAGE = {
    'name': 'image',
    'properties': _IMAGE_PROPERTIES,
    'additionalProperties': {'type': 'string'},
    'links': _LINKS,
}

IMAGES = {
    'name': 'images',
    'properties': {
        'images': {'type': 'array', 'items': IMAGE},
        'schema': {'type': 'string'},
        'first': {'type': 'string'},
        'next': {'type': 'string'},
    },
    'links': [{'rel': 'first', 'href': '{first}'},
              {'rel': 'next', 'href': '{next}'},
              {'rel': 'describedby', 'href': '{schema}'}],
}

MEMBER = {
    'name': 'member',
    'properties': {
        'created_at': {'type': 'string', 'description': 'Date and time of '
                                                        'image member '
                                                        'creation'},
        'image_id': {'type': 'string', 'description': 'An identifier for '
                                                      'the image',
                     'pattern': _IMAGE_PROPERTIES['id']['pattern']},
        'member_id': {'type': 'string', 'description': 'An identifier for '
                                                       'the image member '
                                                       '(tenantId)'},
        'status': {'type': 'string', 'enum': list(MEMBER_STATUSES),
                   'description': 'The status of this image member'},
        'updated_at': {'type': 'string', 'description': 'Date and time of '
                                                        'last modification '
                                                        'of image member'},
        'schema': {'type': 'string', 'readOnly': True},
    },
}

MEMBERS = {
    'name': 'members',
    'properties': {
        'members': {'type': 'array', 'items': MEMBER},
        'schema': {'type': 'string'},
    },
    'links': [{'rel': 'describedby', 'href': '{schema}'}],
}

ALL = {'image': IMAGE, 'images': IMAGES, 'member': MEMBER,
       'members': MEMBERS}


def get(name):
    return copy.deepcopy(ALL[name])
