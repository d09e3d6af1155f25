"""The OpenAPI documents of the built-in block storage (Cinder v3), one
per microversion."""

from nova_lite.block_storage import actions as ba
from nova_lite.block_storage import app as bs_app
from nova_lite.block_storage import controllers as c
from nova_lite.block_storage import limits
from nova_lite.block_storage import metadata as bm
from nova_lite.block_storage import response_schemas as br
from nova_lite.block_storage import schemas as bs
from nova_lite.block_storage import snapshots
from nova_lite import openapi
from nova_lite.web.version import APIVersion


def _simple_action(name):
    return {'type': 'object',
            'properties': {name: {'type': ['object', 'null']}},
            'required': [name], 'additionalProperties': False}


def _block_storage_routes():
    """(method, path, status, response schema, body schemas, first
    version) of every route of the block storage's router."""
    actions = [bs.set_bootable, bs.extend, bs.reset_status, bs.reimage,
               ba.retype, ba.show_image_metadata, ba.set_image_metadata,
               ba.unset_image_metadata] + [
        _simple_action(name) for name in (
            'os-reserve', 'os-unreserve', 'os-begin_detaching',
            'os-roll_detaching', 'os-force_delete')]
    table = {
        c.list_volumes: (200, br.volumes_index, None, None),
        c.list_volumes_detail: (200, br.volumes_detail, None, None),
        c.create_volume: (202, br.volume_show, bs.create_volume, None),
        c.show_volume: (200, br.volume_show, None, None),
        c.update_volume: (200, br.volume_show, bs.update_volume, None),
        c.delete_volume: (202, None, None, None),
        c.volume_action: ((200, 202), None, {'anyOf': actions}, None),
        c.list_types: (200, br.volume_types_index, None, None),
        c.create_type: (200, br.volume_type_show, bs.create_type, None),
        c.show_type: (200, br.volume_type_show, None, None),
        c.update_type: (200, br.volume_type_show, bs.update_type, None),
        c.delete_type: (202, None, None, None),
        c.list_extra_specs: (200, br.extra_specs_show, None, None),
        c.create_extra_specs: (200, br.extra_specs_show,
                               bs.set_extra_specs, None),
        c.show_extra_spec: (200, br.extra_spec_key, None, None),
        c.update_extra_spec: (200, br.extra_spec_key, bs.set_extra_specs[
            'properties']['extra_specs'], None),
        c.delete_extra_spec: (202, None, None, None),
        c.list_attachments: (200, br.attachments_index, None, '3.27'),
        c.list_attachments_detail: (200, br.attachments_detail, None,
                                    '3.27'),
        c.create_attachment: (200, br.attachment_show,
                              bs.create_attachment, '3.27'),
        c.show_attachment: (200, br.attachment_show, None, '3.27'),
        c.update_attachment: (200, br.attachment_show,
                              bs.update_attachment, '3.27'),
        c.delete_attachment: (200, br.attachments_index, None, '3.27'),
        c.attachment_action: (204, None, bs.complete_attachment, '3.44'),
        limits.show_limits: (200, br.limits_show, None, None),
        snapshots.list_snapshots: (200, br.snapshots_index, None, None),
        snapshots.list_snapshots_detail: (200, br.snapshots_index, None,
                                          None),
        snapshots.create: (202, br.snapshot_show,
                           snapshots.create_snapshot, None),
        snapshots.show: (200, br.snapshot_show, None, None),
        snapshots.update: (200, br.snapshot_show, snapshots.update_snapshot,
                           None),
        snapshots.delete: (202, None, None, None),
        snapshots.action: (202, None, {'anyOf': [
            snapshots.reset_status, snapshots.update_status,
            snapshots.force_delete]}, None),
        ba.type_action: (202, None, {'anyOf': [
            ba.add_project_access, ba.remove_project_access]}, None),
        ba.list_type_access: (200, br.type_access_index, None, None),
    }
    for handlers in (bm.volume_handlers, bm.snapshot_handlers):
        table.update({
            handlers['index']: (200, br.metadata_show, None, None),
            handlers['create']: (200, br.metadata_show, bm.set_metadata,
                                 None),
            handlers['update_all']: (200, br.metadata_show,
                                     bm.set_metadata, None),
            handlers['show']: (200, br.meta_show, None, None),
            handlers['update']: (200, br.meta_show, bm.set_item, None),
            handlers['delete']: (200, None, None, None),
        })
    volume_query = c.LIST_PARAMS + c.VOLUME_FILTERS
    queries = {
        c.list_volumes: volume_query, c.list_volumes_detail: volume_query,
        c.list_types: ('is_public',),
        c.delete_volume: ('force', 'cascade'),
        c.list_attachments: c.LIST_PARAMS + tuple(c.ATTACHMENT_FILTERS),
        c.list_attachments_detail: c.LIST_PARAMS + tuple(
            c.ATTACHMENT_FILTERS),
        snapshots.list_snapshots: snapshots.LIST_PARAMS + snapshots.FILTERS,
        snapshots.list_snapshots_detail: snapshots.LIST_PARAMS +
        snapshots.FILTERS,
    }
    return [(method, path) + table[handler] + (queries.get(handler, ()),)
            for method, path, handler in bs_app.ROUTES]


def build(version='3.71', server_url='/v3'):
    """The OpenAPI document of the built-in block storage at ``version``
    (body schemas: the ones its controllers validate with; the simple
    volume actions, which take no arguments, are described here; query
    parameters, which the controllers parse themselves, as strings)."""
    paths = {}
    for method, path, status, response, body, first, query in \
            _block_storage_routes():
        if first and not APIVersion(version).matches(first):
            continue
        op = {
            'operationId': '%s %s' % (method, path),
            'parameters': (openapi.path_parameters(path) +
                           [{'name': name, 'in': 'query', 'required': False,
                             'schema': {'type': 'string'}}
                            for name in sorted(set(query))] +
                           [openapi.version_header('volume', version)]),
            'responses': openapi.responses(status, response, version,
                                           'Block storage'),
        }
        if body is not None:
            op['requestBody'] = openapi.body([body])
        paths.setdefault(path, {})[method.lower()] = op
    return openapi.document('nova_lite block storage API (Cinder v3)',
                            'volume', version, server_url, paths)


VERSIONS = ['3.%d' % minor for minor in range(0, 72)]


def ranges():
    """``[(first, last, document)]``: the block storage's microversions
    grouped by identical documents, in order."""
    return openapi.ranges(VERSIONS, build)
