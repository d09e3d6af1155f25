"""Image data as files under ``[image_service] images_path``.

Checksums are computed as Glance computes them while the data streams in:
``checksum`` is the MD5 hex digest and ``os_hash_value`` the SHA-512 hex
digest (``os_hash_algo`` is ``sha512``, Glance's default ``hashing_algorithm``).
"""

import hashlib
import os

CHUNK = 64 * 1024
HASH_ALGO = 'sha512'


class ImageTooLarge(Exception):
    pass


class FileStore:
    def __init__(self, images_path):
        self.images_path = images_path

    def path_for(self, image_id):
        return os.path.join(self.images_path, image_id)

    def write(self, image_id, stream, size_cap, expected_size=None):
        """Write ``stream`` to the image's file; return (size, md5,
        sha512). Nothing is left behind when it fails."""
        os.makedirs(self.images_path, exist_ok=True)
        path = self.path_for(image_id)
        tmp = path + '.part'
        md5 = hashlib.md5(usedforsecurity=False)
        sha = hashlib.new(HASH_ALGO)
        size = 0
        try:
            with open(tmp, 'wb') as dst:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > size_cap:
                        raise ImageTooLarge()
                    md5.update(chunk)
                    sha.update(chunk)
                    dst.write(chunk)
            if expected_size is not None and size != expected_size:
                raise ValueError(size)
            os.replace(tmp, path)
        except BaseException:
            self._unlink(tmp)
            raise
        return size, md5.hexdigest(), sha.hexdigest()

    def open(self, image_id):
        return open(self.path_for(image_id), 'rb')

    def exists(self, image_id):
        return os.path.isfile(self.path_for(image_id))

    def delete(self, image_id):
        path = self.path_for(image_id)
        self._unlink(path)
        self._unlink(path + '.part')

    @staticmethod
    def _unlink(path):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def iter_file(fobj, chunk=CHUNK):
    try:
        while True:
            data = fobj.read(chunk)
            if not data:
                break
            yield data
    finally:
        fobj.close()
