"""RPC over a real RabbitMQ: oslo.messaging's listeners, between messages,
wake as often as nova_lite.rpc lets them."""

import os
import threading
import time
import uuid

from oslo_messaging._drivers import amqpdriver
from oslo_messaging._drivers import impl_rabbit
import oslo_messaging as messaging

from nova_lite import conf as nl_conf
from nova_lite import context
from nova_lite import rpc

RABBIT = os.environ.get('NOVA_LITE_TEST_RABBIT_URL',
                        'rabbit://guest:guest@127.0.0.1:5672/')


class _Endpoint:
    target = messaging.Target(version='1.0')

    def ping(self, ctxt, value):
        return value


def _conf():
    conf = nl_conf.new_conf()
    rpc.register_opts(conf)
    conf([], project='nova-lite-test')
    return conf


def test_listeners_wake_rarely_between_messages(monkeypatch):
    # oslo.messaging's own start: 1 ms after each message, then doubling.
    monkeypatch.setattr(amqpdriver, 'ACK_REQUEUE_EVERY_SECONDS_MIN', 0.001)
    waits = []
    lock = threading.Lock()
    consume = impl_rabbit.Connection.consume

    def counted(self, timeout=None):
        with lock:
            waits.append(timeout)
        return consume(self, timeout=timeout)

    monkeypatch.setattr(impl_rabbit.Connection, 'consume', counted)
    conf = _conf()
    rpc.cleanup()
    # The in-process transport leaves the library alone.
    rpc.get_transport(conf)
    assert amqpdriver.ACK_REQUEUE_EVERY_SECONDS_MIN == 0.001
    exchange = 'nova_lite_test_%s' % uuid.uuid4().hex[:8]
    topic = 'polling-%s' % uuid.uuid4().hex[:8]
    server = rpc.get_server(
        conf, messaging.Target(topic=topic, server='h1', exchange=exchange),
        [_Endpoint()], url=RABBIT)
    assert amqpdriver.ACK_REQUEUE_EVERY_SECONDS_MIN == rpc.AMQP_POLL_MIN
    server.start()
    try:
        client = rpc.get_client(conf, topic, '1.0', url=RABBIT).prepare(
            server='h1', exchange=exchange, timeout=30)
        ctxt = context.RequestContext(user_id='u1', project_id='p1',
                                      overwrite=False)
        assert client.call(ctxt, 'ping', value=1) == 1
        with lock:
            del waits[:]
        time.sleep(0.5)
        with lock:
            idle = list(waits)
        # Two listeners (the server's, the client's reply queue), each
        # waiting 50, 100 and 200 ms: at most four wakeups each in half a
        # second, where 1, 2, 4, ... ms gave nine each.
        assert len(idle) <= 8, idle
        assert min(t for t in idle if t is not None) >= rpc.AMQP_POLL_MIN
        # A message still ends a long wait.
        assert client.call(ctxt, 'ping', value=2) == 2
    finally:
        server.stop()
        server.wait()
        rpc.cleanup()


def test_a_prefetch_limit_keeps_the_librarys_waits(monkeypatch):
    # With a limit, RabbitMQ's next message may wait for acknowledgements
    # the listener sends when it wakes.
    monkeypatch.setattr(amqpdriver, 'ACK_REQUEUE_EVERY_SECONDS_MIN', 0.001)
    conf = _conf()
    conf.register_opts(impl_rabbit.rabbit_opts,
                       group='oslo_messaging_rabbit')
    conf.set_override('rabbit_qos_prefetch_count', 1,
                      group='oslo_messaging_rabbit')
    conf.set_override('transport_url', RABBIT)
    rpc.cleanup()
    try:
        rpc.get_transport(conf)
        rpc.get_notification_transport(conf)
        assert amqpdriver.ACK_REQUEUE_EVERY_SECONDS_MIN == 0.001
        conf.set_override('rabbit_qos_prefetch_count', 0,
                          group='oslo_messaging_rabbit')
        rpc.cleanup()
        rpc.get_notification_transport(conf)
        assert amqpdriver.ACK_REQUEUE_EVERY_SECONDS_MIN == \
            rpc.AMQP_POLL_MIN
    finally:
        rpc.cleanup()
