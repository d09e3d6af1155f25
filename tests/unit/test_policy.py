import pytest

from nova_lite import conf as nl_conf
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite import policies
from nova_lite import policy


@pytest.fixture(scope='module')
def enforcer():
    conf = nl_conf.new_conf()
    conf([])
    return policy.init(conf)


def _ctx(enforcer, roles, project='p1', user='u1'):
    ctx = nl_context.RequestContext(user_id=user, project_id=project,
                                    roles=roles, is_admin='admin' in roles)
    ctx.enforcer = enforcer
    return ctx


PERSONAS = {
    'admin': (['admin', 'member', 'reader'], 'other'),
    'member': (['member', 'reader'], 'p1'),
    'reader': (['reader'], 'p1'),
    'other_member': (['member', 'reader'], 'p2'),
    'no_roles': ([], 'p1'),
}

# rule -> personas allowed against a server of project p1
EXPECTED = {
    'os_compute_api:servers:show': {'admin', 'member', 'reader'},
    'os_compute_api:servers:index': {'admin', 'member', 'reader'},
    'os_compute_api:servers:create': {'admin', 'member'},
    'os_compute_api:servers:delete': {'admin', 'member'},
    'os_compute_api:servers:stop': {'admin', 'member'},
    'os_compute_api:servers:index:get_all_tenants': {'admin'},
    'os_compute_api:servers:show:host_status': {'admin'},
    'os_compute_api:os-extended-server-attributes': {'admin'},
    'os_compute_api:os-shelve:shelve': {'admin', 'member'},
    'os_compute_api:os-shelve:shelve_offload': {'admin'},
    'os_compute_api:os-services:list': {'admin'},
    'os_compute_api:os-services:delete': {'admin'},
    'os_compute_api:os-volumes-attachments:index': {
        'admin', 'member', 'reader'},
    'os_compute_api:os-volumes-attachments:create': {'admin', 'member'},
    'os_compute_api:os-volumes-attachments:swap': {'admin'},
}


@pytest.mark.parametrize('rule', sorted(EXPECTED))
@pytest.mark.parametrize('persona', sorted(PERSONAS))
def test_persona_matrix(enforcer, rule, persona):
    roles, project = PERSONAS[persona]
    ctx = _ctx(enforcer, roles, project)
    target = {'project_id': 'p1', 'user_id': 'u1'}
    allowed = bool(ctx.can(rule, target, fatal=False))
    assert allowed == (persona in EXPECTED[rule])
    if not allowed:
        with pytest.raises(exception.PolicyNotAuthorized) as err:
            ctx.can(rule, target)
        assert err.value.format_message() == (
            "Policy doesn't allow %s to be performed." % rule)


def test_rules_are_unique_and_documented():
    names = [r.name for r in policies.list_rules()]
    assert len(names) == len(set(names))
    for rule in policies.list_rules():
        if rule.name.startswith('os_compute_api'):
            assert rule.description and rule.operations
            assert rule.scope_types == ['project']


def test_unregistered_rule_is_an_error(enforcer):
    ctx = _ctx(enforcer, ['admin'])
    with pytest.raises(Exception):
        ctx.can('os_compute_api:nope')
