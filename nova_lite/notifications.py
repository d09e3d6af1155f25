"""In-process notifications of finished operations, with nova's event type
names (``instance.create.end``, ``instance.volume_attach.end``, ...).

Listeners registered in the same process (the benchmarks; tools embedding
the all-in-one) are called synchronously; with none registered, emitting
costs a list lookup.
"""

import logging
import threading

LOG = logging.getLogger(__name__)

_LISTENERS = []
_LOCK = threading.Lock()


def add_listener(callback):
    """``callback(event_type, instance_uuid, payload)``."""
    with _LOCK:
        _LISTENERS.append(callback)


def remove_listener(callback):
    with _LOCK:
        if callback in _LISTENERS:
            _LISTENERS.remove(callback)


def notify(event_type, instance_uuid, **payload):
    for callback in list(_LISTENERS):
        try:
            callback(event_type, instance_uuid, payload)
        except Exception:
            LOG.exception('Notification listener failed on %s', event_type)
