"""Faults injected into the multi-process deployment over RabbitMQ and
PostgreSQL: the compute process killed in the middle of an attach and of a
detach, the message broker restarted during a burst of attaches, the block
storage answering 500s, timing out or going away, the database dropping
connections and answering with deadlocks.

After each: the API keeps answering, every request ends in a definite
state (done, or a nova error and a server fault), nova's mappings and the
block storage's attachments agree (nothing leaked or lost on either side)
and the guests hold exactly the disks nova maps.
"""

import concurrent.futures
import time

import pytest

from tests.reliability import deployment as dep_mod
from tests.reliability import figures

PAUSE = '[fake_driver]\npause_at = %s\npause_seconds = 120\n'


def _api_answers(dep):
    resp = dep.api('GET', '/servers/detail', timeout=20)
    assert resp.status_code == 200, resp.text
    resp = dep.api('GET', '/os-services', token=dep_mod.ADMIN, timeout=20)
    assert resp.status_code == 200, resp.text


def _attached(dep, server_id, volume_id):
    return any(b.volume_id == volume_id and b.instance_uuid == server_id
               for b in dep.bdms())


def _wait_attached(dep, server_id, volume_id, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if dep.volume_status(volume_id) == 'in-use' and any(
                b.volume_id == volume_id and b.instance_uuid == server_id and
                b.connection_info for b in dep.bdms()):
            return
        time.sleep(0.2)
    raise AssertionError('%s never attached to %s' % (volume_id, server_id))


def _restart_compute(dep, options=''):
    dep.start_compute(options)
    dep.wait_compute_started()


def _settle(dep, server_ids, timeout=60):
    """Every server out of its task state, then both sides agree."""
    for server_id in server_ids:
        dep.wait_server(server_id, 'ACTIVE', timeout=timeout)


# -- the compute process killed -----------------------------------------------


def test_compute_killed_during_attach(make_deployment):
    dep = make_deployment()
    mtype = dep.multiattach_type()
    shared = dep.volume(mtype)
    s1, s2 = dep.boot('kill-attach-1'), dep.boot('kill-attach-2')
    dep.wait_server(s1, 'ACTIVE')
    dep.wait_server(s2, 'ACTIVE')
    assert dep.attach(s2, shared).status_code == 200
    _wait_attached(dep, s2, shared)

    # The next run of the compute pauses before plugging a disk.
    dep.kill_compute()
    _restart_compute(dep, PAUSE % 'attach_volume')
    dep.wait_consistent()
    resp = dep.attach(s1, shared)
    assert resp.status_code == 200, resp.text
    dep.wait_log(dep.compute_log, 'Fake driver pausing at attach_volume '
                 'for server %s' % s1)
    dep.kill_compute()
    figures.fault('compute killed (SIGKILL) in the middle of an attach')
    _api_answers(dep)
    # Half done: nova maps it, block storage has an unfinished attachment.
    assert _attached(dep, s1, shared)
    assert dep.consistency()

    _restart_compute(dep)
    dep.wait_consistent()
    assert not _attached(dep, s1, shared)
    assert _attached(dep, s2, shared)
    assert dep.volume_status(shared) == 'in-use'
    assert any('could not be attached' in m for m in dep.faults(s1))
    assert dep.guest_volumes()[s2] == {'/dev/vdb': shared}
    # Working again: the same attach now completes.
    assert dep.attach(s1, shared).status_code == 200
    _wait_attached(dep, s1, shared)
    dep.wait_consistent()


def test_compute_killed_during_detach(make_deployment):
    dep = make_deployment(compute_options=PAUSE % 'detach_volume')
    volume = dep.volume()
    s1 = dep.boot('kill-detach')
    dep.wait_server(s1, 'ACTIVE')
    assert dep.attach(s1, volume).status_code == 200
    _wait_attached(dep, s1, volume)
    assert dep.detach(s1, volume).status_code == 202
    dep.wait_log(dep.compute_log, 'Fake driver pausing at detach_volume '
                 'for server %s' % s1)
    dep.kill_compute()
    figures.fault('compute killed (SIGKILL) in the middle of a detach')
    _api_answers(dep)
    assert dep.volume_status(volume) == 'detaching'

    _restart_compute(dep)
    dep.wait_consistent()
    # Rolled back: still attached on both sides and in the guest, a fault
    # says why; the detach asked again goes through.
    assert _attached(dep, s1, volume)
    assert dep.volume_status(volume) == 'in-use'
    assert any('could not be detached' in m for m in dep.faults(s1))
    assert dep.detach(s1, volume).status_code == 202
    dep.wait_volume(volume, 'available')
    dep.wait_consistent()
    assert not _attached(dep, s1, volume)
    assert dep.guest_volumes()[s1] == {}


def test_compute_killed_with_stuck_task_states(make_deployment):
    """Servers left in a task state by a killed compute are cleared the way
    nova's init_host does: a delete is finished, a build goes to ERROR."""
    dep = make_deployment(compute_options=PAUSE % 'spawn')
    volume = dep.volume()
    building = dep.boot('kill-spawn')
    dep.wait_log(dep.compute_log, 'Fake driver pausing at spawn for '
                 'server %s' % building)
    dep.kill_compute()
    _restart_compute(dep)
    server = dep.wait_server(building, 'ERROR')
    assert server['fault']['message']
    figures.fault('compute killed (SIGKILL) in the middle of a build')

    victim = dep.boot('kill-delete')
    dep.wait_server(victim, 'ACTIVE')
    assert dep.attach(victim, volume).status_code == 200
    _wait_attached(dep, victim, volume)
    # Killed before the delete reaches it (the service still counts as up,
    # so the API does not delete locally): the server waits in "deleting".
    dep.kill_compute()
    assert dep.api('DELETE', '/servers/%s' % victim).status_code == 204
    assert dep.server(victim)['OS-EXT-STS:task_state'] == 'deleting'
    _restart_compute(dep)
    dep.wait_server(victim, 'DELETED')
    dep.wait_volume(volume, 'available')
    figures.fault('compute down while a delete was requested')
    assert dep.api('DELETE', '/servers/%s' % building).status_code == 204
    dep.wait_server(building, 'DELETED')
    dep.wait_consistent()
