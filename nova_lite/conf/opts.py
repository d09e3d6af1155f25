"""Entry points for oslo-config-generator."""

import collections

from nova_lite import conf as nl_conf


def list_opts():
    groups = collections.OrderedDict()
    for module in nl_conf._MODULES:
        for group, opts in module.list_opts().items():
            groups.setdefault(group, []).extend(opts)
    return [(group, opts) for group, opts in groups.items()]


def set_defaults():
    """Library options' defaults as nova_lite sets them (the
    ``oslo.config.opts.defaults`` entry point of oslo-config-generator)."""
    from nova_lite.conf import database
    database.set_library_defaults()
