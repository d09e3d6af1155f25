"""The configured image catalog (``[image_catalog] images``)."""

import os

from oslo_utils import uuidutils

from nova_lite import exception


class Image:
    def __init__(self, image_id, name, path=None):
        self.id = image_id
        self.name = name
        # A local file holding the image's bytes, if the catalog names one.
        self.path = path or None
        # Image properties nova records for a server at boot and shows
        # from 2.98 (hw_*, os_* ...): the catalog sets none.
        self.properties = {}

    @property
    def size(self):
        """Size in bytes of the image file, or None without one."""
        if self.path and os.path.isfile(self.path):
            return os.path.getsize(self.path)
        return None

    def to_v2(self):
        """The image as the Image API v2 renders it."""
        return {
            'id': self.id, 'name': self.name, 'status': 'active',
            'visibility': 'public', 'protected': False, 'os_hidden': False,
            'container_format': 'bare', 'disk_format': 'qcow2',
            'min_disk': 0, 'min_ram': 0, 'size': self.size,
            'virtual_size': None, 'checksum': None, 'owner': None,
            'tags': [], 'created_at': '2026-01-01T00:00:00Z',
            'updated_at': '2026-01-01T00:00:00Z',
            'self': '/v2/images/%s' % self.id,
            'file': '/v2/images/%s/file' % self.id,
            'schema': '/v2/schemas/image',
        }


def all_images(conf):
    images = []
    for entry in conf.image_catalog.images:
        image_id, _sep, rest = entry.partition(':')
        name, _sep, path = rest.partition(':')
        image_id = image_id.strip()
        if uuidutils.is_uuid_like(image_id):
            images.append(Image(image_id, name.strip() or image_id,
                                path.strip()))
    return images


def get(conf, image_id):
    for image in all_images(conf):
        if image.id == image_id:
            return image
    raise exception.ImageNotFound(image_id=image_id)
