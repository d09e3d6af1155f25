"""JSON expose wrapper for controller methods.

A method returns its body (a dict, or None) and may set the status with
``status=``; domain errors become nova fault responses here, so nothing
reaches pecan's own error pages.
"""

import functools
import inspect

import pecan
import webob
import webob.exc

from nova_lite.api import faults
from nova_lite import exception
from nova_lite import serialization


def _json_response(status, body, headers=None):
    resp = webob.Response(status=status)
    if body is not None:
        resp.content_type = 'application/json'
        resp.charset = 'UTF-8'
        resp.body = serialization.dump_as_bytes(body)
    else:
        resp.content_type = None
        resp.body = b''
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


class Result:
    """A body with a status code and extra headers."""

    def __init__(self, body, status=200, headers=None):
        self.body = body
        self.status = status
        self.headers = headers or {}


def expose(status=200, method=None):
    """Expose a controller method returning a JSON body (or a Result)."""
    def decorator(func):
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            # No named "self" here: pecan then reads the argument names of
            # ``func`` itself when it routes positional URL segments.
            try:
                signature.bind(*args, **kwargs)
            except TypeError:
                # A URL without every id the method needs, such as DELETE
                # on a collection: no route, as nova answers.
                return faults.fault_response(
                    404, 'The resource could not be found.')
            try:
                result = func(*args, **kwargs)
            except (exception.NovaLiteException,
                    webob.exc.HTTPException) as error:
                return faults.exception_to_response(error)
            if isinstance(result, webob.Response):
                return result
            if isinstance(result, Result):
                return _json_response(result.status, result.body,
                                      result.headers)
            return _json_response(status, result)
        kwargs = {}
        if method is not None:
            kwargs['method'] = method
        return pecan.expose(**kwargs)(wrapper)
    return decorator
