"""/os-assisted-volume-snapshots: a block storage whose volumes are files
asks for a snapshot of one while a server uses it (see
:mod:`nova_lite.compute.assisted_snapshots`).

Every refusal is a 400, as nova answers (a server not ready or busy
included); a delete without ``delete_info`` naming the volume is a 400 too.
"""

import pecan
import webob.exc

from oslo_serialization import jsonutils

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api.schemas import assisted_volume_snapshots as schemas
from nova_lite.compute import assisted_snapshots
from nova_lite import exception
from nova_lite.policies import assisted_volume_snapshots as policies

_REFUSED = (exception.VolumeBDMNotFound, exception.VolumeBDMIsMultiAttach,
            exception.InvalidVolume, exception.InstanceInvalidState,
            exception.InstanceNotReady)


class AssistedVolumeSnapshotsController(common.RestController):

    @expose()
    @common.with_schemas(schemas.CREATE_SCHEMAS)
    def post(self, **kwargs):
        ctx = common.context()
        ctx.can(policies.POLICY_ROOT % 'create', target={})
        snapshot = kwargs['body']['snapshot']
        try:
            return assisted_snapshots.create(
                ctx, common.compute_api().compute, snapshot['volume_id'],
                snapshot['create_info'])
        except _REFUSED as error:
            raise webob.exc.HTTPBadRequest(
                explanation=error.format_message())

    @expose(status=204)
    @common.with_schemas(schemas.DELETE_QUERY_SCHEMAS, query=True)
    def delete(self, snapshot_id, **kwargs):
        ctx = common.context()
        ctx.can(policies.POLICY_ROOT % 'delete', target={})
        try:
            delete_info = jsonutils.loads(
                pecan.request.GET['delete_info'])
            volume_id = delete_info['volume_id']
        except KeyError as error:
            # As nova: the text of the KeyError, the missing key quoted.
            raise webob.exc.HTTPBadRequest(explanation=str(error))
        except (ValueError, TypeError) as error:
            raise webob.exc.HTTPBadRequest(explanation=str(error))
        try:
            assisted_snapshots.delete(
                ctx, common.compute_api().compute, volume_id, snapshot_id,
                delete_info)
        except _REFUSED as error:
            raise webob.exc.HTTPBadRequest(
                explanation=error.format_message())
