"""The compute API's schema decorators, one per microversion range::

    @validation.schema(create_v20, '2.1', '2.18')
    @validation.schema(create_v219, '2.19')
    def post(self, body=None, **kwargs): ...

The decorator whose range holds the request's version validates; the parsed
body reaches the method as ``body``. Decorated functions record their
schemas in ``_request_body_schemas`` / ``_query_schemas`` for guard tests.
"""

import functools

import pecan

from nova_lite.api import microversion
from nova_lite.web.validation import strip_unknown
from nova_lite.web.validation import get_query_params
from nova_lite.web.validation import request_body
from nova_lite.web.validation import validate


def _in_range(req, min_version, max_version):
    minimum = min_version or microversion.MIN_VERSION
    return microversion.is_supported(req, minimum, max_version)


def schema(request_body_schema, min_version=None, max_version=None):
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            req = pecan.request
            if _in_range(req, min_version, max_version):
                body = request_body(req)
                validate(request_body_schema, body, is_body=True)
                kwargs['body'] = body
            return func(*args, **kwargs)
        wrapper._request_body_schemas = getattr(
            func, '_request_body_schemas', []) + [
            (min_version, max_version, request_body_schema)]
        wrapper._query_schemas = getattr(func, '_query_schemas', [])
        return wrapper
    return decorator


def query_schema(query_params_schema, min_version=None, max_version=None):
    # No query string passes a schema that requires nothing: nothing to
    # validate or strip then.
    empty_passes = not query_params_schema.get('required') and \
        not query_params_schema.get('minProperties')

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            req = pecan.request
            if empty_passes and not req.environ.get('QUERY_STRING') and \
                    _in_range(req, min_version, max_version):
                for key in list(kwargs):
                    if key != 'body':
                        kwargs.pop(key)
            elif _in_range(req, min_version, max_version):
                validate(query_params_schema, get_query_params(req),
                         is_body=False)
                if query_params_schema.get('additionalProperties', False):
                    strip_unknown(query_params_schema, req)
                for key in list(kwargs):
                    if key not in req.GET and key != 'body':
                        kwargs.pop(key)
            return func(*args, **kwargs)
        wrapper._query_schemas = getattr(func, '_query_schemas', []) + [
            (min_version, max_version, query_params_schema)]
        wrapper._request_body_schemas = getattr(
            func, '_request_body_schemas', [])
        return wrapper
    return decorator
