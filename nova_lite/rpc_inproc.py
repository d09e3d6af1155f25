"""``inproc:/``: the in-process RPC transport of the all-in-one.

oslo.messaging's ``fake`` driver delivers in memory but its listeners sleep
up to 50 ms between looks at their queues, so every RPC hop of the
all-in-one waited for nothing. This driver keeps its message handling and
wakes listeners when a message is delivered instead.
"""

import threading
import time

import oslo_messaging
from oslo_messaging._drivers import base
from oslo_messaging._drivers import impl_fake

_DELIVERED = threading.Condition()
# Listeners also look again this often, whatever happens.
_MAX_WAIT = 0.5
# Notifications wait in their topic's queue until a listener of the
# process takes them; where none does, each topic keeps the latest this
# many (RPC queues always have their server and are never cut).
MAX_QUEUED_NOTIFICATIONS = 1000
_PRIORITIES = frozenset(('audit', 'debug', 'info', 'warn', 'error',
                         'critical', 'sample'))


class _Exchange(impl_fake.FakeExchange):
    def deliver_message(self, topic, *args, **kwargs):
        super().deliver_message(topic, *args, **kwargs)
        if topic.rpartition('.')[2] in _PRIORITIES:
            with self._queues_lock:
                for key, queue in self._topic_queues.items():
                    extra = len(queue) - MAX_QUEUED_NOTIFICATIONS
                    if key[0] == topic and extra > 0:
                        del queue[:extra]
        with _DELIVERED:
            _DELIVERED.notify_all()


class _ExchangeManager(impl_fake.FakeExchangeManager):
    _exchanges_lock = threading.Lock()
    _exchanges = {}

    def get_exchange(self, name):
        if name is None:
            name = self._default_exchange
        with self._exchanges_lock:
            return self._exchanges.setdefault(name, _Exchange(name))


class _Listener(impl_fake.FakeListener):

    @base.batch_poll_helper
    def poll(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._stopped.is_set():
            with _DELIVERED:
                for target in self._targets:
                    exchange = self._exchange_manager.get_exchange(
                        target.exchange)
                    ctxt, message, reply_q, requeue = exchange.poll(
                        target, self._pool)
                    if message is not None:
                        return impl_fake.FakeIncomingMessage(
                            ctxt, message, reply_q, requeue)
                pause = _MAX_WAIT
                if deadline is not None:
                    pause = min(pause, deadline - time.monotonic())
                    if pause <= 0:
                        return None
                _DELIVERED.wait(pause)
        return None

    def stop(self):
        super().stop()
        with _DELIVERED:
            _DELIVERED.notify_all()


class InProcessDriver(impl_fake.FakeDriver):

    def __init__(self, conf, url, default_exchange=None,
                 allowed_remote_exmods=None):
        super().__init__(conf, url, default_exchange, allowed_remote_exmods)
        self._exchange_manager = _ExchangeManager(default_exchange)

    def listen(self, target, batch_size, batch_timeout):
        exchange = target.exchange or self._default_exchange
        listener = _Listener(self._exchange_manager, [
            oslo_messaging.Target(topic=target.topic, server=target.server,
                                  exchange=exchange),
            oslo_messaging.Target(topic=target.topic, exchange=exchange)])
        return base.PollStyleListenerAdapter(listener, batch_size,
                                             batch_timeout)

    def listen_for_notifications(self, targets_and_priorities, pool,
                                 batch_size, batch_timeout):
        # As the library's, with a listener woken by each delivery.
        listener = _Listener(self._exchange_manager, [
            oslo_messaging.Target(
                topic='%s.%s' % (target.topic, priority),
                exchange=target.exchange or self._default_exchange)
            for target, priority in targets_and_priorities], pool)
        return base.PollStyleListenerAdapter(listener, batch_size,
                                             batch_timeout)
