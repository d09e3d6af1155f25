"""Policy defaults in code, one module per resource (personas in base)."""

import itertools

from nova_lite.policies import admin_views
from nova_lite.policies import aggregates
from nova_lite.policies import assisted_volume_snapshots
from nova_lite.policies import availability_zone
from nova_lite.policies import base
from nova_lite.policies import block_storage
from nova_lite.policies import block_storage_snapshots
from nova_lite.policies import flavors
from nova_lite.policies import instance_actions
from nova_lite.policies import ips
from nova_lite.policies import keypairs
from nova_lite.policies import limits
from nova_lite.policies import proxies
from nova_lite.policies import quota_sets
from nova_lite.policies import server_metadata
from nova_lite.policies import server_moves
from nova_lite.policies import server_tags
from nova_lite.policies import server_groups
from nova_lite.policies import server_actions
from nova_lite.policies import server_external_events
from nova_lite.policies import servers
from nova_lite.policies import services
from nova_lite.policies import volume_attachments


def list_rules():
    """Every default rule; target of the ``oslo.policy.policies`` entry
    point, so ``oslopolicy-sample-generator --namespace nova_lite`` works."""
    return list(itertools.chain(
        base.list_rules(),
        servers.list_rules(),
        server_actions.list_rules(),
        flavors.list_rules(),
        ips.list_rules(),
        services.list_rules(),
        volume_attachments.list_rules(),
        block_storage.list_rules(),
        block_storage_snapshots.list_rules(),
        keypairs.list_rules(),
        limits.list_rules(),
        quota_sets.list_rules(),
        server_metadata.list_rules(),
        server_tags.list_rules(),
        instance_actions.list_rules(),
        admin_views.list_rules(),
        server_groups.list_rules(),
        aggregates.list_rules(),
        availability_zone.list_rules(),
        proxies.list_rules(),
        server_external_events.list_rules(),
        assisted_volume_snapshots.list_rules(),
        server_moves.list_rules(),
    ))
