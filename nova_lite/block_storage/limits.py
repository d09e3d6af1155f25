"""GET /v3/{project_id}/limits: the project's block storage limits.

The built-in block storage enforces no quotas: every maximum is -1
(unlimited). The used values, shown to whoever ``limits_extension:
used_limits`` allows, count the project's volumes and snapshots and
their gigabytes, as Cinder counts them (there are no backups).
"""

from nova_lite.block_storage import snapshots
from nova_lite.policies import block_storage as policy

MAX_KEYS = ('maxTotalVolumes', 'maxTotalSnapshots', 'maxTotalVolumeGigabytes',
            'maxTotalBackups', 'maxTotalBackupGigabytes')


def show_limits(req, api_req):
    store = req.environ['nova_lite.block_storage']
    ctx = api_req.ctx
    absolute = {key: -1 for key in MAX_KEYS}
    if ctx.can(policy.USED_LIMITS, {'project_id': ctx.project_id,
                                    'user_id': ctx.user_id}, fatal=False):
        volumes, count = store.list_volumes(ctx)
        snapshot_count, snapshot_gb = snapshots.project_usage(store, ctx)
        absolute.update({
            'totalVolumesUsed': count,
            'totalGigabytesUsed': sum(v.size or 0 for v in volumes) +
            snapshot_gb,
            'totalSnapshotsUsed': snapshot_count,
            'totalBackupsUsed': 0,
            'totalBackupGigabytesUsed': 0,
        })
    return 200, {'limits': {'rate': [], 'absolute': absolute}}
