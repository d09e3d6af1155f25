"""The policy enforcer: defaults from ``nova_lite.policies``, overrides from
the optional policy file named by ``[oslo_policy] policy_file``.

``init(conf)`` returns one :class:`Enforcer` per configuration object, built
on first use. Contexts carry it as ``context.enforcer``, and
``RequestContext.can()`` calls its :meth:`Enforcer.authorize`.

Scope and new defaults: nova sets neither ``enforce_scope`` nor
``enforce_new_defaults`` itself and relies on oslo.policy's defaults. In the
oslo.policy releases nova_lite uses, scope is always enforced (the option is
gone) and ``enforce_new_defaults`` defaults to True, so nova_lite does not
touch them either; an operator may still set ``enforce_new_defaults = False``
to OR each rule with the legacy rule it replaced.
"""

import logging
import operator
import threading
import time

from oslo_context import context as oslo_context
from oslo_policy import policy as oslo_policy

from nova_lite import exception
from nova_lite import policies

LOG = logging.getLogger(__name__)

_LOCK = threading.Lock()
# The enforcer lives on the ConfigOpts it was built from, so it goes away
# with it (a module-level cache keyed by conf would keep every test's conf
# alive: the enforcer refers to its conf).
_ATTR = '_nova_lite_policy_enforcer'


def credentials(context):
    """The credentials dict oslo.policy checks a context against.

    oslo.context's ``to_policy_values()`` (user_id, project_id, roles,
    system_scope, domain_id, service roles, ...) plus ``is_admin``, which the
    legacy ``is_admin:True`` rules read and oslo.context leaves out.
    """
    creds = dict(context.to_policy_values().items())
    creds['is_admin'] = bool(getattr(context, 'is_admin', False))
    return creds


def default_target(context):
    return {'project_id': context.project_id, 'user_id': context.user_id}


def _policy_value_names():
    """The context attributes oslo.context's ``to_policy_values()`` reads,
    in its order, where each value is the attribute of the same name; None
    when that does not hold for the installed oslo.context."""
    probe = oslo_context.RequestContext(
        user_id='u', user_domain_id='ud', domain_id='d', project_id='p',
        project_domain_id='pd', roles=['r'], is_admin_project=False,
        service_user_id='su', service_user_domain_id='sud',
        service_project_id='sp', service_project_domain_id='spd',
        service_roles=['sr'], system_scope='all')
    values = dict(probe.to_policy_values().items())
    if any(getattr(probe, name, object()) is not value
           for name, value in values.items()):
        return None
    return tuple(values)


_POLICY_VALUE_NAMES = _policy_value_names()
_BASE_TO_POLICY_VALUES = oslo_context.RequestContext.to_policy_values
# Where the values that are lists (roles) are among them.
_LIST_VALUES = tuple(
    index for index, name in enumerate(_POLICY_VALUE_NAMES or ())
    if isinstance(getattr(oslo_context.RequestContext(roles=['r'],
                                                      service_roles=['s']),
                          name, None), list))
# The policy values of a context in one call, ``is_admin`` last.
_POLICY_VALUES = operator.attrgetter(
    *(_POLICY_VALUE_NAMES + ('is_admin',))) \
    if _POLICY_VALUE_NAMES is not None else None


def credentials_key(context):
    """A hashable key equal for two contexts exactly when their
    :func:`credentials` are equal (None when a value cannot be hashed).

    Read straight from the context's attributes where its
    ``to_policy_values()`` is oslo.context's: without building the
    credentials, which a remembered decision does not need."""
    names = _POLICY_VALUE_NAMES
    if names is not None and \
            type(context).to_policy_values is _BASE_TO_POLICY_VALUES:
        try:
            values = list(_POLICY_VALUES(context))
        except AttributeError:
            values = [getattr(context, name, None)
                      for name in names + ('is_admin',)]
        # Roles are lists: the key holds them as tuples (a list anywhere
        # else makes the key unhashable: no remembered decision).
        for index in _LIST_VALUES:
            if isinstance(values[index], list):
                values[index] = tuple(values[index])
        values[-1] = bool(values[-1])
        key = (names, tuple(values))
    else:
        key = tuple(sorted(
            (name, tuple(value) if isinstance(value, list) else value)
            for name, value in credentials(context).items()))
    try:
        hash(key)
    except TypeError:
        return None
    return key


class Enforcer:
    """The enforcer contexts carry; wraps an ``oslo_policy.policy.Enforcer``.
    """

    def __init__(self, conf):
        self.conf = conf
        enforcer = oslo_policy.Enforcer(conf, use_conf=True)
        # As nova: nearly every default changed with the role based rules;
        # one warning per rule would drown the log.
        enforcer.suppress_default_change_warnings = True
        enforcer.register_defaults(policies.list_rules())
        # Fail at start-up, not at the first request, on a broken file.
        enforcer.load_rules()
        self._decisions = _Decisions(enforcer)
        _throttle_reload_checks(enforcer, self._decisions)
        self._enforcer = enforcer

    @property
    def oslo_enforcer(self):
        return self._enforcer

    def authorize(self, context, action, target=None, fatal=True):
        """Check ``action`` for ``context`` against ``target``.

        Returns True when allowed. When denied, raises
        ``PolicyNotAuthorized(action=action)`` if ``fatal``, else returns
        False. A token of the wrong scope (system or domain scoped) counts as
        denied, and raises whatever ``fatal`` says. An unregistered
        ``action`` is a programming error: it is logged and
        ``oslo_policy.policy.PolicyNotRegistered`` propagates whatever
        ``fatal`` says.
        """
        if target is None:
            target = default_target(context)
        decision = self._decided(action, target, context)
        if decision is True:
            return True
        if fatal or decision is _WRONG_SCOPE:
            raise exception.PolicyNotAuthorized(action=action)
        return False

    def _decided(self, action, target, context):
        # As oslo.policy does on every check (throttled): a changed policy
        # file also drops the remembered decisions.
        self._enforcer.load_rules()
        key = self._decisions.key(action, target, context)
        decision = self._decisions.get(key)
        if decision is None:
            generation = self._decisions.generation
            decision = self._decide(action, target, credentials(context))
            self._decisions.put(key, decision, generation)
        return decision

    def _decide(self, action, target, creds):
        try:
            return bool(self._enforcer.authorize(action, target, creds,
                                                 do_raise=False))
        except oslo_policy.PolicyNotRegistered:
            LOG.error('Policy %s is not registered; every action must have '
                      'a default in nova_lite.policies.', action)
            raise
        except oslo_policy.InvalidScope:
            LOG.debug('Policy %s denied: token scope does not match; '
                      'credentials %s', action, creds)
            return _WRONG_SCOPE

    def check_is_admin(self, context):
        """Whether ``context`` passes ``context_is_admin`` (policy file
        overrides included); how nova decides ``is_admin`` for Keystone
        contexts. Remembered as every other decision."""
        return self._decided('context_is_admin', default_target(context),
                             context) is True


# How often the enforcer looks for a changed or new policy file. oslo.policy
# looks on every check (a search through the config directories when there
# is no file), which was a sizeable part of a request's CPU.
RELOAD_CHECK_INTERVAL = 5.0


def _throttle_reload_checks(enforcer, decisions):
    original = enforcer.load_rules
    last = [time.monotonic()]

    def load_rules(force_reload=False):
        now = time.monotonic()
        if force_reload or now - last[0] >= RELOAD_CHECK_INTERVAL:
            last[0] = now
            original(force_reload)
            decisions.reset()
    enforcer.load_rules = load_rules

    # Rules set or registered by hand (tests, oslopolicy tools) count too.
    for name in ('set_rules', 'register_default', 'register_defaults',
                 'clear'):
        _reset_after(enforcer, name, decisions)


def _reset_after(enforcer, name, decisions):
    method = getattr(enforcer, name)

    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        finally:
            decisions.reset()
    setattr(enforcer, name, wrapper)


_WRONG_SCOPE = 'wrong-scope'


class _Decisions:
    """Decisions already taken, per rule, target and credentials.

    oslo.policy's checks are a pure function of the rules, the target and
    the credentials, and evaluating them (every rule it refers to, each
    with an argument inspection) was a sizeable part of a request's CPU.
    The memory is dropped whenever the rules may have changed (the policy
    file check every ``RELOAD_CHECK_INTERVAL`` seconds, rules set or
    registered in code), and is not used at all when a rule asks a remote
    server (``http:`` and ``https:`` checks), whose answer may change.
    """

    MAX_ENTRIES = 4096

    def __init__(self, enforcer):
        self._enforcer = enforcer
        self.generation = 0
        self.reset()

    def reset(self):
        self.generation += 1
        rules = getattr(self._enforcer, 'rules', None) or {}
        self._enabled = not any(
            'http:' in str(rule) or 'https:' in str(rule)
            for rule in list(rules.values()))
        self._memory = {}

    def key(self, action, target, context):
        """The memory's key of a check, or None where it is not used."""
        if not self._enabled:
            return None
        creds = credentials_key(context)
        if creds is None:
            return None
        try:
            key = (action, tuple(sorted(target.items())), creds)
            hash(key)
        except TypeError:
            return None
        return key

    def get(self, key):
        return None if key is None else self._memory.get(key)

    def put(self, key, decision, generation):
        """Remember ``decision`` unless the rules changed since
        ``generation`` (the decision may be from the old rules)."""
        if key is None or generation != self.generation:
            return
        memory = self._memory
        if len(memory) >= self.MAX_ENTRIES:
            memory = self._memory = {}
        memory[key] = decision


def init(conf):
    """The process-wide :class:`Enforcer` for ``conf`` (built once)."""
    with _LOCK:
        enforcer = vars(conf).get(_ATTR)
        if enforcer is None:
            enforcer = Enforcer(conf)
            setattr(conf, _ATTR, enforcer)
        return enforcer


def reset(conf):
    """Forget the enforcer of ``conf``; the next init() builds a new one."""
    with _LOCK:
        vars(conf).pop(_ATTR, None)


def authorize(context, action, target=None, fatal=True):
    """Module-level spelling of ``context.enforcer.authorize``."""
    enforcer = getattr(context, 'enforcer', None)
    if enforcer is None:
        raise exception.PolicyNotAuthorized(action=action)
    return enforcer.authorize(context, action, target, fatal=fatal)


def get_enforcer():
    """The ``oslo.policy.enforcer`` entry point (oslopolicy-checker,
    oslopolicy-policy-generator, oslopolicy-list-redundant).

    Builds a configuration with nova_lite's options, parses no command line
    (the tools own it) but does read the default config files for
    ``nova-lite``, so ``[oslo_policy] policy_file`` is honoured.
    """
    from nova_lite import conf as nl_conf

    conf = nl_conf.new_conf()
    conf([], project='nova-lite')
    return init(conf).oslo_enforcer
