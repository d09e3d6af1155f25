"""``nova-lite-manage volume_attachment`` against the whole stack in one
process, run through the command's ``main()``: ``show``,
``get_connector``, ``refresh``, and ``audit [--fix]`` with one test per
inconsistency the reliability suite can leave (the compute service killed
in the middle of an attach or a detach, block storage failing at each
step, requests lost with the message broker, a server deleted while block
storage was down). Each state is set up by hand as test_compute_recovery
does, with the compute service running; the audit finds it and repairs
it through the block storage API and the compute service."""

import json
import re

from oslo_serialization import jsonutils
import pytest

from nova_lite.cmd import attachment_audit
from nova_lite.cmd import manage
from nova_lite import context as nl_context
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import instance as instance_obj
from tests.functional import test_compute_recovery as helpers

ADMIN = helpers.ADMIN
# The services of the stack log to standard output too.
LOG_LINE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \d+ [A-Z]+ ')


@pytest.fixture
def manage_conf(stack, tmp_path):
    """A configuration file for nova-lite-manage naming the stack's
    databases (its state_path), host and block storage."""
    path = tmp_path / 'manage.conf'
    path.write_text(
        '[DEFAULT]\nstate_path = %s\nhost = %s\n'
        '[cinder]\nendpoint_template = %s\n' % (
            stack.conf.state_path, stack.conf.host,
            stack.conf.cinder.endpoint_template))
    return str(path)


def _manage(capsys, conf_file, *args):
    capsys.readouterr()
    status = manage.main(['--config-file', conf_file, 'volume_attachment'] +
                         list(args))
    out = capsys.readouterr().out
    return status, ''.join(line for line in out.splitlines(True)
                           if not LOG_LINE.match(line))


def _audit(capsys, conf_file, *args):
    status, out = _manage(capsys, conf_file, 'audit', '--format', 'json',
                          '--older-than', '0', *args)
    return status, json.loads(out)['differences']


def _kinds(differences):
    return sorted((d['kind'], d['server'], d['volume']) for d in differences)


def _audit_and_fix(capsys, conf_file, kind, server, volume):
    """Found without --fix (and not repaired), then repaired with it, then
    nothing left."""
    status, found = _audit(capsys, conf_file)
    assert status == 3, found
    assert _kinds(found) == [(kind, server, volume)], found
    assert found[0]['action'] == 'would be repaired'
    status, fixed = _audit(capsys, conf_file, '--fix')
    assert status == 4, fixed
    assert [d['fixed'] for d in fixed] == [True], fixed
    status, left = _audit(capsys, conf_file)
    assert (status, left) == (0, [])
    return fixed[0]


def _setup(stack, multiattach=False):
    manager = stack.aio.compute_manager
    return manager, nl_context.get_admin_context()


def _guest(manager, server):
    return manager.driver.get_guest_volumes(helpers._Instance(server))


# -- show and get_connector -----------------------------------------------------


def test_show(stack, manage_conf, capsys):
    server = helpers._boot(stack, 'show')
    volume = helpers._volume(stack)
    bdm = helpers._attach(stack, server, volume)

    status, out = _manage(capsys, manage_conf, 'show', server, volume)
    assert status == 0
    assert '| Property ' in out and '| attachment_id ' in out
    assert bdm.attachment_id in out
    status, out = _manage(capsys, manage_conf, 'show', server, volume,
                          '--json')
    assert status == 0
    shown = json.loads(out)
    assert (shown['uuid'], shown['attachment_id'], shown['device_name']) == (
        bdm.uuid, bdm.attachment_id, '/dev/vdb')
    status, out = _manage(capsys, manage_conf, 'show', server, volume,
                          '--connection_info', '--json')
    assert status == 0
    assert json.loads(out)['serial'] == volume
    status, out = _manage(capsys, manage_conf, 'show', server, volume,
                          '--connection_info')
    assert status == 0 and '| serial ' in out

    other = helpers._volume(stack)
    assert _manage(capsys, manage_conf, 'show', server, other) == (
        3, 'No volume Block Device Mapping with id %s.\n' % other)
    missing = '8e1c0a7e-0000-4000-8000-000000000001'
    assert _manage(capsys, manage_conf, 'show', missing, volume) == (
        2, 'Instance %s has no mapping to a cell.\n' % missing)


def test_get_connector(stack, manage_conf, capsys):
    status, out = _manage(capsys, manage_conf, 'get_connector', '--json')
    assert status == 0
    connector = json.loads(out)
    assert connector == stack.aio.compute_manager.driver.get_volume_connector(
        None)
    assert connector['host'] == 'compute1'
    status, out = _manage(capsys, manage_conf, 'get_connector')
    assert status == 0 and '| host ' in out and 'compute1' in out


# -- refresh ------------------------------------------------------------------------


def _stop(stack, server):
    resp = stack.request('POST', '/v2.1/servers/%s/action' % server,
                         json={'os-stop': None})
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(server, 'SHUTOFF')


def test_refresh(stack, manage_conf, capsys, tmp_path):
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'refresh')
    volume = helpers._volume(stack)
    old = helpers._attach(stack, server, volume)
    connector = tmp_path / 'connector.json'
    connector.write_text(json.dumps(manager.driver.get_volume_connector(
        None)))

    # Running: refused as nova refuses it.
    status, out = _manage(capsys, manage_conf, 'refresh', server, volume,
                          str(connector))
    assert status == 5, out
    assert out == ('Instance %s in vm_state active. Cannot refresh '
                   'connection_info (must be stopped) while the instance '
                   'is in this state.\n' % server)
    _stop(stack, server)
    wrong = tmp_path / 'wrong.json'
    wrong.write_text(json.dumps({'host': 'elsewhere'}))
    status, out = _manage(capsys, manage_conf, 'refresh', server, volume,
                          str(wrong))
    assert status == 7
    assert "The compute host 'elsewhere' in the connector does not match " \
        "the instance host 'compute1'." in out
    bad = tmp_path / 'bad.json'
    bad.write_text('{not json')
    assert _manage(capsys, manage_conf, 'refresh', server, volume,
                   str(bad))[0] == 3
    assert _manage(capsys, manage_conf, 'refresh', server, volume,
                   str(tmp_path / 'none.json')) == (
        2, 'Invalid input received: Connector file not found at %s\n'
        % (tmp_path / 'none.json'))
    assert _manage(capsys, manage_conf, 'refresh', server,
                   helpers._volume(stack), str(connector))[0] == 6

    status, out = _manage(capsys, manage_conf, 'refresh', server, volume,
                          str(connector))
    assert (status, out) == (0, '')
    new = helpers._bdm(server, volume)
    assert new.attachment_id != old.attachment_id
    attachments = helpers._attachments(manager, server)
    assert list(attachments) == [new.attachment_id]
    assert attachments[new.attachment_id]['status'] == 'attached'
    assert jsonutils.loads(new.connection_info)['serial'] == volume
    assert helpers._volume_status(stack, volume) == 'in-use'
    # The stopped guest keeps its disk; the server is unlocked again and
    # the refresh is one of its actions.
    assert list(_guest(manager, server).values()) == [volume]
    instance = instance_obj.get_by_uuid(ctxt, server)
    assert not instance.locked
    actions = stack.request(
        'GET', '/v2.1/servers/%s/os-instance-actions' % server,
        token=ADMIN).json()['instanceActions']
    assert {'refresh_volume_attachment', 'lock', 'unlock'} <= {
        a['action'] for a in actions}
    # Started again, the guest runs with the volume.
    resp = stack.request('POST', '/v2.1/servers/%s/action' % server,
                         json={'os-start': None})
    assert resp.status_code == 202
    stack.wait_for_server(server, 'ACTIVE')
    assert list(_guest(manager, server).values()) == [volume]


# -- audit: one test per kind of inconsistency ---------------------------------------


def test_audit_clean_and_unknown_cell(stack, manage_conf, capsys):
    server = helpers._boot(stack, 'clean')
    helpers._attach(stack, server, helpers._volume(stack))
    status, out = _manage(capsys, manage_conf, 'audit')
    assert status == 0
    assert out.startswith('No differences: 1 mappings of 1 servers in 2 '
                          'cells, 1 attachments and the guests of 1 compute '
                          'hosts agree.')
    assert _manage(capsys, manage_conf, 'audit', '--cell', 'nowhere') == (
        2, 'Cell nowhere has no mapping.\n')
    status, out = _manage(capsys, manage_conf, 'audit', '--format', 'json',
                          '--cell', 'cell1')
    assert status == 0
    assert json.loads(out)['checked']['mappings'] == 1


def test_audit_fixes_attach_interrupted_before_plug(stack, manage_conf,
                                                    capsys):
    """The compute service killed in the middle of an attach: the
    attachment has the host's connector, the guest has no disk."""
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'attach-killed')
    volume = helpers._volume(stack)
    att = manager.volume_api.attachment_create(ctxt, volume, server)
    manager.volume_api.attachment_update(
        ctxt, att['id'], manager.driver.get_volume_connector(None),
        '/dev/vdb')
    bdm_obj.create(ctxt, {
        'instance_uuid': server, 'volume_id': volume,
        'attachment_id': att['id'], 'source_type': 'volume',
        'destination_type': 'volume', 'device_name': '/dev/vdb',
        'device_type': 'disk'})
    assert helpers._volume_status(stack, volume) == 'attaching'

    fixed = _audit_and_fix(capsys, manage_conf, 'attach_incomplete', server,
                           volume)
    assert 'rolled back' in fixed['action']
    assert helpers._bdm(server, volume) is None
    assert helpers._attachments(manager, server) == {}
    assert helpers._volume_status(stack, volume) == 'available'
    assert 'could not be attached' in helpers._fault(server)


def test_audit_fixes_attach_interrupted_after_plug(stack, manage_conf,
                                                   capsys):
    """Killed after the disk was plugged, before block storage heard the
    attach was complete: unplugged and rolled back."""
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'attach-plugged')
    volume = helpers._volume(stack)
    att = manager.volume_api.attachment_create(ctxt, volume, server)
    updated = manager.volume_api.attachment_update(
        ctxt, att['id'], manager.driver.get_volume_connector(None),
        '/dev/vdb')
    info = dict(updated['connection_info'], serial=volume)
    manager.driver.attach_volume(helpers._Instance(server), info, '/dev/vdb')
    bdm_obj.create(ctxt, {
        'instance_uuid': server, 'volume_id': volume,
        'attachment_id': att['id'], 'source_type': 'volume',
        'destination_type': 'volume', 'device_name': '/dev/vdb',
        'device_type': 'disk', 'connection_info': jsonutils.dumps(info)})

    _audit_and_fix(capsys, manage_conf, 'attach_incomplete', server, volume)
    assert helpers._bdm(server, volume) is None
    assert _guest(manager, server) == {}
    assert helpers._volume_status(stack, volume) == 'available'


def test_audit_fixes_detach_interrupted_before_unplug(stack, manage_conf,
                                                      capsys):
    """The compute service killed in the middle of a detach: the volume is
    left "detaching"; rolled back to in-use, the disk kept."""
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'detach-killed')
    volume = helpers._volume(stack)
    helpers._attach(stack, server, volume)
    manager.volume_api.begin_detaching(ctxt, volume)

    fixed = _audit_and_fix(capsys, manage_conf, 'volume_detaching', server,
                           volume)
    assert 'rolled back' in fixed['action']
    assert helpers._volume_status(stack, volume) == 'in-use'
    assert helpers._bdm(server, volume) is not None
    assert list(_guest(manager, server).values()) == [volume]
    assert 'could not be detached' in helpers._fault(server)


def test_audit_fixes_detach_interrupted_after_unplug(stack, manage_conf,
                                                     capsys):
    """Block storage gone between the unplug and the attachment delete:
    the detach is completed."""
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'detach-unplugged')
    volume = helpers._volume(stack)
    bdm = helpers._attach(stack, server, volume)
    manager.driver.detach_volume(helpers._Instance(server),
                                 jsonutils.loads(bdm.connection_info),
                                 bdm.device_name)
    bdm_obj.update(ctxt, bdm.id, {'connection_info': None})

    fixed = _audit_and_fix(capsys, manage_conf, 'detach_incomplete', server,
                           volume)
    assert 'detaches completed' in fixed['action']
    assert helpers._bdm(server, volume) is None
    assert helpers._attachments(manager, server) == {}
    assert helpers._volume_status(stack, volume) == 'available'


def test_audit_fixes_attachment_lost_by_block_storage(stack, manage_conf,
                                                      capsys):
    """Block storage lost the attachment a mapping refers to: the mapping
    is removed and the disk unplugged."""
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'lost')
    volume = helpers._volume(stack)
    bdm = helpers._attach(stack, server, volume)
    manager.volume_api.attachment_delete(ctxt, bdm.attachment_id)

    fixed = _audit_and_fix(capsys, manage_conf, 'attachment_lost', server,
                           volume)
    assert 'mappings removed' in fixed['action']
    assert helpers._bdm(server, volume) is None
    assert _guest(manager, server) == {}


def test_audit_fixes_attachment_without_mapping(stack, manage_conf, capsys):
    """An attach rolled back while block storage failed: the attachment
    stays with no mapping; it is deleted."""
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'stray')
    volume = helpers._volume(stack)
    att = manager.volume_api.attachment_create(ctxt, volume, server)

    status, found = _audit(capsys, manage_conf)
    assert _kinds(found) == [('attachment_without_mapping', server, volume)]
    assert found[0]['attachment'] == att['id']
    fixed = _audit_and_fix(capsys, manage_conf, 'attachment_without_mapping',
                           server, volume)
    assert 'attachments deleted' in fixed['action']
    assert helpers._attachments(manager, server) == {}
    assert helpers._volume_status(stack, volume) == 'available'


def test_audit_fixes_mapping_without_attachment(stack, manage_conf, capsys):
    """The API stopped between reserving the device and creating the
    attachment (a lost answer, a killed process): the reservation goes."""
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'reserved')
    volume = helpers._volume(stack)
    bdm_obj.create(ctxt, {
        'instance_uuid': server, 'volume_id': volume,
        'source_type': 'volume', 'destination_type': 'volume',
        'device_name': '/dev/vdb', 'device_type': 'disk'})

    fixed = _audit_and_fix(capsys, manage_conf, 'mapping_without_attachment',
                           server, volume)
    assert 'reservations removed' in fixed['action']
    assert helpers._bdm(server, volume) is None


def test_audit_fixes_disk_lost_by_guest(stack, manage_conf, capsys):
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'replug')
    volume = helpers._volume(stack)
    bdm = helpers._attach(stack, server, volume)
    manager.driver.detach_volume(helpers._Instance(server),
                                 jsonutils.loads(bdm.connection_info),
                                 bdm.device_name, disconnect_host=False)

    fixed = _audit_and_fix(capsys, manage_conf, 'disk_missing_in_guest',
                           server, volume)
    assert 'disks plugged' in fixed['action']
    assert list(_guest(manager, server).values()) == [volume]


def test_audit_fixes_attachment_of_deleted_server(stack, manage_conf,
                                                  capsys):
    """A server deleted while block storage could not delete its
    attachment (the seeds' "volume attached to a deleted VM", once fixed
    with SQL by hand): the attachment is deleted, the volume available."""
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'deleted')
    volume = helpers._volume(stack)
    helpers._attach(stack, server, volume)
    attachment_id = helpers._bdm(server, volume).attachment_id
    # The local delete of a server whose compute service was down, with
    # block storage failing: the guest and the records go, the attachment
    # stays.
    manager.driver.destroy(helpers._Instance(server))
    instance_obj.destroy(ctxt, server)
    assert helpers._volume_status(stack, volume) == 'in-use'

    fixed = _audit_and_fix(capsys, manage_conf,
                           'attachment_of_deleted_server', server, volume)
    assert fixed['attachment'] == attachment_id
    assert fixed['action'] == 'attachment deleted'
    assert helpers._volume_status(stack, volume) == 'available'


def test_audit_fixes_volume_left_in_transition(stack, manage_conf, capsys,
                                               monkeypatch):
    """A volume left "reserved" (or attaching, detaching) with no
    attachment at all: reset to available."""
    server = helpers._boot(stack, 'unused')
    volume = helpers._volume(stack)
    resp = stack.volume_request(
        'POST', '/v3/volumes/%s/action' % volume, token=ADMIN,
        json={'os-reset_status': {'status': 'reserved'}})
    assert resp.status_code == 202, resp.text
    # Changed more than --older-than ago.
    real = attachment_audit._volume_changed_before
    monkeypatch.setattr(attachment_audit, '_volume_changed_before',
                        lambda volume, before: True)

    fixed = _audit_and_fix(capsys, manage_conf, 'volume_stuck', None, volume)
    assert fixed['action'] == 'volume reset from reserved to available'
    assert helpers._volume_status(stack, volume) == 'available'
    assert server

    # A recent one is left alone: it may still be under way.
    monkeypatch.setattr(attachment_audit, '_volume_changed_before', real)
    stack.volume_request(
        'POST', '/v3/volumes/%s/action' % volume, token=ADMIN,
        json={'os-reset_status': {'status': 'attaching'}})
    status, found = _audit(capsys, manage_conf, '--older-than', '3600',
                           '--fix')
    assert status == 3
    assert found[0]['action'].startswith('left: attaching since ')
    assert helpers._volume_status(stack, volume) == 'attaching'


def test_audit_shows_what_it_does_not_repair(stack, manage_conf, capsys):
    """A disk in a guest that no mapping has, and a recent half-done
    attach, are shown and left; the table says why."""
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'unmapped-disk')
    volume = helpers._volume(stack)
    manager.driver.attach_volume(helpers._Instance(server),
                                 {'serial': volume}, '/dev/vdc')
    status, out = _manage(capsys, manage_conf, 'audit', '--fix')
    assert status == 3
    assert 'disk_without_mapping' in out and server in out
    assert 'left: not safe' in out
    assert list(_guest(manager, server).values()) == [volume]

    # An attach reserved just now (the default --older-than is [compute]
    # volume_operation_timeout): may still be under way.
    other = helpers._volume(stack)
    att = manager.volume_api.attachment_create(ctxt, other, server)
    bdm_obj.create(ctxt, {
        'instance_uuid': server, 'volume_id': other,
        'attachment_id': att['id'], 'source_type': 'volume',
        'destination_type': 'volume', 'device_name': '/dev/vdd',
        'device_type': 'disk'})
    status, out = _manage(capsys, manage_conf, 'audit', '--fix', '--format',
                          'json')
    found = {d['kind']: d for d in json.loads(out)['differences']}
    assert found['attach_incomplete']['action'].startswith('left: changed ')
    assert not found['attach_incomplete']['fixed']
    assert helpers._bdm(server, other) is not None


def test_audit_progress(stack, manage_conf):
    """The progress callback hears each cell, block storage and host."""
    from nova_lite.cmd import common
    conf = common.setup(['--config-file', manage_conf], 'test')
    seen = []
    differences, counts = attachment_audit.run(
        conf, nl_context.get_admin_context(),
        progress=lambda done, total, item: seen.append((done, total, item)))
    assert differences == []
    assert [item for _d, _t, item in seen] == [
        'cell0', 'cell1', 'block storage', 'compute1']
    assert seen[-1][:2] == (4, 4)


# -- as a process --------------------------------------------------------------------


def test_audit_as_a_process(stack, manage_conf):
    """Run as its own process next to an all-in-one: the block storage and
    the databases are read and repaired; the compute service, on the
    all-in-one's in-process message bus, cannot be asked, which the table
    says. On a terminal, standard error shows the progress; elsewhere,
    nothing."""
    from tests.functional import test_clean_start as clean
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'process')
    volume = helpers._volume(stack)
    helpers._attach(stack, server, volume)
    gone = helpers._boot(stack, 'process-gone')
    other = helpers._volume(stack)
    helpers._attach(stack, gone, other)
    manager.driver.destroy(helpers._Instance(gone))
    instance_obj.destroy(ctxt, gone)
    manager.volume_api.begin_detaching(ctxt, volume)

    status, out, terminal = clean._run_tty_stderr(
        'nova-lite-manage', '--config-file', manage_conf,
        'volume_attachment', 'audit', '--fix', '--older-than', '0')
    assert status == 3, (out, terminal)
    rows = {line.split('|')[1].strip(): line for line in out.splitlines()
            if line.startswith('| ') and not line.startswith('| Kind')}
    assert set(rows) == {'attachment_of_deleted_server', 'volume_detaching'}
    assert 'attachment deleted' in rows['attachment_of_deleted_server']
    assert 'in-process message bus' in rows['volume_detaching']
    # Two cells, the block storage, one host, one repair (the total grows
    # as the hosts and the repairs are known).
    assert 'Auditing volume attachments: 1/3 (cell0)' in terminal, terminal
    assert 'Auditing volume attachments: 4/4 (compute1)' in terminal
    assert terminal.rstrip().endswith('Auditing volume attachments: 5/5')
    assert 'Traceback' not in terminal
    assert helpers._volume_status(stack, other) == 'available'
    assert helpers._volume_status(stack, volume) == 'detaching'

    quiet = clean._run('nova-lite-manage', '--config-file', manage_conf,
                       'volume_attachment', 'audit', '--format', 'json')
    assert (quiet.returncode, quiet.stderr) == (3, '')
    assert [d['kind'] for d in json.loads(quiet.stdout)['differences']] == [
        'volume_detaching']


def test_compute_reconcile_leaves_recent_changes(stack):
    """The compute side of --fix (RPC reconcile_volumes) touches only what
    changed before the time it is given."""
    import datetime

    from oslo_utils import timeutils
    manager, ctxt = _setup(stack)
    server = helpers._boot(stack, 'recent')
    volume = helpers._volume(stack)
    att = manager.volume_api.attachment_create(ctxt, volume, server)
    bdm_obj.create(ctxt, {
        'instance_uuid': server, 'volume_id': volume,
        'attachment_id': att['id'], 'source_type': 'volume',
        'destination_type': 'volume', 'device_name': '/dev/vdb',
        'device_type': 'disk'})
    earlier = timeutils.utcnow() - datetime.timedelta(seconds=60)
    summary = manager.reconcile_volumes(ctxt, server, earlier.isoformat())
    assert summary['rolled_back'] == 0 and summary['servers'] == 1
    assert helpers._bdm(server, volume) is not None
    assert list(helpers._attachments(manager, server)) == [att['id']]

    later = timeutils.utcnow() + datetime.timedelta(seconds=1)
    summary = manager.reconcile_volumes(ctxt, server, later.isoformat())
    assert summary['rolled_back'] == 1
    assert helpers._bdm(server, volume) is None
    assert helpers._attachments(manager, server) == {}
