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

    # nova-lite-manage's audit, a process of its own, agrees, having asked
    # the compute service over the message bus for its guests' disks; an
    # attachment block storage made for a server with no mapping (an attach
    # whose roll-back could not delete it) is deleted by the compute
    # service when the audit asks it to.
    status, found, checked = dep.audit()
    assert (status, found) == (0, []), found
    assert checked['hosts'] == 1 and checked['mappings'] == 2, checked
    stray = dep.volume()
    resp = dep.volume_api('POST', '/attachments', token=dep_mod.MEMBER,
                          version='3.44', json={'attachment': {
                              'volume_uuid': stray, 'instance_uuid': s2}})
    assert resp.status_code == 200, resp.text
    status, found, _checked = dep.audit('--fix', '--older-than', '0')
    assert status == 4, found
    assert [(d['kind'], d['server'], d['volume'], d['fixed'])
            for d in found] == [('attachment_without_mapping', s2, stray,
                                 True)]
    figures.fault('attachment without mapping, repaired by '
                  'nova-lite-manage volume_attachment audit --fix')
    dep.wait_volume(stray, 'available')
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


# -- the block storage failing -------------------------------------------------


def _wait_rolled_back(dep, server_id, volume_id, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _attached(dep, server_id, volume_id) and any(
                'could not be attached' in m or 'cinder' in m.lower()
                for m in dep.faults(server_id)):
            return
        time.sleep(0.2)
    raise AssertionError('the attach of %s to %s was not rolled back' % (
        volume_id, server_id))


def _fault_body(resp):
    body = resp.json()
    assert len(body) == 1, body
    fault = next(iter(body.values()))
    assert fault['code'] == resp.status_code, body
    assert fault['message'], body
    return fault


def test_block_storage_errors_timeouts_and_outage(make_deployment):
    dep = make_deployment()
    shared = dep.volume(dep.multiattach_type())
    s0, s1, s2 = [dep.boot('bs-%d' % i) for i in range(3)]
    for server_id in (s0, s1, s2):
        dep.wait_server(server_id, 'ACTIVE')

    # Transient 500s: retried by the compute host, the attach completes.
    dep.proxy.set('error', match=r'^PUT .*/attachments/', count=2)
    assert dep.attach(s0, shared).status_code == 200
    _wait_attached(dep, s0, shared)
    assert dep.proxy.injected['error'] == 2
    figures.fault('block storage 500 on attachment update (retried)', 2)

    # 500s that do not stop: the attach is rolled back with a fault.
    dep.proxy.set('error', match=r'^POST .*/attachments/[^/]+/action')
    assert dep.attach(s1, shared).status_code == 200
    _wait_rolled_back(dep, s1, shared)
    dep.proxy.reset()
    figures.fault('block storage 500 on attachment complete (rolled back)')
    dep.wait_consistent()

    # Time-outs ([cinder] timeout = 5 s): rolled back likewise.
    before = len(dep.faults(s1))
    dep.proxy.set('hang', match=r'^PUT .*/attachments/', hang_seconds=7)
    assert dep.attach(s1, shared).status_code == 200
    deadline = time.monotonic() + 90
    while len(dep.faults(s1)) == before and time.monotonic() < deadline:
        time.sleep(0.3)
    dep.proxy.reset()
    assert not _attached(dep, s1, shared)
    figures.fault('block storage timing out on attachment update')
    dep.wait_consistent()

    # Going away in the middle of a detach (after the guest let go, before
    # the attachment is deleted): the mapping stays, a fault says why, and
    # the detach asked again finishes it.
    assert dep.attach(s2, shared).status_code == 200
    _wait_attached(dep, s2, shared)
    dep.proxy.set('down', match=r'^DELETE .*/attachments/')
    assert dep.detach(s0, shared).status_code == 202
    deadline = time.monotonic() + 60
    while not dep.faults(s0) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert dep.faults(s0)
    assert _attached(dep, s0, shared)
    dep.proxy.reset()
    figures.fault('block storage gone between unplug and attachment delete')
    assert dep.detach(s0, shared).status_code == 202
    deadline = time.monotonic() + 30
    while _attached(dep, s0, shared) and time.monotonic() < deadline:
        time.sleep(0.2)
    dep.wait_consistent()

    # Gone altogether: the API answers nova's fault; a server delete keeps
    # the server (ERROR) rather than leak its attachment; once block
    # storage is back, deleting it again finishes.
    dep.proxy.set('down')
    resp = dep.attach(s1, shared)
    assert resp.status_code == 503, resp.text
    assert 'Connection to cinder host failed' in _fault_body(resp)['message']
    _api_answers(dep)
    assert dep.api('DELETE', '/servers/%s' % s2).status_code == 204
    server = dep.wait_server(s2, 'ERROR', timeout=60)
    assert server['fault']['message']
    dep.proxy.reset()
    figures.fault('block storage gone (API call and server delete)')
    assert dep.api('DELETE', '/servers/%s' % s2).status_code == 204
    dep.wait_server(s2, 'DELETED')
    dep.wait_consistent()
    assert dep.volume_status(shared) == 'available'


# -- the database failing ------------------------------------------------------

DEADLOCKS = 3
DEADLOCK_TRIGGER = """
CREATE SEQUENCE rel_deadlock_seq;
CREATE FUNCTION rel_deadlock() RETURNS trigger AS $$
BEGIN
  IF nextval('rel_deadlock_seq') <= %d THEN
    RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER rel_deadlock BEFORE UPDATE ON block_device_mapping
  FOR EACH ROW EXECUTE FUNCTION rel_deadlock();
""" % DEADLOCKS


DISCONNECTS = 2
DISCONNECT_TRIGGER = """
CREATE SEQUENCE rel_disconnect_seq;
CREATE FUNCTION rel_disconnect() RETURNS trigger AS $$
BEGIN
  IF nextval('rel_disconnect_seq') <= %d THEN
    PERFORM pg_terminate_backend(pg_backend_pid());
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER rel_disconnect BEFORE INSERT ON block_device_mapping
  FOR EACH ROW EXECUTE FUNCTION rel_disconnect();
""" % DISCONNECTS


MYSQL_DEADLOCK_TRIGGER = """
CREATE TRIGGER rel_deadlock BEFORE UPDATE ON block_device_mapping
FOR EACH ROW BEGIN
  IF NEXTVAL(rel_deadlock_seq) <= %d THEN
    SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT =
      'Deadlock found when trying to get lock; try restarting transaction';
  END IF;
END
""" % DEADLOCKS


def _terminate_backends(dep, backend):
    names = {'api': dep.dbs['api'].name, 'cell': dep.dbs['cell'].name}
    if backend == 'postgresql':
        rows = dep.sql(
            'api', 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
            'WHERE datname IN (:api, :cell) AND pid <> pg_backend_pid()',
            **names)
        return sum(1 for r in rows if r[0])
    killed = 0
    for (conn_id,) in dep.sql(
            'api', 'SELECT id FROM information_schema.processlist WHERE '
            'db IN (:api, :cell) AND id <> CONNECTION_ID()', **names):
        try:
            with dep.engine('api').begin() as conn:
                conn.exec_driver_sql('KILL CONNECTION %d' % conn_id)
            killed += 1
        except Exception:
            pass     # gone meanwhile
    return killed


def _inject_deadlocks(dep, backend):
    with dep.engine('cell').begin() as conn:
        if backend == 'postgresql':
            conn.exec_driver_sql(DEADLOCK_TRIGGER)
        else:
            conn.exec_driver_sql('CREATE SEQUENCE rel_deadlock_seq NOCACHE')
            conn.exec_driver_sql(MYSQL_DEADLOCK_TRIGGER)


def _deadlocks_injected(dep, backend):
    if backend == 'postgresql':
        return dep.sql('cell', 'SELECT last_value FROM rel_deadlock_seq')[0][0]
    return dep.sql('cell', 'SELECT next_not_cached_value - 1 FROM '
                   'rel_deadlock_seq')[0][0]


@pytest.mark.parametrize('backend', ['postgresql', 'mysql'])
def test_database_drops_connections_and_deadlocks(make_deployment, backend):
    dep = make_deployment(backend=backend)
    shared = dep.volume(dep.multiattach_type())
    servers = [dep.boot('db-%d' % i) for i in range(6)]
    for server_id in servers:
        dep.wait_server(server_id, 'ACTIVE')
    _inject_deadlocks(dep, backend)

    # Deadlocks: the compute's mapping updates are chosen as victims three
    # times; retried, the attach completes.
    assert dep.attach(servers[0], shared).status_code == 200
    _wait_attached(dep, servers[0], shared)
    assert _deadlocks_injected(dep, backend) >= DEADLOCKS
    figures.fault('%s deadlock (injected by trigger, retried)' % backend,
                  DEADLOCKS)

    # The connection dropped in the middle of a transaction (PostgreSQL
    # terminates the backend that inserts a mapping, twice): retried, the
    # attach completes.
    if backend == 'postgresql':
        with dep.engine('cell').begin() as conn:
            conn.exec_driver_sql(DISCONNECT_TRIGGER)
    assert dep.attach(servers[1], shared).status_code == 200
    _wait_attached(dep, servers[1], shared)
    if backend == 'postgresql':
        injected = dep.sql('cell',
                           'SELECT last_value FROM rel_disconnect_seq')
        assert injected[0][0] >= DISCONNECTS
        figures.fault('postgresql connection dropped inside a transaction '
                      '(retried)', DISCONNECTS)

    # Connections killed by the server, over and over, during a burst of
    # attaches and then of detaches.
    def burst(call):
        with concurrent.futures.ThreadPoolExecutor(len(servers)) as pool:
            futures = [pool.submit(call, s, shared) for s in servers[2:]]
            killed = 0
            for _ in range(8):
                killed += _terminate_backends(dep, backend)
                time.sleep(0.25)
            return [f.result() for f in futures], killed

    results, killed = burst(dep.attach)
    figures.note('attaches while connections were terminated: %s' % sorted(
        r.status_code for r in results))
    for resp in results:
        assert resp.status_code in (200, 500, 503), resp.text
        if resp.status_code != 200:
            _fault_body(resp)
    figures.fault('%s connections terminated during a burst' % backend,
                  killed)
    dep.wait_consistent()
    _api_answers(dep)
    attached = [s for s in servers if _attached(dep, s, shared)]
    assert servers[0] in attached
    results, killed = burst(dep.detach)
    figures.note('detaches while connections were terminated: %s' % sorted(
        r.status_code for r in results))
    for resp in results:
        assert resp.status_code in (202, 404, 500, 503), resp.text
        if resp.status_code != 202:
            _fault_body(resp)
    figures.fault('%s connections terminated during a burst' % backend,
                  killed)
    time.sleep(1)
    dep.wait_consistent()
    _api_answers(dep)


# -- the message broker restarted ------------------------------------------------


def test_broker_restarted_during_attach_burst(make_deployment, broker):
    dep = make_deployment()
    shared = dep.volume(dep.multiattach_type())
    servers = [dep.boot('mq-%d' % i) for i in range(6)]
    for server_id in servers:
        dep.wait_server(server_id, 'ACTIVE')
    stop = time.monotonic() + 15
    codes = []

    def client(server_id):
        session = dep_mod.requests.Session()
        while time.monotonic() < stop:
            for call, ok in ((dep.attach, 200), (dep.detach, 202)):
                resp = call(server_id, shared, session=session, timeout=120)
                codes.append(resp.status_code)
                if resp.status_code >= 500:
                    _fault_body(resp)
                time.sleep(0.3)

    with concurrent.futures.ThreadPoolExecutor(len(servers)) as pool:
        futures = [pool.submit(client, s) for s in servers]
        time.sleep(3)
        broker.restart()
        figures.fault('RabbitMQ restarted during a burst of attaches')
        for future in futures:
            future.result(timeout=300)
    assert codes.count(200) > len(servers)
    assert all(code in (200, 202, 400, 404, 409, 500, 503)
               for code in codes), codes
    _api_answers(dep)
    deadline = time.monotonic() + 60
    while not dep.compute_up() and time.monotonic() < deadline:
        time.sleep(0.5)
    dep.wait_consistent(timeout=90)
    figures.note('broker restart burst: %d requests, %s' % (
        len(codes), sorted((c, codes.count(c)) for c in set(codes))))
