"""OpenAPI 3.1 documents of the compute API and the built-in block storage.

The request body and query schemas are the very objects the API validates
requests with: the ones each controller method recorded through
``nova_lite.web.validation`` (``_request_body_schemas``,
``_query_schemas``), picked for one microversion. The response schemas are
those of ``nova_lite.api.schemas.responses``, which tests hold against real
responses. One document describes one microversion; ``ranges()`` groups
the microversions whose documents are identical.

``nova-lite-manage api openapi`` writes them.
"""

import copy

from nova_lite.api.schemas import responses as r

OPENAPI_VERSION = '3.1.0'
JSON = 'application/json'


class Route:
    """One operation: method, path, the controller method that serves it
    (its recorded schemas are used), the success status and the response
    schema for a microversion (a function, or None for an empty body)."""

    def __init__(self, method, path, handler, status, response,
                 operation_id, body_schemas=None, min_version=None,
                 max_version=None):
        self.method = method
        self.path = path
        self.handler = handler
        self.status = status
        self.response = response
        self.operation_id = operation_id
        self._body_schemas = body_schemas
        self.min_version = min_version
        self.max_version = max_version

    def body_schemas(self):
        if self._body_schemas is not None:
            return self._body_schemas()
        return getattr(self.handler, '_request_body_schemas', [])

    def query_schemas(self):
        return getattr(self.handler, '_query_schemas', [])


def query_parameters(query_schemas):
    params = {}
    for schema in query_schemas:
        for name, prop in sorted(schema.get('properties', {}).items()):
            # Query parameters repeat: the API validates them as lists.
            params.setdefault(name, {
                'name': name, 'in': 'query', 'required': False,
                'style': 'form', 'explode': True,
                'schema': copy.deepcopy(prop),
            })
    return [params[name] for name in sorted(params)]


def path_parameters(path):
    names = [part[1:-1] for part in path.split('/')
             if part.startswith('{') and part.endswith('}')]
    return [{'name': name, 'in': 'path', 'required': True,
             'schema': {'type': 'string', 'minLength': 1}}
            for name in names]


def body(schemas):
    if not schemas:
        return None
    schema = schemas[0] if len(schemas) == 1 else {
        'oneOf': [copy.deepcopy(s) for s in schemas]}
    return {'required': True,
            'content': {JSON: {'schema': copy.deepcopy(schema)}}}


def responses(status, response_schema, version, service):
    out = {}
    for code in (status if isinstance(status, tuple) else (status,)):
        ok = {'description': 'Success'}
        if response_schema is not None and code != 204:
            schema = response_schema(version) if callable(
                response_schema) else copy.deepcopy(response_schema)
            if schema is not None:
                ok['content'] = {JSON: {'schema': schema}}
        out[str(code)] = ok
    out['4XX'] = {'description': '%s fault: a JSON object with one key, '
                                 'the fault name, holding code and message'
                                 % service,
                  'content': {JSON: {'schema': copy.deepcopy(r.fault)}}}
    return out


def version_header(service, version):
    return {'name': 'OpenStack-API-Version', 'in': 'header',
            'required': True,
            'schema': {'type': 'string',
                       'enum': ['%s %s' % (service, version)]}}


def document(title, service, version, server_url, operations):
    return {
        'openapi': OPENAPI_VERSION,
        'info': {'title': title, 'version': str(version),
                 'description': 'Microversion %s %s.' % (service, version)},
        'servers': [{'url': server_url}],
        'components': {'securitySchemes': {'token': {
            'type': 'apiKey', 'in': 'header', 'name': 'X-Auth-Token'}}},
        'security': [{'token': []}],
        'paths': operations,
    }


def ranges(versions, builder):
    """``[(first, last, document)]``: ``versions`` grouped by identical
    documents (``builder(version)``), in order."""
    out = []
    for version in versions:
        doc = builder(version)
        comparable = without_version(doc)
        if out and out[-1][3] == comparable:
            out[-1][1] = version
        else:
            out.append([version, version, doc, comparable])
    return [(first, last, doc) for first, last, doc, _c in out]


def without_version(doc):
    doc = copy.deepcopy(doc)
    doc['info'].pop('version')
    doc['info'].pop('description')
    for ops in doc['paths'].values():
        for op in ops.values():
            op['parameters'] = [p for p in op['parameters']
                                if p['name'] != 'OpenStack-API-Version']
    return doc
