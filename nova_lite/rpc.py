"""oslo.messaging plumbing: transports, clients, servers, context serializer.

Transports are cached per URL in the process, so that API, conductor and
compute of the all-in-one share one in-process exchange (``inproc:/``, see
:mod:`nova_lite.rpc_inproc`), and so
that a process keeps one connection pool per RabbitMQ cluster.
"""

import importlib
import threading

import oslo_messaging as messaging
from oslo_messaging.rpc import dispatcher

from nova_lite import context as nl_context

ALLOWED_EXMODS = ['nova_lite.exception']
DEFAULT_TRANSPORT_URL = 'inproc:/'

_TRANSPORTS = {}
_NOTIFICATION_TRANSPORTS = {}
_LOCK = threading.Lock()


def set_defaults(conf):
    messaging.set_transport_defaults(control_exchange='nova_lite')


def transport_url(conf):
    return conf.transport_url or DEFAULT_TRANSPORT_URL


def _cached(cache, url, make):
    with _LOCK:
        transport = cache.get(url)
        if transport is None:
            transport = cache[url] = make(url)
        return transport


# oslo.messaging's AMQP listeners (an RPC server's, the reply queue of
# a client that calls, a notification listener's) wait for the next
# message with a timeout that starts at 1 ms after each message and
# doubles up to 5 s; each timeout wakes the listener's thread only to look
# for acknowledgements to send. Between messages tens of milliseconds
# apart that is several wakeups per message, a quarter of a millisecond
# of CPU each. Messages still end the wait as they arrive; only
# acknowledgements queued by workers wait for the next wakeup, as they
# already do once the timeout has grown. That holds while RabbitMQ sends
# messages whatever is unacknowledged ([oslo_messaging_rabbit]
# rabbit_qos_prefetch_count = 0, the default): with a prefetch limit the
# next message may wait for those acknowledgements, and the library's
# 1 ms stays.
AMQP_POLL_MIN = 0.05


def _amqp_polling(conf, url):
    if url.split(':', 1)[0] not in ('rabbit', 'kombu'):
        return
    if conf.oslo_messaging_rabbit.rabbit_qos_prefetch_count:
        return
    from oslo_messaging._drivers import amqpdriver
    if getattr(amqpdriver, 'ACK_REQUEUE_EVERY_SECONDS_MIN', 1) < \
            AMQP_POLL_MIN:
        amqpdriver.ACK_REQUEUE_EVERY_SECONDS_MIN = AMQP_POLL_MIN


def _maker(conf, get):
    """``make(url)`` for :func:`_cached`: the transport from ``get``
    (oslo.messaging's), then its listeners' waits set."""
    def make(url):
        # The driver registers [oslo_messaging_rabbit] as it is loaded.
        transport = get(conf, url=url, allowed_remote_exmods=ALLOWED_EXMODS)
        _amqp_polling(conf, url)
        return transport
    return make


def get_transport(conf, url=None):
    return _cached(_TRANSPORTS, url or transport_url(conf),
                   _maker(conf, messaging.get_rpc_transport))


def notification_transport_url(conf):
    return conf.oslo_messaging_notifications.transport_url or \
        transport_url(conf)


def get_notification_transport(conf):
    """The transport notifications are sent on (``[oslo_messaging_
    notifications] transport_url``, else the RPC one), cached per URL."""
    return _cached(_NOTIFICATION_TRANSPORTS, notification_transport_url(conf),
                   _maker(conf, messaging.get_notification_transport))


def cleanup():
    with _LOCK:
        for transport in list(_TRANSPORTS.values()) + list(
                _NOTIFICATION_TRANSPORTS.values()):
            transport.cleanup()
        _TRANSPORTS.clear()
        _NOTIFICATION_TRANSPORTS.clear()


def register_opts(conf):
    """Register oslo.messaging's options (transport_url, rpc timeouts)."""
    # oslo_messaging.opts.list_opts() would import the library's eventlet
    # helpers; the transport options are all we need before a transport
    # exists.
    from oslo_messaging import transport as msg_transport
    conf.register_opts(msg_transport._transport_opts)
    from oslo_messaging.rpc import client as rpc_client
    conf.register_opts(rpc_client._client_opts)
    from oslo_messaging.notify import notifier
    conf.register_opts(notifier._notifier_opts,
                       group='oslo_messaging_notifications')
    # The library registers these on the global CONF only, but reads them
    # from the ConfigOpts each client and server is given.
    for module, attr, group in (
            ('oslo_messaging._tracing.client', 'oslo_messaging_tracing',
             'oslo_messaging_tracing'),
            ('oslo_messaging._metrics.client', 'oslo_messaging_metrics',
             'oslo_messaging_metrics'),
            ('oslo_messaging.rpc.dispatcher', '_dispatcher_opts', None)):
        try:
            opts = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):  # pragma: no cover
            continue
        conf.register_opts(opts, group=group)
    # The embedded default runs everything in one process.
    conf.set_default('transport_url', DEFAULT_TRANSPORT_URL)


def register_driver_opts(conf):
    """The RabbitMQ driver registers its options (``[oslo_messaging_
    rabbit]``) as it is loaded, once a service has started; registered
    when a transport URL names it, they are checked with the others."""
    schemes = {url.split(':', 1)[0] for url in (
        transport_url(conf), notification_transport_url(conf))}
    if not schemes & {'rabbit', 'kombu'}:
        return
    from oslo_messaging._drivers import amqp as rpc_amqp
    from oslo_messaging._drivers import impl_rabbit
    conf.register_opts(impl_rabbit.rabbit_opts, group='oslo_messaging_rabbit')
    conf.register_opts(rpc_amqp.amqp_opts, group='oslo_messaging_rabbit')


def is_in_process(conf):
    return transport_url(conf).split(':', 1)[0] in ('fake', 'inproc')


def reaches_services(conf):
    """Whether RPC clients made with ``conf`` reach the services: always
    over a shared message bus; with the in-process transport, only in the
    process that runs them (nova-lite-all), which made it already."""
    if not is_in_process(conf):
        return True
    with _LOCK:
        return transport_url(conf) in _TRANSPORTS


class RequestContextSerializer(messaging.Serializer):
    def serialize_entity(self, ctxt, entity):
        return entity

    def deserialize_entity(self, ctxt, entity):
        return entity

    def serialize_context(self, ctxt):
        return ctxt.to_dict()

    def deserialize_context(self, values):
        return nl_context.RequestContext.from_dict(values)


def get_client(conf, topic, version, version_cap=None, url=None):
    target = messaging.Target(topic=topic, version=version)
    return messaging.get_rpc_client(
        get_transport(conf, url), target, version_cap=version_cap,
        serializer=RequestContextSerializer())


def get_server(conf, target, endpoints, executor_pool_size=None, url=None):
    access_policy = dispatcher.DefaultRPCAccessPolicy
    server = messaging.get_rpc_server(
        get_transport(conf, url), target, endpoints, executor='threading',
        serializer=RequestContextSerializer(), access_policy=access_policy)
    if executor_pool_size:
        conf.set_override('executor_thread_pool_size', executor_pool_size)
    return server
