"""``inproc:/``: the in-process transport of the all-in-one.

oslo.messaging's ``fake`` driver delivers in memory but its listeners sleep
up to 50 ms between looks at their queues, so every RPC hop of the
all-in-one waited for nothing. In this driver:

* an RPC server's listener takes each cast as it is delivered, in the
  sender's thread, and hands it straight to the server's executor: no
  polling thread, and a delivery wakes only the worker that runs it;
* a call, whose caller would only wait for the reply, is handled by the
  server in the caller's thread (the server's dispatch, error handling
  and reply, as in a worker), to the end: ``rpc_response_timeout`` does
  not cut short a call a server has taken;
* messages sent while no server listens wait in their queue until one
  starts (a call waits for its reply until ``rpc_response_timeout``);
* notification listeners poll as the library's do, but are woken when a
  message is queued instead of sleeping between looks.
"""

import threading
import time

from oslo_context import context as oslo_context
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

    def __init__(self, name):
        super().__init__(name)
        # The started RPC listeners of each queue, by the queue's key:
        # ('server', topic, server) or ('topic', topic, pool).
        self._consumers = {}

    def queue(self, key):
        kind, topic, name = key
        if kind == 'server':
            return self._get_server_queue(topic, name)
        return self._get_topic_queue(topic, name)

    def _queues(self, topic, server, fanout):
        """(key, queue) of each queue a message for ``topic`` goes to, as
        the library's exchange chooses them."""
        if fanout:
            return [(('server',) + key, queue)
                    for key, queue in list(self._server_queues.items())
                    if key[0] == topic]
        if server is not None:
            return [(('server', topic, server),
                     self._get_server_queue(topic, server))]
        self._get_topic_queue(topic)
        return [(('topic',) + key, queue)
                for key, queue in list(self._topic_queues.items())
                if key[0] == topic]

    def deliver_message(self, topic, ctxt, message, server=None,
                        fanout=False, reply_q=None):
        def requeue():
            self.deliver_message(topic, ctxt, message, server=server,
                                 fanout=fanout, reply_q=reply_q)

        item = (ctxt, message, reply_q, requeue)
        queued = False
        inline = None
        with self._queues_lock:
            for key, queue in self._queues(topic, server, fanout):
                consumers = self._consumers.get(key)
                if consumers:
                    # Listeners of one queue take its messages in turn.
                    consumers.append(consumers.pop(0))
                    if reply_q is not None and not fanout and \
                            inline is None:
                        inline = consumers[-1]
                    else:
                        consumers[-1].take(item)
                else:
                    queue.append(item)
                    queued = True
            if queued and topic.rpartition('.')[2] in _PRIORITIES:
                for key, queue in self._topic_queues.items():
                    extra = len(queue) - MAX_QUEUED_NOTIFICATIONS
                    if key[0] == topic and extra > 0:
                        del queue[:extra]
        if queued:
            with _DELIVERED:
                _DELIVERED.notify_all()
        if inline is not None:
            inline.run(item)

    def add_consumer(self, key, listener):
        """Hand ``listener`` what waits in the queue, then each message
        as it is delivered."""
        with self._queues_lock:
            queue = self.queue(key)
            waiting = list(queue)
            del queue[:]
            for item in waiting:
                listener.take(item)
            self._consumers.setdefault(key, []).append(listener)

    def remove_consumer(self, key, listener):
        with self._queues_lock:
            consumers = self._consumers.get(key, [])
            if listener in consumers:
                consumers.remove(listener)


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


class _RPCListener(base.Listener):
    """An RPC server's listener: each message of its queues is handed to
    the server (its executor) as it is delivered."""

    def __init__(self, exchange_manager, targets, batch_size,
                 batch_timeout):
        super().__init__(batch_size, batch_timeout)
        self._queues = [
            (exchange_manager.get_exchange(target.exchange),
             ('server', target.topic, target.server) if target.server
             else ('topic', target.topic, None))
            for target in targets]

    def start(self, on_incoming_callback):
        super().start(on_incoming_callback)
        for exchange, key in self._queues:
            exchange.add_consumer(key, self)

    def take(self, item):
        ctxt, message, reply_q, requeue = item
        self.on_incoming_callback([impl_fake.FakeIncomingMessage(
            ctxt, message, reply_q, requeue)])

    def run(self, item):
        """Run a call in the caller's thread, which would only wait for
        the reply: the server's own handling (dispatch, errors, reply),
        without the hand-over to a worker and back."""
        callback = self.on_incoming_callback
        if callback is None:
            # Stopped since the message was given to it: back to the queue.
            item[3]()
            return
        process = getattr(getattr(callback, '__self__', None),
                          '_process_incoming', None)
        if process is None:
            self.take(item)
            return
        ctxt, message, reply_q, requeue = item
        # The caller's context stays its thread's current one.
        previous = oslo_context.get_current()
        try:
            process([impl_fake.FakeIncomingMessage(
                ctxt, message, reply_q, requeue)])
        finally:
            if previous is not None:
                previous.update_store()

    def stop(self):
        # Once off the queues no message is handed here; what was handed
        # already is the executor's to finish.
        for exchange, key in self._queues:
            exchange.remove_consumer(key, self)
        super().stop()

    def cleanup(self):
        pass


class InProcessDriver(impl_fake.FakeDriver):

    def __init__(self, conf, url, default_exchange=None,
                 allowed_remote_exmods=None):
        super().__init__(conf, url, default_exchange, allowed_remote_exmods)
        self._exchange_manager = _ExchangeManager(default_exchange)

    def listen(self, target, batch_size, batch_timeout):
        exchange = target.exchange or self._default_exchange
        return _RPCListener(self._exchange_manager, [
            oslo_messaging.Target(topic=target.topic, server=target.server,
                                  exchange=exchange),
            oslo_messaging.Target(topic=target.topic, exchange=exchange)],
            batch_size, batch_timeout)

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
