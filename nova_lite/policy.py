"""The policy enforcer: rules from code, overrides from a policy file."""

from oslo_policy import opts as policy_opts
from oslo_policy import policy as oslo_policy

from nova_lite import exception
from nova_lite import policies


class Enforcer:
    """What ``RequestContext.can()`` calls."""

    def __init__(self, conf):
        self.conf = conf
        self._enforcer = oslo_policy.Enforcer(conf, use_conf=True)
        self._enforcer.register_defaults(policies.list_rules())
        self._enforcer.load_rules()

    @property
    def oslo_enforcer(self):
        return self._enforcer

    def authorize(self, context, action, target, fatal=True):
        credentials = context.to_policy_values()
        try:
            allowed = self._enforcer.authorize(
                action, target, credentials, do_raise=fatal,
                exc=exception.PolicyNotAuthorized, action=action)
        except oslo_policy.PolicyNotRegistered:
            raise
        except oslo_policy.InvalidScope:
            if fatal:
                raise exception.PolicyNotAuthorized(action=action)
            return False
        return allowed


def init(conf):
    """An Enforcer for ``conf``; scope and new defaults enforced."""
    policy_opts.set_defaults(conf, enforce_scope=True,
                             enforce_new_defaults=True)
    return Enforcer(conf)


def get_enforcer():
    """For oslopolicy-checker and friends (``oslo.policy.enforcer``)."""
    from nova_lite import conf as nl_conf

    conf = nl_conf.new_conf()
    policy_opts.set_defaults(conf)
    conf([], project='nova-lite')
    return init(conf).oslo_enforcer
