"""nova_lite: an OpenStack-compatible compute API built for volume multi-attach."""

import importlib.util
import sys


def _select_threading_backend():
    """Whether nothing needs eventlet any more."""
    # Libraries built on oslo.service (oslo.messaging among them) default to
    # its eventlet backend; nova_lite runs on native threads only.
    if importlib.util.find_spec('oslo_service') is None:
        return True  # pragma: no cover - oslo.service not installed
    try:
        from oslo_service import backend
    except ImportError:  # pragma: no cover - an oslo.service before 4.2
        return False
    hook = getattr(backend, 'register_backend_default_hook', None)
    if hook is None:  # pragma: no cover
        return False
    hook(lambda: backend.BackendType.THREADING)
    return True


class _NoEventlet:
    """Libraries nova_lite uses import eventlet whenever it is installed,
    although nothing here asks them for green threads (futurist, which
    oslo.service's threading backend imports, to offer green executors).
    That costs a tenth of a second, an EventletDeprecationWarning and,
    through eventlet's DNS support, dnspython's
    CryptographyDeprecationWarnings at every start. Those libraries treat
    eventlet as optional: for them it is not installed."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == 'eventlet' or name.startswith('eventlet.'):
            raise ModuleNotFoundError(
                'nova_lite runs on native threads; eventlet is not used',
                name=name)
        return None


def _keep_eventlet_out():
    if 'eventlet' not in sys.modules and \
            not any(isinstance(f, _NoEventlet) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoEventlet())


if _select_threading_backend():
    _keep_eventlet_out()
