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

from nova_lite.web import faults
from nova_lite import exception
from nova_lite import serialization


def _json_response(status, body, headers=None):
    if body is not None:
        data = serialization.dump_as_bytes(body)
        # The header list as webob would build it from content_type,
        # charset and body, without parsing it back on every setter.
        resp = webob.Response(body=data, status=status, charset=None,
                              headerlist=[(
                                  'Content-Type',
                                  'application/json; charset=UTF-8'), (
                                  'Content-Length', str(len(data)))])
    else:
        resp = webob.Response(status=status)
        resp.content_type = None
        resp.body = b''
        if resp.status_int == 200:
            # A 200 without a body (nova's evacuate): pecan would make it
            # a 204 unless the body is an iterator it must peek into.
            resp.app_iter = (chunk for chunk in (b'',))
            resp.content_length = 0
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


class Result:
    """A body with a status code and extra headers."""

    def __init__(self, body, status=200, headers=None):
        self.body = body
        self.status = status
        self.headers = headers or {}


class _Fits:
    """A quick test that arguments bind to a signature: True only where
    binding surely succeeds (enough positional arguments, not too many, no
    keyword naming one of them); anything else is left to
    ``signature.bind``. (An object, not a closure: pecan looks through the
    functions a controller's closure holds for the controller itself.)"""

    def __init__(self, signature):
        P = inspect.Parameter
        params = list(signature.parameters.values())
        positional = [p for p in params if p.kind in
                      (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]
        self.never = any(p.kind == P.KEYWORD_ONLY and p.default is P.empty
                         for p in params)
        self.required = sum(1 for p in positional if p.default is P.empty)
        self.most = None if any(p.kind == P.VAR_POSITIONAL
                                for p in params) else len(positional)
        self.names = [p.name for p in positional]
        self.any_keywords = any(p.kind == P.VAR_KEYWORD for p in params)

    def __call__(self, args, kwargs):
        count = len(args)
        if self.never or count < self.required or \
                (self.most is not None and count > self.most):
            return False
        if kwargs:
            if not self.any_keywords:
                return False
            for name in self.names[:count]:
                if name in kwargs:
                    return False
        return True


def expose(status=200, method=None):
    """Expose a controller method returning a JSON body (or a Result)."""
    def decorator(func):
        signature = inspect.signature(func)
        fits = _Fits(signature)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            # No named "self" here: pecan then reads the argument names of
            # ``func`` itself when it routes positional URL segments.
            if not fits(args, kwargs):
                try:
                    signature.bind(*args, **kwargs)
                except TypeError:
                    # A URL without every id the method needs, such as
                    # DELETE on a collection: no route, as nova answers.
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
