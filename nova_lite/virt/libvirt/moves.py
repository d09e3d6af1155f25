"""Moves of the libvirt driver's guests, as nova's libvirt driver makes
them: resize and cold migration (with confirm and revert), evacuation,
rescue and unrescue, and the checks of a live migration.

Resize and cold migration: the source powers the guest off, undefines
its domain and renames the instance directory to ``<dir>_resize``, kept
for a revert; the destination copies the disks into its own instances
path, grows the root disk with ``qemu-img resize`` when the new flavor's
is larger, and defines the domain with the new flavor's vCPUs and memory.
Confirming deletes the kept copy; reverting renames it back and defines
the domain with the old flavor again.

Several compute services may share one libvirtd (each with instances
paths of its own): a domain belongs to the compute service whose
instances path holds its files, and one libvirtd holds a domain (named
``instance.name``, with the server's uuid) once. The source of a move
undefines its domain before the destination defines its own; the
destination of an evacuation undefines the domain the down host left
(after stopping it), whose files and volume connections the source
cleans up when its compute service starts again (from the
``libvirt.xml`` kept in its instance directory).

Volumes keep their ``<disk>`` as the volume drivers render it (a
multiattach volume ``<shareable/>`` with ``cache='none'``); a host
disconnects a volume only when it is told it may and no other guest of
its own still has it.
"""

import json
import logging
import os
import shutil
import subprocess
from xml.etree import ElementTree as ET

from nova_lite import exception
from nova_lite.image import catalog
from nova_lite.image import glance
from nova_lite.virt.libvirt import config

LOG = logging.getLogger(__name__)

VIR_DOMAIN_XML_INACTIVE = 2
VIR_ERR_NO_DOMAIN = 42

# nova's names in an instance directory.
RESIZE_SUFFIX = '_resize'
XML_FILE = 'libvirt.xml'
UNRESCUE_XML = 'unrescue.xml'
RESCUE_DISK = 'disk.rescue'
# What a resize or cold migration carries to the destination.
MOVED_FILES = ('disk', 'disk.config')
GiB = 1024 ** 3


def _root_gb(flavor):
    return int((flavor or {}).get('root_gb') or 0)


def booted_from_volume(block_device_info):
    return any(b.get('boot_index') == 0 and b.get('connection_info')
               for b in block_device_info or [])


def disk_format(path):
    with open(path, 'rb') as f:
        return 'qcow2' if f.read(4) == b'QFI\xfb' else 'raw'


def virtual_size(path):
    out = subprocess.run(
        ['qemu-img', 'info', '--output=json', '-f', disk_format(path),
         path], check=True, capture_output=True, text=True).stdout
    return int(json.loads(out)['virtual-size'])


def grow_disk(path, size_gb):
    """Grow the disk to ``size_gb`` (never shrink), as nova's disk
    extend does."""
    if virtual_size(path) >= size_gb * GiB:
        return False
    subprocess.run(['qemu-img', 'resize', '-q', '-f', disk_format(path),
                    path, '%dG' % size_gb], check=True, capture_output=True)
    return True


def copy_disk(source, dest):
    """A copy that stays sparse."""
    subprocess.run(['cp', '--sparse=always', source, dest], check=True,
                   capture_output=True)


def _free_target(used, prefix='vd'):
    for letter in 'bcdefghijklmnopqrstuvwxyz':
        if prefix + letter not in used:
            return prefix + letter
    raise exception.NovaLiteException('No free disk target for rescue')


def rescue_xml(domain_xml, rescue_path, rescue_format):
    """The rescue domain of a guest, as nova defines it: the rescue disk
    first (``vda``, booted), the original root disk second (the next free
    ``vd`` name), the volumes as they are (multiattach ones stay
    ``<shareable/>``)."""
    root = ET.fromstring(domain_xml)
    devices = root.find('devices')
    disks = devices.findall('disk')
    used = {d.find('target').get('dev') for d in disks
            if d.find('target') is not None}
    for disk in disks:
        target = disk.find('target')
        if target is not None and target.get('dev') == 'vda':
            target.set('dev', _free_target(used))
            target.set('bus', 'virtio')
            # Its old slot would clash with nothing, but libvirt picks
            # the addresses of the rescue domain afresh.
            address = disk.find('address')
            if address is not None:
                disk.remove(address)
        for boot in disk.findall('boot'):
            disk.remove(boot)
    os_ = root.find('os')
    for boot in os_.findall('boot'):
        os_.remove(boot)
    rescue = config.GuestDisk(
        source_path=rescue_path, target_dev='vda', target_bus='virtio',
        driver_format=rescue_format, driver_cache='none').to_xml()
    ET.SubElement(rescue, 'boot', {'order': '1'})
    first = list(devices).index(disks[0]) if disks else 0
    devices.insert(first, rescue)
    return ET.tostring(root, encoding='unicode')


def volume_disks(domain_xml):
    """``{target dev: volume id}`` of a domain's XML."""
    return {target: serial for target, serial, _element in
            config.parse_disks(domain_xml) if serial}


def _paths(domain_xml):
    """The host files of a domain: disk sources and console logs."""
    paths = list(config.console_log_paths(domain_xml))
    for _target, serial, element in config.parse_disks(domain_xml):
        source = element.find('source')
        if not serial and source is not None and source.get('file'):
            paths.append(source.get('file'))
    return paths


class LibvirtMoves:
    """Mixed into :class:`nova_lite.virt.libvirt.driver.LibvirtDriver`."""

    # -- the domains of this compute service ----------------------------------

    def _owns_xml(self, domain_xml):
        """Whether a domain's files are under this service's instances
        path (a domain of nobody's is everyone's)."""
        paths = _paths(domain_xml)
        base = os.path.join(os.path.abspath(self.instances_path), '')
        return not paths or any(os.path.abspath(p).startswith(base)
                                for p in paths)

    @staticmethod
    def _inactive_xml(dom):
        """The domain's configuration, None when it went meanwhile (others
        may undefine domains of the same libvirtd at any time)."""
        try:
            return dom.XMLDesc(VIR_DOMAIN_XML_INACTIVE)
        except Exception as error:
            code = getattr(error, 'get_error_code', lambda: None)()
            if code not in (None, VIR_ERR_NO_DOMAIN):
                raise
            return None

    def _owns(self, dom):
        xml = self._inactive_xml(dom)
        return xml is not None and self._owns_xml(xml)

    def _any_domain(self, instance_uuid):
        """The domain of this uuid, whoever it belongs to."""
        try:
            return self.conn.lookupByUUIDString(instance_uuid)
        except Exception as error:
            code = getattr(error, 'get_error_code', lambda: None)()
            if code not in (None, VIR_ERR_NO_DOMAIN):
                raise
            return None

    def _save_xml(self, directory, domain_xml):
        os.makedirs(directory, mode=0o755, exist_ok=True)
        with open(os.path.join(directory, XML_FILE), 'w') as f:
            f.write(domain_xml)

    def _guests_using(self, volume_id, except_uuid):
        """This service's other domains that have the volume."""
        users = []
        for dom in self.conn.listAllDomains(0):
            if dom.UUIDString() == except_uuid:
                continue
            xml = self._inactive_xml(dom)
            if xml is not None and \
                    volume_id in volume_disks(xml).values() and \
                    self._owns_xml(xml):
                users.append(dom.UUIDString())
        return users

    def _release_volumes(self, instance, block_device_info):
        """Disconnect the volumes the caller lets go of, unless another
        guest of this service still has one."""
        for bdm in block_device_info or []:
            info = bdm.get('connection_info')
            if not info or not bdm.get('disconnect_host', True):
                continue
            users = self._guests_using(info.get('serial'), instance.uuid)
            if users:
                LOG.info('Volume %s is still used by %s on this host: not '
                         'disconnecting it', info.get('serial'), users)
                continue
            try:
                self._volume_driver(info).disconnect_volume(info, instance)
            except Exception:
                LOG.exception('Disconnecting volume %s failed',
                              info.get('serial'))

    # -- resize and cold migration ------------------------------------------------

    def migrate_disk_and_power_off(self, instance, dest, flavor,
                                   block_device_info):
        from_volume = booted_from_volume(block_device_info)
        old_gb = _root_gb(instance.flavor)
        if not from_volume and _root_gb(flavor) < old_gb:
            raise exception.InstanceFaultRollback(exception.ResizeError(
                reason='Unable to resize disk down.'))
        directory = self._instance_dir(instance)
        kept = directory + RESIZE_SUFFIX
        dom = self._lookup(instance)
        xml = None
        if dom is not None:
            xml = dom.XMLDesc(VIR_DOMAIN_XML_INACTIVE)
            # One libvirtd may be the destination's too: the domain goes
            # before the destination defines its own.
            self._undefine(dom)
        self._release_volumes(instance, block_device_info)
        if os.path.exists(kept):
            shutil.rmtree(kept)
        if os.path.isdir(directory):
            os.rename(directory, kept)
        if xml is not None:
            self._save_xml(kept, xml)
        LOG.info('Server %s powered off for its move to %s; its disks are '
                 'kept in %s', instance.uuid, dest, kept)
        return {'source_host': self.host, 'path': kept, 'root_gb': old_gb,
                'booted_from_volume': from_volume}

    def finish_migration(self, instance, disk_info, block_device_info,
                         resize_instance):
        directory = self._instance_dir(instance)
        dom = self._lookup(instance)
        if dom is not None:
            self._undefine(dom)
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, mode=0o755)
        try:
            self._copy_in(instance, directory, disk_info, resize_instance)
            self.spawn(instance, block_device_info)
        except Exception:
            # The source keeps its copy: nothing of the guest stays here.
            shutil.rmtree(directory, ignore_errors=True)
            raise

    def _copy_in(self, instance, directory, disk_info, resize_instance):
        kept = disk_info.get('path')
        for name in MOVED_FILES:
            source = os.path.join(kept or '', name)
            if kept and os.path.isfile(source):
                copy_disk(source, os.path.join(directory, name))
        disk = os.path.join(directory, 'disk')
        new_gb = _root_gb(instance.flavor)
        if resize_instance and os.path.isfile(disk) and new_gb and \
                not disk_info.get('booted_from_volume'):
            if grow_disk(disk, new_gb):
                LOG.info('Root disk of %s grown to %d GiB', instance.uuid,
                         new_gb)

    def confirm_migration(self, instance, disk_info):
        kept = disk_info.get('path') or \
            self._instance_dir(instance) + RESIZE_SUFFIX
        base = os.path.join(os.path.abspath(self.instances_path), '')
        if os.path.abspath(kept).startswith(base) and \
                kept.endswith(RESIZE_SUFFIX):
            shutil.rmtree(kept, ignore_errors=True)

    def finish_revert_migration(self, instance, disk_info,
                                block_device_info):
        directory = self._instance_dir(instance)
        kept = directory + RESIZE_SUFFIX
        if os.path.isdir(kept):
            dom = self._lookup(instance)
            if dom is not None:
                self._undefine(dom)
            shutil.rmtree(directory, ignore_errors=True)
            os.rename(kept, directory)
        self.spawn(instance, block_device_info)

    # -- evacuation ---------------------------------------------------------------

    def spawn_evacuated(self, instance, block_device_info):
        """A new guest here for a server whose host is down. A domain of
        the server that the down host left in this same libvirtd is
        stopped and undefined first (one libvirtd holds a domain once);
        its files stay for that host to clean up."""
        dom = self._any_domain(instance.uuid)
        if dom is not None and not self._owns(dom):
            xml = dom.XMLDesc(VIR_DOMAIN_XML_INACTIVE)
            logs = config.console_log_paths(xml)
            if logs and os.path.isdir(os.path.dirname(logs[0])):
                # Its volumes as they are now, for that host's clean-up.
                self._save_xml(os.path.dirname(logs[0]), xml)
            LOG.warning('Undefining the domain of server %s left by its '
                        'down host in this libvirtd', instance.uuid)
            self._undefine(dom)
        self.spawn(instance, block_device_info)

    def get_evacuated_guest_volumes(self, instance):
        dom = self._lookup(instance)
        if dom is not None:
            return volume_disks(dom.XMLDesc(0))
        path = os.path.join(self._instance_dir(instance), XML_FILE)
        try:
            with open(path) as f:
                return volume_disks(f.read())
        except FileNotFoundError:
            return None

    # -- rescue ---------------------------------------------------------------------

    def _rescue_image_path(self, image_ref):
        if not image_ref:
            return None
        path = glance.local_path(self.conf, image_ref)
        if path is None:
            try:
                path = catalog.get(self.conf, image_ref).path
            except exception.ImageNotFound:
                path = None
        return path if path and os.path.isfile(path) else None

    def _rescue_disk(self, instance, image_ref):
        path = os.path.join(self._instance_dir(instance), RESCUE_DISK)
        image = self._rescue_image_path(image_ref)
        if os.path.exists(path):
            os.unlink(path)
        if image:
            subprocess.run(
                ['qemu-img', 'create', '-q', '-f', 'qcow2', '-F',
                 disk_format(image), '-b', image, path],
                check=True, capture_output=True)
            return path, 'qcow2'
        size_gb = max(_root_gb(instance.flavor), 1)
        with open(path, 'wb') as f:
            f.truncate(size_gb * GiB)
        return path, 'raw'

    def rescue(self, instance, rescue_image_ref):
        dom = self._domain(instance)
        directory = self._instance_dir(instance)
        unrescue = os.path.join(directory, UNRESCUE_XML)
        xml = dom.XMLDesc(VIR_DOMAIN_XML_INACTIVE)
        with open(unrescue, 'w') as f:
            f.write(xml)
        path, fmt = self._rescue_disk(instance, rescue_image_ref)
        if dom.isActive():
            dom.destroy()
        rescue = self.conn.defineXML(rescue_xml(xml, path, fmt))
        rescue.create()
        LOG.info('Server %s boots image %s in rescue mode', instance.uuid,
                 rescue_image_ref)

    def unrescue(self, instance):
        dom = self._domain(instance)
        directory = self._instance_dir(instance)
        unrescue = os.path.join(directory, UNRESCUE_XML)
        with open(unrescue) as f:
            xml = f.read()
        if dom.isActive():
            dom.destroy()
        self.conn.defineXML(xml).create()
        for name in (UNRESCUE_XML, RESCUE_DISK):
            try:
                os.unlink(os.path.join(directory, name))
            except FileNotFoundError:
                pass

    # -- live migration -------------------------------------------------------------

    def _libvirt_host_uuid(self):
        root = ET.fromstring(self.conn.getCapabilities())
        return root.findtext('./host/uuid')

    def check_can_live_migrate_destination(self, instance):
        return {'host': self.host, 'instances_path': self.instances_path,
                'libvirt_host_uuid': self._libvirt_host_uuid()}

    def check_can_live_migrate_source(self, instance, dest_check_data):
        dest = dest_check_data.get('host')
        if dest_check_data.get('libvirt_host_uuid') == \
                self._libvirt_host_uuid():
            raise exception.MigrationPreCheckError(
                reason='%s and %s are served by the same libvirt daemon '
                       '(host %s): a guest cannot be live migrated to the '
                       'hypervisor it runs on' % (
                           self.host, dest,
                           dest_check_data.get('libvirt_host_uuid')))
        raise exception.MigrationPreCheckError(
            reason='the libvirt driver does not live migrate guests from '
                   '%s to %s' % (self.host, dest))
