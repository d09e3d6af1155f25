"""Policy defaults in code, one module per resource."""

import itertools

from nova_lite.policies import base
from nova_lite.policies import flavors
from nova_lite.policies import servers
from nova_lite.policies import services
from nova_lite.policies import volume_attachments


def list_rules():
    """Every rule (the ``oslo.policy.policies`` entry point)."""
    return list(itertools.chain(
        base.list_rules(),
        servers.list_rules(),
        flavors.list_rules(),
        services.list_rules(),
        volume_attachments.list_rules(),
    ))
