"""Snapshots of libvirt guests' local root disks into the image service.

A cold snapshot, as nova's libvirt driver takes one: a guest that runs
(or is paused) has its memory saved (managed save: QEMU writes everything
out and exits) while ``qemu-img convert`` copies its root disk, the
image's backing file included, into a standalone qcow2 file, and is then
started again from the saved memory, in the state it was in; a guest
that is off or suspended is copied as it is and left so. The file is
then uploaded into the queued image as ``disk_format`` qcow2,
``container_format`` bare.

An unshelve boots from the image its shelve stored and deletes that image
afterwards: :func:`flatten_root_disk` first pulls the image's data into
the root disk (a block pull of the running guest, ``qemu-img rebase`` of
a stopped one), so that the disk no longer needs it.
"""

import contextlib
import json
import logging
import os
import subprocess
import tempfile
import time

from nova_lite import exception
from nova_lite.image import glance

LOG = logging.getLogger(__name__)

# How long a block pull may take before the unshelve fails.
BLOCK_PULL_TIMEOUT = 600


def root_disk_path(driver, instance):
    return os.path.join(driver.instances_path, instance.uuid, 'disk')


def _qemu_img_info(path):
    out = subprocess.run(['qemu-img', 'info', '-U', '--output=json', path],
                         check=True, capture_output=True).stdout
    return json.loads(out)


@contextlib.contextmanager
def _saved(dom):
    """The guest's memory saved (QEMU gone) while the block runs, when
    the guest is active; started again from it afterwards."""
    active = dom.isActive()
    if active:
        dom.managedSave(0)
    try:
        yield
    finally:
        if active:
            dom.create()


def extract(driver, instance, dest):
    """Copy the guest's root disk into ``dest`` (a standalone qcow2)."""
    source = root_disk_path(driver, instance)
    if not os.path.isfile(source):
        raise exception.InstanceNotFound(instance_id=instance.uuid)
    fmt = _qemu_img_info(source).get('format', 'raw')
    dom = driver._lookup(instance)
    guard = _saved(dom) if dom is not None else contextlib.nullcontext()
    with guard:
        subprocess.run(['qemu-img', 'convert', '-f', fmt,
                        '-O', 'qcow2', source, dest],
                       check=True, capture_output=True)


def snapshot(driver, context, instance, image_id, update_task_state):
    """The driver's ``snapshot``: capture, then upload."""
    update_task_state('image_pending_upload')
    workdir = os.path.join(driver.instances_path, 'snapshots')
    os.makedirs(workdir, mode=0o755, exist_ok=True)
    fd, path = tempfile.mkstemp(prefix='%s-' % image_id, suffix='.qcow2',
                                dir=workdir)
    os.close(fd)
    try:
        extract(driver, instance, path)
        LOG.info('Snapshot of server %s extracted (%d bytes)',
                 instance.uuid, os.path.getsize(path))
        update_task_state('image_uploading',
                          expected_state='image_pending_upload')
        with open(path, 'rb') as data:
            glance.upload(driver.conf, context, image_id, data,
                          disk_format='qcow2', container_format='bare')
    finally:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def flatten_root_disk(driver, instance, timeout=BLOCK_PULL_TIMEOUT):
    """Make the guest's root disk independent of its backing file."""
    path = root_disk_path(driver, instance)
    if not os.path.isfile(path):
        return
    info = _qemu_img_info(path)
    if not info.get('backing-filename'):
        return
    dom = driver._lookup(instance)
    if dom is not None and dom.isActive():
        # A block pull of the running guest's vda.
        dom.blockRebase('vda', None, 0, 0)
        deadline = time.monotonic() + timeout
        while dom.blockJobInfo('vda', 0):
            if time.monotonic() > deadline:
                raise exception.NovaLiteException(
                    'the block pull of server %s did not end in %d seconds'
                    % (instance.uuid, timeout))
            time.sleep(0.1)
        return
    subprocess.run(['qemu-img', 'rebase', '-f', 'qcow2', '-b', '', path],
                   check=True, capture_output=True)
