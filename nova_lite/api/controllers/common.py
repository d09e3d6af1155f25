"""Helpers shared by controllers: request access, paging, state errors."""

import functools

import pecan
from pecan import rest
import pecan.util
import webob.exc

from nova_lite.api import microversion
from nova_lite.api import validation
from nova_lite import exception


class RestController(rest.RestController):
    """pecan's RestController, with the argument names of each controller
    method worked out once: pecan works them out three times per request
    (its argument spec looked up, the request's path computed each time),
    for names that only change with the code."""

    _ARGS = {}

    def _get_args_for_controller(self, controller):
        func = getattr(controller, '__func__', controller)
        args = self._ARGS.get(func)
        if args is None:
            args = tuple(super()._get_args_for_controller(controller))
            self._ARGS[func] = args
        return args

    @pecan.expose()
    def _route(self, args, request=None):
        """``GET`` of one member (``.../{id}`` as the last segment) goes
        straight to ``get_one``, where pecan's routing would come to the
        same answer after looking for sub-controllers, custom actions and
        ``new``/``edit``/``delete`` pages and reading ``get_one``'s
        argument names (again). Anything else is routed by pecan."""
        if request is not None and len(args) == 1 and \
                request.method == 'GET':
            fast = self._get_one_route(args[0], request)
            if fast is not None:
                return fast
        return super()._route(args, request)

    def _get_one_route(self, segment, request):
        if not segment or segment in _GET_PAGES or \
                '_method' in request.environ.get('QUERY_STRING', '') or \
                segment in self._custom_actions or hasattr(self, segment):
            return None
        get_one = getattr(self, 'get_one', None)
        if get_one is None or not pecan.util.iscontroller(get_one):
            return None
        # get_one takes the ids of the parents' routing and this one.
        routing = request.pecan.get('routing_args', ())
        if len(self._get_args_for_controller(get_one)) != len(routing) + 1:
            return None
        return get_one, [segment]


# The pages pecan routes GET .../new, .../edit and .../delete to.
_GET_PAGES = frozenset(['new', 'edit', 'delete'])


def since(min_version):
    """A method that exists from ``min_version`` on: below it the route
    answers 404 before its body or query is looked at."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if not microversion.is_supported(pecan.request, min_version):
                raise webob.exc.HTTPNotFound(
                    explanation='The resource could not be found.')
            return func(*args, **kwargs)
        wrapper._min_version = min_version
        return wrapper
    return decorator


def with_schemas(entries, query=False):
    """Apply validation decorators for every (min, max, schema) entry."""
    deco = validation.query_schema if query else validation.schema

    def decorator(func):
        for min_v, max_v, schema in entries:
            func = deco(schema, min_v, max_v)(func)
        return func
    return decorator


def context():
    return pecan.request.environ['nova_lite.context']


def conf():
    return pecan.request.environ['nova_lite.conf']


def compute_api():
    return pecan.request.environ['nova_lite.compute_api']


def request():
    return pecan.request


def conflict_for_invalid_state(error, action, server_id):
    """409 with nova's text for an InstanceInvalidState."""
    attr = error.kwargs.get('attr')
    state = error.kwargs.get('state')
    if attr is not None and state is not None:
        msg = ("Cannot '%(action)s' instance %(server_id)s while it is in "
               "%(attr)s %(state)s" % {'action': action, 'attr': attr,
                                       'state': state,
                                       'server_id': server_id})
    else:
        msg = ("Instance %(server_id)s is in an invalid state for "
               "'%(action)s'" % {'action': action, 'server_id': server_id})
    return webob.exc.HTTPConflict(explanation=msg)


def get_limit_and_marker(params, max_limit=None):
    """Nova's limit/marker rules: limit a non-negative int, capped at
    ``max_limit`` (which is also the default) when there is one."""
    limit = params.get('limit')
    marker = params.get('marker')
    if limit is not None:
        try:
            limit = int(limit)
        except ValueError:
            raise webob.exc.HTTPBadRequest(
                explanation='limit param must be an integer')
        if limit < 0:
            raise webob.exc.HTTPBadRequest(
                explanation='limit param must be positive')
        if max_limit is not None:
            limit = min(limit, max_limit)
    else:
        limit = max_limit
    return limit, marker


def last_param(params, name, default=None):
    """Query parameters repeat; nova uses the last value."""
    values = params.getall(name) if hasattr(params, 'getall') else \
        [params[name]] if name in params else []
    return values[-1] if values else default


def not_found(error):
    return webob.exc.HTTPNotFound(explanation=error.format_message())


def bad_request(error):
    msg = error.format_message() if isinstance(
        error, exception.NovaLiteException) else str(error)
    return webob.exc.HTTPBadRequest(explanation=msg)


def as_bool(value):
    """A boolean the schema accepted (true, 'yes', '1', ...)."""
    from oslo_utils import strutils
    return strutils.bool_from_string(value, strict=True)
