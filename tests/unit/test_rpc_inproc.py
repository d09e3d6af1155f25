"""The in-process transport: RPC and notifications delivered in memory,
their listeners woken by each delivery."""

import threading

import oslo_messaging as messaging

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
