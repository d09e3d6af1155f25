"""nova_lite: an OpenStack-compatible compute API built for volume multi-attach."""


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


_select_threading_backend()
