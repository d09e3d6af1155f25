"""/os-aggregates: list, create, show, update, delete and the add_host,
remove_host and set_metadata actions (administrators)."""

import pecan
import webob
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.schemas import aggregates as schemas
from nova_lite.api import validation
from nova_lite.compute import aggregates as aggregate_api
from nova_lite import exception
from nova_lite.objects import aggregate as aggregate_obj

POLICY = 'os_compute_api:os-aggregates:%s'
# Larger ids than the id column holds are simply not found.
_MAX_ID = 2 ** 31 - 1


def _time(when):
    return when.strftime('%Y-%m-%dT%H:%M:%S.%f') if when else None


def _view(req, aggregate, with_members=True):
    body = {
        'availability_zone': aggregate.availability_zone,
        'created_at': _time(aggregate.created_at),
        'deleted': False,
        'deleted_at': None,
        'id': aggregate.id,
        'name': aggregate.name,
        'updated_at': _time(aggregate.updated_at),
    }
    if with_members:
        body['hosts'] = list(aggregate.hosts)
        body['metadata'] = dict(aggregate.metadata)
    if microversion.is_supported(req, '2.41'):
        body['uuid'] = aggregate.uuid
    return {'aggregate': body}


def _aggregate_id(value):
    """nova's integer check of the id in the URL (400), as an int."""
    try:
        return int(str(value))
    except (ValueError, UnicodeEncodeError):
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid input received: id must be an integer')


def _no_body():
    yield b''


def _empty_200():
    """200 with an empty body (pecan would turn a plain one into 204)."""
    resp = webob.Response(status=200)
    resp.content_type = None
    resp.app_iter = _no_body()
    resp.headers['Content-Length'] = '0'
    return resp


def _normalize(name):
    return name.strip() if name is not None else None


def _lookup(aggregate_id):
    if not -_MAX_ID <= aggregate_id <= _MAX_ID:
        raise common.not_found(exception.AggregateNotFound(
            aggregate_id=aggregate_id))
    return aggregate_id


_ACTIONS = {}


def action(name):
    """Register an aggregate action: its body validated, then its policy
    checked (as nova orders them)."""
    def decorator(func):
        def checked(self, aggregate_id, body=None):
            common.context().can(POLICY % name, target={})
            return func(self, _aggregate_id(aggregate_id), body=body)
        checked.__name__ = func.__name__
        for min_v, max_v, schema in schemas.ACTION_SCHEMAS[name]:
            checked = validation.schema(schema, min_v, max_v)(checked)
        _ACTIONS[name] = checked
        return checked
    return decorator


class AggregateActionsController(common.RestController):
    """POST /os-aggregates/{id}/action."""

    @expose()
    def post(self, aggregate_id, **kwargs):
        body = validation.request_body(pecan.request)
        if not isinstance(body, dict) or len(body) != 1:
            raise webob.exc.HTTPBadRequest(
                explanation='Malformed request body')
        name = next(iter(body))
        handler = _ACTIONS.get(name)
        if handler is None:
            raise webob.exc.HTTPBadRequest(
                explanation='There is no such action: %s' % name)
        return handler(self, aggregate_id)

    @action('add_host')
    def _add_host(self, aggregate_id, body=None):
        host = body['add_host']['host']
        try:
            aggregate = aggregate_api.add_host(
                common.context(), _lookup(aggregate_id), host)
        except (exception.AggregateNotFound,
                exception.ComputeHostNotFound) as error:
            raise common.not_found(error)
        except (exception.AggregateHostExists,
                exception.InvalidAggregateAction) as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message())
        return _view(pecan.request, aggregate)

    @action('remove_host')
    def _remove_host(self, aggregate_id, body=None):
        host = body['remove_host']['host']
        try:
            aggregate = aggregate_api.remove_host(
                common.context(), _lookup(aggregate_id), host)
        except (exception.AggregateNotFound,
                exception.AggregateHostNotFound,
                exception.ComputeHostNotFound, webob.exc.HTTPNotFound):
            raise webob.exc.HTTPNotFound(
                explanation='Cannot remove host %s in aggregate %s'
                % (host, aggregate_id))
        except exception.InvalidAggregateAction as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message())
        return _view(pecan.request, aggregate)

    @action('set_metadata')
    def _set_metadata(self, aggregate_id, body=None):
        metadata = body['set_metadata']['metadata']
        try:
            aggregate = aggregate_api.set_metadata(
                common.context(), _lookup(aggregate_id), metadata)
        except exception.AggregateNotFound as error:
            raise common.not_found(error)
        except exception.InvalidAggregateAction as error:
            raise common.bad_request(error)
        return _view(pecan.request, aggregate)


class AggregatesController(common.RestController):

    action = AggregateActionsController()

    @expose()
    @common.with_schemas(schemas.QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        ctx = common.context()
        ctx.can(POLICY % 'index', target={})
        return {'aggregates': [
            _view(pecan.request, a)['aggregate']
            for a in aggregate_obj.get_all(ctx)]}

    @expose()
    @common.with_schemas(schemas.CREATE_SCHEMAS)
    def post(self, **kwargs):
        ctx = common.context()
        ctx.can(POLICY % 'create', target={})
        values = kwargs['body']['aggregate']
        name = _normalize(values['name'])
        zone = _normalize(values.get('availability_zone'))
        try:
            aggregate = aggregate_api.create(ctx, name, zone)
        except exception.AggregateNameExists as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message())
        except exception.InvalidAggregateAction as error:
            raise common.bad_request(error)
        return _view(pecan.request, aggregate, with_members=False)

    @expose()
    @common.with_schemas(schemas.QUERY_SCHEMAS, query=True)
    def get_one(self, aggregate_id, **kwargs):
        ctx = common.context()
        ctx.can(POLICY % 'show', target={})
        aggregate_id = _lookup(_aggregate_id(aggregate_id))
        try:
            aggregate = aggregate_obj.get_by_id(ctx, aggregate_id)
        except exception.AggregateNotFound as error:
            raise common.not_found(error)
        return _view(pecan.request, aggregate)

    @expose()
    @common.with_schemas(schemas.UPDATE_SCHEMAS)
    def put(self, aggregate_id, **kwargs):
        ctx = common.context()
        ctx.can(POLICY % 'update', target={})
        values = dict(kwargs['body']['aggregate'])
        if 'name' in values:
            values['name'] = _normalize(values['name'])
        aggregate_id = _lookup(_aggregate_id(aggregate_id))
        try:
            aggregate = aggregate_api.update(ctx, aggregate_id, values)
        except exception.AggregateNameExists as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message())
        except exception.AggregateNotFound as error:
            raise common.not_found(error)
        except exception.InvalidAggregateAction as error:
            raise common.bad_request(error)
        return _view(pecan.request, aggregate)

    @expose()
    def delete(self, aggregate_id, **kwargs):
        ctx = common.context()
        ctx.can(POLICY % 'delete', target={})
        aggregate_id = _lookup(_aggregate_id(aggregate_id))
        try:
            aggregate_api.delete(ctx, aggregate_id)
        except exception.AggregateNotFound as error:
            raise common.not_found(error)
        except exception.InvalidAggregateAction as error:
            raise common.bad_request(error)
        return _empty_200()
