"""Entry points for oslo-config-generator."""

import collections

from nova_lite import conf as nl_conf


def list_opts():
    groups = collections.OrderedDict()
    for module in nl_conf._MODULES:
        for group, opts in module.list_opts().items():
            groups.setdefault(group, []).extend(opts)
    return [(group, opts) for group, opts in groups.items()]
