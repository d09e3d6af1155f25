"""Server external events a compute service waits for.

An operation that asks another service for work and must wait for its
answer (a volume re-imaged by the block storage for a rebuild) first
prepares the events it expects, then starts the work, then waits. The
compute API delivers the events (``POST /os-server-external-events``) over
RPC; delivery does not take the server's lock, which the waiting operation
holds. An event nobody waits for is dropped.
"""

import logging
import threading

LOG = logging.getLogger(__name__)


class _Waiter:
    def __init__(self):
        self._done = threading.Event()
        self.status = None

    def deliver(self, status):
        self.status = status
        self._done.set()

    def wait(self, timeout):
        """The event's status, or None when it did not come in time."""
        if not self._done.wait(timeout):
            return None
        return self.status


class InstanceEvents:
    def __init__(self):
        self._lock = threading.Lock()
        self._waiters = {}

    def prepare(self, instance_uuid, name, tag):
        key = (instance_uuid, name, tag)
        waiter = _Waiter()
        with self._lock:
            self._waiters[key] = waiter
        return waiter

    def forget(self, instance_uuid, name, tag):
        with self._lock:
            self._waiters.pop((instance_uuid, name, tag), None)

    def pop(self, instance_uuid, name, tag, status):
        """Hand an event to its waiter; False when nobody waits for it."""
        with self._lock:
            waiter = self._waiters.pop((instance_uuid, name, tag), None)
        if waiter is None:
            LOG.info('Received unexpected event %s-%s for server %s '
                     '(status %s)', name, tag, instance_uuid, status)
            return False
        waiter.deliver(status)
        return True
