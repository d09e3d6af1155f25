"""Volumes as sparse raw files under ``[block_storage] volumes_path``."""

import os
import shutil

GiB = 1024 ** 3


class FileBackend:
    def __init__(self, volumes_path):
        self.volumes_path = volumes_path

    def path_for(self, volume_id):
        return os.path.join(self.volumes_path, 'volume-%s' % volume_id)

    def create(self, volume_id, size_gb, image_path=None):
        """Create the volume file (sparse), filled from ``image_path``."""
        os.makedirs(self.volumes_path, exist_ok=True)
        path = self.path_for(volume_id)
        tmp = path + '.part'
        with open(tmp, 'wb') as dst:
            if image_path:
                with open(image_path, 'rb') as src:
                    shutil.copyfileobj(src, dst, 4 * 1024 * 1024)
            dst.truncate(size_gb * GiB)
        os.replace(tmp, path)
        return path

    def extend(self, path, size_gb):
        with open(path, 'r+b') as dst:
            dst.truncate(size_gb * GiB)

    def delete(self, path):
        for candidate in (path, path + '.part', path + '.reimage') \
                if path else ():
            try:
                os.unlink(candidate)
            except FileNotFoundError:
                pass

    def reimage(self, path, size_gb, image_path=None):
        """Write the image's bytes (nothing when it has no file) over the
        volume's file, the rest of the volume zeroed, its size kept."""
        tmp = path + '.reimage'
        with open(tmp, 'wb') as dst:
            if image_path:
                with open(image_path, 'rb') as src:
                    shutil.copyfileobj(src, dst, 4 * 1024 * 1024)
            dst.truncate(size_gb * GiB)
        os.replace(tmp, path)
