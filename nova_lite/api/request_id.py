"""Request ids: ``x-openstack-request-id`` plus nova's compat header."""

from oslo_middleware import request_id


class RequestIdMiddleware(request_id.RequestId):
    """oslo.middleware RequestId that also sets ``x-compute-request-id``."""

    compat_headers = ['x-compute-request-id']

    def __init__(self, application, conf=None):
        super().__init__(application, conf)
