"""nova_lite: an OpenStack-compatible compute API built for volume multi-attach."""

import sys


class _NoEventlet:
    """nova_lite runs on native threads only, but libraries it uses
    import eventlet whenever it is installed (futurist, which
    oslo.messaging's threading backend imports, to offer green executors
    nobody here asks for). Importing it costs a tenth of a second, an
    EventletDeprecationWarning and, through its DNS support, dnspython's
    CryptographyDeprecationWarnings; those libraries all treat eventlet
    as optional, so for them it is not installed."""

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


def _select_threading_backend():
    # Libraries built on oslo.service (oslo.messaging among them) default to
    # its eventlet backend; nova_lite runs on native threads only.
    try:
        from oslo_service import backend
    except ImportError:  # pragma: no cover - oslo.service not installed
        return
    hook = getattr(backend, 'register_backend_default_hook', None)
    if hook is not None:
        hook(lambda: backend.BackendType.THREADING)


_keep_eventlet_out()
_select_threading_backend()
