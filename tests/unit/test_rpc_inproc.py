"""The in-process transport: RPC and notifications delivered in memory,
RPC messages handed to their servers as they are sent, notification
listeners woken by each delivery."""

import threading

import oslo_messaging as messaging
import pytest

from nova_lite import conf as nl_conf
from nova_lite import rpc
from nova_lite import rpc_inproc


def _conf():
    conf = nl_conf.new_conf()
    rpc.register_opts(conf)
    conf([], project='nova-lite-test')
    conf.set_override('driver', ['messagingv2'],
                      group='oslo_messaging_notifications')
    return conf


def test_notifications_reach_a_listener_woken_by_delivery():
    conf = _conf()
    rpc.cleanup()
    transport = rpc.get_notification_transport(conf)
    try:
        got = threading.Event()
        received = []

        class Endpoint:
            def info(self, ctxt, publisher_id, event_type, payload,
                     metadata):
                received.append((publisher_id, event_type, payload))
                got.set()

        listener = messaging.get_notification_listener(
            transport, [messaging.Target(topic='versioned_notifications')],
            [Endpoint()], executor='threading')
        adapter = transport._driver.listen_for_notifications(
            [(messaging.Target(topic='versioned_notifications'), 'info')],
            None, 1, None)
        assert isinstance(adapter._poll_style_listener,
                          rpc_inproc._Listener)
        listener.start()
        try:
            notifier = messaging.Notifier(
                transport, 'nova-compute:h1', topics=[
                    'versioned_notifications'])
            notifier.info({}, 'instance.create.end', {'uuid': 'x'})
            assert got.wait(5)
            assert received == [('nova-compute:h1', 'instance.create.end',
                                 {'uuid': 'x'})]
        finally:
            listener.stop()
            listener.wait()
    finally:
        rpc.cleanup()


def test_unread_notifications_are_capped(monkeypatch):
    monkeypatch.setattr(rpc_inproc, 'MAX_QUEUED_NOTIFICATIONS', 5)
    conf = _conf()
    rpc.cleanup()
    transport = rpc.get_notification_transport(conf)
    try:
        notifier = messaging.Notifier(transport, 'nova-compute:h1',
                                      topics=['capped'])
        for index in range(8):
            notifier.info({}, 'instance.create.end', {'n': index})
        received = []
        got = threading.Event()

        class Endpoint:
            def info(self, ctxt, publisher_id, event_type, payload,
                     metadata):
                received.append(payload['n'])
                if payload['n'] == 7:
                    got.set()

        listener = messaging.get_notification_listener(
            transport, [messaging.Target(topic='capped')], [Endpoint()],
            executor='threading')
        listener.start()
        try:
            assert got.wait(5)
            # The latest five, in order; the three oldest were dropped.
            assert received == [3, 4, 5, 6, 7]
        finally:
            listener.stop()
            listener.wait()
    finally:
        rpc.cleanup()


def test_compute_rpcapi_keeps_a_client_per_transport():
    from nova_lite.compute import rpcapi

    class Cell:
        transport_url = 'inproc://other/'

    conf = _conf()
    rpc.cleanup()
    try:
        api = rpcapi.ComputeAPI(conf)
        first = api._client('host-1')
        again = api._client('host-2', version='1.2')
        other = api._client('host-1', cell=Cell())
        # One client, prepared per call, for the default transport; another
        # for the cell's.
        assert api._clients[None] is not api._clients['inproc://other/']
        assert first.transport is again.transport is \
            rpc.get_transport(conf)
        assert other.transport is rpc.get_transport(conf, Cell.transport_url)
        assert (first.target.server, again.target.server) == (
            'host-1', 'host-2')
        assert again.target.version == '1.2'
        kept = api._clients[None]
        # Transports dropped and made again: so is the client.
        rpc.cleanup()
        after = api._client('host-1')
        assert api._clients[None] is not kept
        assert after.transport is rpc.get_transport(conf)
    finally:
        rpc.cleanup()


# -- RPC ------------------------------------------------------------------


class _Endpoint:
    target = messaging.Target(version='1.0')

    def __init__(self, name='server'):
        self.name = name
        self.threads = []
        self.casts = []
        self.cast_done = threading.Event()

    def ping(self, ctxt, value):
        self.threads.append(threading.get_ident())
        return {'value': value, 'server': self.name,
                'user': ctxt.user_id}

    def fail(self, ctxt):
        raise ValueError('no %s' % self.name)

    def record(self, ctxt, value):
        self.threads.append(threading.get_ident())
        self.casts.append(value)
        self.cast_done.set()


def _server(conf, topic, endpoint, server='h1'):
    rpc_server = rpc.get_server(
        conf, messaging.Target(topic=topic, server=server), [endpoint])
    rpc_server.start()
    return rpc_server


def _stop(*servers):
    for rpc_server in servers:
        rpc_server.stop()
        rpc_server.wait()


def _ctx():
    from nova_lite import context
    return context.RequestContext(user_id='u1', project_id='p1',
                                  overwrite=False)


def _cast_and_wait(client, endpoint, value):
    endpoint.cast_done.clear()
    client.cast(_ctx(), 'record', value=value)
    assert endpoint.cast_done.wait(5)


def test_rpc_call_runs_in_the_callers_thread_and_keeps_its_context():
    from nova_lite import context
    conf = _conf()
    endpoint = _Endpoint()
    rpc_server = _server(conf, 'inproc-call', endpoint)
    try:
        mine = context.RequestContext(user_id='caller', project_id='p1')
        client = rpc.get_client(conf, 'inproc-call', '1.0').prepare(
            server='h1')
        assert client.call(_ctx(), 'ping', value=3) == {
            'value': 3, 'server': 'server', 'user': 'u1'}
        assert endpoint.threads == [threading.get_ident()]
        # The server's copy of the context did not replace the caller's.
        from oslo_context import context as oslo_context
        assert oslo_context.get_current() is mine
        # The server's error handling and reply, as from a worker.
        with pytest.raises(ValueError, match='no server'):
            client.call(_ctx(), 'fail')
    finally:
        _stop(rpc_server)


def test_rpc_casts_run_in_the_servers_workers_without_a_polling_thread():
    conf = _conf()
    endpoint = _Endpoint()
    before = set(threading.enumerate())
    rpc_server = _server(conf, 'inproc-cast', endpoint)
    try:
        assert isinstance(rpc_server.listener, rpc_inproc._RPCListener)
        # Starting the server started no thread: workers come with work.
        assert set(threading.enumerate()) == before
        client = rpc.get_client(conf, 'inproc-cast', '1.0').prepare(
            server='h1')
        _cast_and_wait(client, endpoint, 1)
        assert endpoint.casts == [1]
        assert endpoint.threads[0] != threading.get_ident()
    finally:
        _stop(rpc_server)


def test_rpc_messages_wait_for_a_server_to_start():
    conf = _conf()
    endpoint = _Endpoint()
    client = rpc.get_client(conf, 'inproc-wait', '1.0').prepare(server='h1')
    client.cast(_ctx(), 'record', value='early')
    # With no server a call waits for its reply until it times out.
    with pytest.raises(messaging.MessagingTimeout):
        client.prepare(timeout=0.2).call(_ctx(), 'ping', value=1)
    rpc_server = _server(conf, 'inproc-wait', endpoint)
    try:
        assert endpoint.cast_done.wait(5)
        assert endpoint.casts == ['early']
        # The unanswered call was run too, and its reply thrown away.
        _cast_and_wait(client, endpoint, 'late')
        assert endpoint.casts == ['early', 'late']
    finally:
        _stop(rpc_server)
    # Stopped: the next cast waits in the queue for the next server.
    client.cast(_ctx(), 'record', value='after stop')
    again = _Endpoint('again')
    rpc_server = _server(conf, 'inproc-wait', again)
    try:
        assert again.cast_done.wait(5)
        assert again.casts == ['after stop']
        assert endpoint.casts == ['early', 'late']
    finally:
        _stop(rpc_server)


def test_rpc_servers_of_a_topic_take_its_casts_in_turn_and_each_fanout():
    conf = _conf()
    first, second = _Endpoint('first'), _Endpoint('second')
    servers = [_server(conf, 'inproc-turn', first, 'h1'),
               _server(conf, 'inproc-turn', second, 'h2')]
    try:
        client = rpc.get_client(conf, 'inproc-turn', '1.0')
        answers = [client.call(_ctx(), 'ping', value=i)['server']
                   for i in range(4)]
        assert sorted(answers) == ['first', 'first', 'second', 'second']
        assert answers[0] != answers[1]
        # Addressed to one server: only that one.
        assert {client.prepare(server='h2').call(
            _ctx(), 'ping', value=0)['server'] for _ in range(3)} == {
                'second'}
        client.prepare(fanout=True).cast(_ctx(), 'record', value='all')
        assert first.cast_done.wait(5) and second.cast_done.wait(5)
        assert first.casts == second.casts == ['all']
    finally:
        _stop(*servers)
