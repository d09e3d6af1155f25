"""Volumes as sparse raw files under ``[block_storage] volumes_path``;
a snapshot is a sparse copy of its volume's file beside it."""

import errno
import os
import shutil

GiB = 1024 ** 3
_CHUNK = 4 * 1024 * 1024


def _copy_data(src, dst):
    """Copy the data regions of ``src`` into ``dst`` (both open files),
    leaving the holes of a sparse file as holes in the copy. Falls back
    to a plain copy where the file system cannot tell data from holes."""
    size = os.fstat(src.fileno()).st_size
    offset = 0
    try:
        while offset < size:
            try:
                start = os.lseek(src.fileno(), offset, os.SEEK_DATA)
            except OSError as error:
                if error.errno == errno.ENXIO:  # only a hole is left
                    return
                raise
            end = os.lseek(src.fileno(), start, os.SEEK_HOLE)
            src.seek(start)
            dst.seek(start)
            left = end - start
            while left > 0:
                chunk = src.read(min(_CHUNK, left))
                if not chunk:
                    return
                dst.write(chunk)
                left -= len(chunk)
            offset = end
    except (AttributeError, OSError) as error:
        if isinstance(error, OSError) and error.errno not in (
                errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        src.seek(0)
        dst.seek(0)
        shutil.copyfileobj(src, dst, _CHUNK)


class FileBackend:
    def __init__(self, volumes_path):
        self.volumes_path = volumes_path

    def path_for(self, volume_id):
        return os.path.join(self.volumes_path, 'volume-%s' % volume_id)

    def snapshot_path_for(self, snapshot_id):
        return os.path.join(self.volumes_path, 'snapshot-%s' % snapshot_id)

    def _write(self, path, size_gb, source_path):
        """Write ``path`` (through a temporary file, then renamed): the
        data of ``source_path`` (none when it is None), then holes up to
        ``size_gb``."""
        os.makedirs(self.volumes_path, exist_ok=True)
        tmp = path + '.part'
        with open(tmp, 'wb') as dst:
            if source_path:
                with open(source_path, 'rb') as src:
                    _copy_data(src, dst)
            dst.truncate(size_gb * GiB)
        os.replace(tmp, path)
        return path

    def create(self, volume_id, size_gb, image_path=None):
        """Create the volume file (sparse), filled from ``image_path`` (an
        image, a volume or a snapshot file)."""
        return self._write(self.path_for(volume_id), size_gb, image_path)

    def snapshot(self, volume_path, snapshot_id, size_gb):
        """Keep a copy of the volume's bytes as the snapshot's file."""
        return self._write(self.snapshot_path_for(snapshot_id), size_gb,
                           volume_path)

    def delete_snapshot(self, snapshot_id):
        self.delete(self.snapshot_path_for(snapshot_id))

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
                    _copy_data(src, dst)
            dst.truncate(size_gb * GiB)
        os.replace(tmp, path)
