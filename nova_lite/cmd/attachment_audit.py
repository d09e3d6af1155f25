"""``nova-lite-manage volume_attachment audit``: every volume mapping of
every cell compared with the block storage's attachments (over its API)
and with the disks of the guests (asked of each compute service), and with
``--fix`` the differences that are safe to repair, repaired.

What is compared, and how each difference is repaired:

* an attachment of a deleted server: deleted in block storage;
* an attachment of a live server that no mapping refers to, a mapping
  whose attachment block storage lost, a mapping never given an
  attachment, an attach or a detach left half done, a volume left
  ``detaching`` while its server keeps it, a mapped disk the running
  guest lost: the server's compute service compares that server again
  under its lock, as it does on start (compute RPC ``reconcile_volumes``),
  and rolls back or completes what was left, unplugging or plugging
  disks as the guest needs;
* a volume left ``attaching``, ``reserved`` or ``detaching`` with no
  attachment at all: its status reset (``available``, ``detached``);
* a volume disk in a guest that no mapping has, the guest of a deleted
  server, an attachment of a server nova_lite does not know: shown, not
  repaired (nothing tells which side is right).

Only what last changed more than ``--older-than`` seconds ago (``[compute]
volume_operation_timeout`` by default) is repaired, so that an attach or a
detach under way is left alone; servers in a task state and servers whose
compute service is down are left alone too.
"""

import collections
import datetime

from oslo_utils import timeutils

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite import exception
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import cell_mapping
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import service as service_obj
from nova_lite import rpc
from nova_lite.volume import cinder

# Kinds of differences, and what each means (the JSON's ``kind``).
KINDS = collections.OrderedDict([
    ('attachment_of_deleted_server',
     'block storage attaches the volume to a deleted server'),
    ('attachment_of_unknown_server',
     'block storage attaches the volume to a server unknown to nova_lite'),
    ('attachment_without_mapping',
     'no mapping of the server refers to this attachment'),
    ('mapping_without_attachment',
     'the mapping was never given an attachment'),
    ('attachment_lost', 'block storage has no such attachment'),
    ('attach_incomplete', 'the attach never completed'),
    ('detach_incomplete',
     'the detach stopped after the guest let go of the disk'),
    ('volume_detaching', 'the volume is left "detaching"'),
    ('disk_missing_in_guest', 'the running guest lost the disk'),
    ('disk_without_mapping', 'the guest has a disk no mapping refers to'),
    ('guest_of_deleted_server',
     'the hypervisor still has the guest of a deleted server'),
    ('volume_stuck', 'the volume is left in a transitional status with no '
                     'attachment'),
])
STUCK_STATUSES = ('attaching', 'reserved', 'detaching')
# How long a compute service has to answer.
RPC_TIMEOUT = 60
IN_PROCESS = ('its compute service runs on the in-process message bus of '
              'nova-lite-all, which other processes cannot reach (restarting '
              'nova-lite-all compares its servers)')


class Difference:
    """One difference; ``fix`` is ('delete_attachment' | 'reconcile' |
    'reset_volume') when it may be repaired, ``reason`` says why not."""

    def __init__(self, kind, cell=None, server=None, host=None, volume=None,
                 attachment=None, detail='', fix=None, reason=None):
        self.kind = kind
        self.cell = cell
        self.server = server
        self.host = host
        self.volume = volume
        self.attachment = attachment
        self.detail = detail or KINDS[kind]
        self.fix = fix
        self.reason = reason
        self.action = None
        self.fixed = False

    @property
    def key(self):
        return (self.kind, self.server, self.volume, self.attachment)

    def to_dict(self):
        return {'kind': self.kind, 'cell': self.cell, 'server': self.server,
                'host': self.host, 'volume': self.volume,
                'attachment': self.attachment, 'detail': self.detail,
                'action': self.action, 'fixed': self.fixed}


def _age_limit(conf, older_than):
    if older_than is None:
        older_than = conf.compute.volume_operation_timeout
    return timeutils.utcnow() - datetime.timedelta(seconds=older_than)


def _volume_changed_before(volume, before):
    changed = volume.get('updated_at') or volume.get('created_at')
    if not changed:
        return False
    return timeutils.normalize_time(timeutils.parse_isotime(changed)) < \
        before


class Audit:
    """One run: :meth:`collect`, :meth:`compare`, then :meth:`repair`."""

    def __init__(self, conf, context, cells, before, progress=None):
        self.conf = conf
        self.context = context
        self.cells = cells
        self.before = before
        self.progress = progress
        self.volume_api = cinder.API(conf)
        self.compute_rpcapi = compute_rpcapi.ComputeAPI(conf)
        self.counts = {}

    # -- reading the three sides ---------------------------------------------------

    def _step(self, item):
        self._done += 1
        if self.progress is not None:
            self.progress(self._done, self._total, item)

    def collect(self):
        """Read the cells, block storage and the hypervisors."""
        from nova_lite import context as nl_context
        self._done, self._total = 0, len(self.cells) + 1
        self.servers = {}      # uuid -> dict(state, cell=, cell_mapping=)
        self.mappings = []     # (bdm, server dict)
        self.hosts = {}        # host -> (cell mapping, up)
        for cell in self.cells:
            cctxt = nl_context.target_cell(self.context, cell)
            for uuid, state in instance_obj.get_live_states(cctxt).items():
                self.servers[uuid] = dict(state, cell=cell)
            for bdm, server in bdm_obj.get_volume_mappings(cctxt):
                self.mappings.append((bdm, dict(server, cell=cell)))
            if not cell.is_cell0:
                for svc in service_obj.get_all(cctxt, 'nova-compute'):
                    self.hosts[svc.host] = (cell, svc.is_up(
                        self.conf.service_down_time))
            self._step(cell.name)
        self.attachments = self.volume_api.attachment_list(
            self.context, all_tenants=True)
        self.stuck_volumes = {}
        for status in STUCK_STATUSES:
            for volume in self.volume_api.get_all(
                    self.context, {'status': status, 'all_tenants': 1}):
                self.stuck_volumes[volume['id']] = volume
        self._step('block storage')
        # The servers the attachments name that are not live: deleted in
        # one of the cells read, or unknown.
        others = {a['instance'] for a in self.attachments
                  if a.get('instance') and a['instance'] not in self.servers}
        self.deleted = {}
        for cell in self.cells:
            cctxt = nl_context.target_cell(self.context, cell)
            for uuid in instance_obj.get_deleted_uuids(cctxt, others):
                self.deleted[uuid] = cell
        used_hosts = sorted({s['host'] for s in self.servers.values()
                             if s['host'] in self.hosts} |
                            set(self.hosts))
        self._total += len(used_hosts)
        self.guests = {}       # host -> {uuid: {device: volume}} or None
        self.unreachable = {}
        reachable = rpc.reaches_services(self.conf)
        for host in used_hosts:
            cell, up = self.hosts[host]
            if not reachable:
                self.unreachable[host] = IN_PROCESS
            elif not up:
                self.unreachable[host] = 'its compute service is down'
            else:
                try:
                    self.guests[host] = self.compute_rpcapi.get_guest_volumes(
                        self.context, host, cell=cell, timeout=RPC_TIMEOUT)
                except Exception as error:
                    self.unreachable[host] = 'its compute service did not ' \
                        'answer (%s)' % _text(error)
            self._step(host)
        self.counts = {'cells': len(self.cells),
                       'servers': len(self.servers),
                       'mappings': len(self.mappings),
                       'attachments': len(self.attachments),
                       'hosts': len(self.guests)}

    # -- comparing ---------------------------------------------------------------

    def compare(self):
        """The differences, in a stable order."""
        found = []
        by_server_volume = collections.defaultdict(list)
        mapped = set()
        for bdm, server in self.mappings:
            by_server_volume[bdm.instance_uuid, bdm.volume_id].append(bdm)
            if bdm.attachment_id:
                mapped.add(bdm.attachment_id)
        attachments = {a['id']: a for a in self.attachments}
        found += self._compare_attachments(by_server_volume, mapped)
        for bdm, server in self.mappings:
            found += self._compare_mapping(bdm, server, attachments)
        found += self._compare_guests()
        found += self._compare_volumes()
        return found

    def _server_fix(self, uuid, server):
        """('reconcile', None) when the server's compute service may be
        asked to repair it, else (None, why not)."""
        host = server.get('host')
        if server.get('task_state'):
            return None, 'the server is %s' % server['task_state']
        if server.get('vm_state') == instance_obj.ERROR:
            return None, 'the server is in error: delete or rebuild it'
        if not host or host not in self.hosts:
            return None, 'the server has no compute host'
        if host in self.unreachable:
            return None, 'compute host %s: %s' % (host,
                                                  self.unreachable[host])
        return 'reconcile', None

    def _compare_attachments(self, by_server_volume, mapped):
        found = []
        for att in self.attachments:
            uuid = att.get('instance')
            if not uuid or att['id'] in mapped:
                continue
            server = self.servers.get(uuid)
            common = dict(server=uuid, volume=att.get('volume_id'),
                          attachment=att['id'])
            if server is not None:
                if server.get('vm_state') == instance_obj.RESIZED:
                    continue    # the source's, kept for a revert
                if any(not b.attachment_id for b in
                       by_server_volume.get((uuid, att.get('volume_id')),
                                            ())):
                    continue    # the attach is being set up
                fix, reason = self._server_fix(uuid, server)
                found.append(Difference(
                    'attachment_without_mapping', cell=server['cell'].name,
                    host=server['host'], fix=fix, reason=reason,
                    detail='attachment %s (%s) of the server: no mapping '
                           'refers to it' % (att['id'], att.get('status')),
                    **common))
            elif uuid in self.deleted:
                found.append(Difference(
                    'attachment_of_deleted_server',
                    cell=self.deleted[uuid].name, fix='delete_attachment',
                    detail='attachment %s (%s) of a deleted server' % (
                        att['id'], att.get('status')), **common))
            elif len(self.cells) == self._all_cells and \
                    not self._being_built(uuid):
                found.append(Difference(
                    'attachment_of_unknown_server',
                    reason='nova_lite does not know the server',
                    **common))
        return found

    def _being_built(self, uuid):
        try:
            mapping = cell_mapping.get_instance_mapping(self.context, uuid)
        except exception.InstanceMappingNotFound:
            return False
        return mapping.cell_mapping is None

    def _compare_mapping(self, bdm, server, attachments):
        uuid, volume_id = bdm.instance_uuid, bdm.volume_id
        common = dict(cell=server['cell'].name, server=uuid,
                      host=server['host'], volume=volume_id,
                      attachment=bdm.attachment_id)
        attachment = attachments.get(bdm.attachment_id)
        volume = self.stuck_volumes.get(volume_id)
        offloaded = server['vm_state'] == instance_obj.SHELVED_OFFLOADED
        if not bdm.attachment_id:
            kind = 'mapping_without_attachment'
        elif attachment is None:
            kind = 'attachment_lost'
        elif attachment.get('status') != 'attached':
            kind = 'attach_incomplete'
            common['detail'] = 'attachment %s is %s and the mapping is %s' % (
                bdm.attachment_id, attachment.get('status'),
                'connected' if bdm.connection_info else 'not connected')
        elif not bdm.connection_info and not offloaded:
            kind = 'detach_incomplete'
        elif volume is not None and volume['status'] == 'detaching' and \
                bdm.connection_info:
            kind = 'volume_detaching'
        elif bdm.connection_info and \
                server['vm_state'] == instance_obj.ACTIVE and \
                server['host'] in self.guests and \
                volume_id not in self.guests[server['host']].get(
                    uuid, {}).values():
            kind = 'disk_missing_in_guest'
        else:
            return []
        fix, reason = self._server_fix(uuid, server)
        changed = bdm.updated_at or bdm.created_at
        if fix and changed is not None and changed >= self.before:
            fix, reason = None, 'changed %s, may still be under way' % (
                changed.strftime('%Y-%m-%d %H:%M:%S'))
        if fix and kind == 'volume_detaching' and \
                not _volume_changed_before(volume, self.before):
            fix, reason = None, 'detaching since %s, may still be under ' \
                'way' % volume.get('updated_at')
        return [Difference(kind, fix=fix, reason=reason, **common)]

    def _compare_guests(self):
        found = []
        connected = collections.defaultdict(set)
        for bdm, server in self.mappings:
            if bdm.connection_info:
                connected[bdm.instance_uuid].add(bdm.volume_id)
        for host, guests in sorted(self.guests.items()):
            cell = self.hosts[host][0].name
            for uuid, disks in sorted(guests.items()):
                volumes = sorted(v for v in disks.values() if v)
                if uuid not in self.servers:
                    if volumes:
                        found.append(Difference(
                            'guest_of_deleted_server', cell=cell,
                            server=uuid, host=host, volume=volumes[0],
                            detail='the guest of a server that is not live '
                                   'holds volumes %s' % ', '.join(volumes),
                            reason='not safe: delete the server again or '
                                   'restart compute host %s' % host))
                    continue
                for volume_id in volumes:
                    if volume_id in connected[uuid]:
                        continue
                    if any(b.volume_id == volume_id and
                           b.instance_uuid == uuid
                           for b, _s in self.mappings):
                        continue    # its mapping is compared already
                    found.append(Difference(
                        'disk_without_mapping', cell=cell, server=uuid,
                        host=host, volume=volume_id,
                        reason='not safe: nothing tells whether the disk '
                               'is to be kept'))
        return found

    def _compare_volumes(self):
        found = []
        by_volume = collections.defaultdict(list)
        for att in self.attachments:
            by_volume[att.get('volume_id')].append(att)
        for volume_id, volume in sorted(self.stuck_volumes.items()):
            if by_volume.get(volume_id):
                continue
            fix, reason = 'reset_volume', None
            if not _volume_changed_before(volume, self.before):
                fix, reason = None, '%s since %s, may still be under way' % (
                    volume['status'], volume.get('updated_at'))
            found.append(Difference(
                'volume_stuck', volume=volume_id, fix=fix, reason=reason,
                detail='the volume is %s with no attachment' %
                       volume['status']))
        return found

    # -- repairing ---------------------------------------------------------------

    def repair(self, differences):
        """Repair what may be; each difference gets its ``action``."""
        fixable = [d for d in differences if d.fix]
        self._total += len(fixable)
        reconciled = {}
        # Attachments of deleted servers first: a volume they leave with
        # no attachment is then reset once.
        for diff in sorted(fixable, key=lambda d: (
                ('delete_attachment', 'reconcile', 'reset_volume').index(
                    d.fix), d.server or '', d.volume or '')):
            try:
                if diff.fix == 'delete_attachment':
                    self.volume_api.attachment_delete(self.context,
                                                      diff.attachment)
                    diff.action = 'attachment deleted'
                elif diff.fix == 'reconcile':
                    if diff.server not in reconciled:
                        server = self.servers[diff.server]
                        reconciled[diff.server] = \
                            self.compute_rpcapi.reconcile_volumes(
                                self.context, server['host'], diff.server,
                                self.before.isoformat(),
                                cell=server['cell'], timeout=RPC_TIMEOUT)
                    diff.action = 'compared again by compute host %s: %s' % (
                        diff.host, _summary(reconciled[diff.server]))
                else:
                    diff.action = self._reset_volume(diff.volume)
                diff.fixed = True
            except Exception as error:
                diff.action = 'failed: %s' % _text(error)
            self._step(diff.server or diff.volume)

    def _reset_volume(self, volume_id):
        volume = self.volume_api.get(self.context, volume_id)
        if volume['status'] not in STUCK_STATUSES:
            return 'volume %s now' % volume['status']
        if self.volume_api.attachment_list(self.context, volume_id=volume_id,
                                           all_tenants=True):
            raise exception.InvalidVolume(
                reason='the volume has attachments again')
        self.volume_api.reset_volume_status(self.context, volume_id,
                                            'available', 'detached')
        return 'volume reset from %s to available' % volume['status']


def _summary(counts):
    names = {'removed': 'mappings removed', 'rolled_back': 'rolled back',
             'completed': 'detaches completed', 'replugged': 'disks plugged',
             'deleted_attachments': 'attachments deleted',
             'forgotten': 'reservations removed'}
    done = ['%d %s' % (counts[k], v) for k, v in names.items()
            if counts.get(k)]
    return ', '.join(done) or 'nothing left to do'


def _text(error):
    if isinstance(error, exception.NovaLiteException):
        return error.format_message()
    return str(error) or type(error).__name__


def run(conf, context, cell=None, fix=False, older_than=None, progress=None):
    """Audit (and with ``fix``, repair): ``(differences, counts)``; the
    differences left after a repair are read again and compared.
    :class:`nova_lite.exception.CellMappingNotFound` for an unknown
    ``cell`` (a name or uuid)."""
    cells = cell_mapping.get_all_cells(context)
    all_cells = len(cells)
    if cell:
        cells = [c for c in cells if cell in (c.name, c.uuid)]
        if not cells:
            raise exception.CellMappingNotFound(uuid=cell)
    before = _age_limit(conf, older_than)
    audit = Audit(conf, context, cells, before, progress=progress)
    audit._all_cells = all_cells
    audit.collect()
    differences = audit.compare()
    if not fix or not any(d.fix for d in differences):
        for diff in differences:
            diff.action = ('would be repaired' if diff.fix else
                           'left: %s' % diff.reason)
        return differences, audit.counts
    audit.repair(differences)
    # What is left: read and compare again.
    again = Audit(conf, context, cells, before, progress=None)
    again._all_cells = all_cells
    again.collect()
    left = {d.key for d in again.compare()}
    for diff in differences:
        if diff.fix is None:
            diff.action = 'left: %s' % diff.reason
        elif diff.fixed and diff.key in left:
            diff.fixed = False
            diff.action = '%s; still different' % diff.action
    return differences, audit.counts
