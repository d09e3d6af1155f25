"""Policy defaults per persona, rule documentation, and the enforcer."""

import importlib.metadata
import os
import shutil
import subprocess
import sys
import time
from unittest import mock

from oslo_config import cfg
from oslo_policy import generator
from oslo_policy import opts as policy_opts
from oslo_policy import policy as oslo_policy
import pytest
import yaml

from nova_lite import conf as nl_conf
from nova_lite import context
from nova_lite import exception
from nova_lite import policies
from nova_lite import policy

PROJECT = 'project-a'
OTHER = 'project-b'

# Personas as Keystone would present them (implied roles expanded).
PERSONAS = {
    'admin': dict(user_id='admin', project_id=OTHER,
                  roles=['admin', 'member', 'reader'], is_admin=True),
    'manager': dict(user_id='boss', project_id=PROJECT,
                    roles=['manager', 'member', 'reader']),
    'member': dict(user_id='alice', project_id=PROJECT,
                   roles=['member', 'reader']),
    'reader': dict(user_id='rita', project_id=PROJECT, roles=['reader']),
    'other_member': dict(user_id='bob', project_id=OTHER,
                         roles=['member', 'reader']),
    'no_roles': dict(user_id='nobody', project_id=PROJECT, roles=[]),
    'service': dict(user_id='cinder', project_id='service',
                    roles=['service']),
}

# Who passes, by persona, for each family of defaults.
ADMIN = {'admin'}
READER = {'admin', 'manager', 'member', 'reader'}
MEMBER = {'admin', 'manager', 'member'}
MANAGER = {'admin', 'manager'}
SERVICE = {'admin', 'service'}

S = 'os_compute_api:servers:'
VA = 'os_compute_api:os-volumes-attachments:'

# nova's current defaults, written out independently of nova_lite.policies.
EXPECTED = {
    # base personas
    'context_is_admin': ADMIN,
    'project_member_api': {'manager', 'member'},
    'project_reader_api': {'manager', 'member', 'reader'},
    'project_manager_api': {'manager'},
    'service_api': {'service'},
    'project_member_or_admin': MEMBER,
    'project_reader_or_admin': READER,
    'project_manager_or_admin': MANAGER,
    'service_or_admin': SERVICE,
    # legacy: is_admin:True [or project_id:%(project_id)s]
    'admin_or_owner': {'admin', 'manager', 'member', 'reader', 'no_roles'},
    'admin_api': ADMIN,
    # servers
    S + 'index': READER,
    S + 'detail': READER,
    S + 'index:get_all_tenants': ADMIN,
    S + 'detail:get_all_tenants': ADMIN,
    S + 'allow_all_filters': ADMIN,
    S + 'show': READER,
    S + 'show:flavor-extra-specs': READER,
    S + 'show:host_status': ADMIN,
    S + 'show:host_status:unknown-only': ADMIN,
    S + 'create': MEMBER,
    S + 'create:forced_host': ADMIN,
    'compute:servers:create:requested_destination': ADMIN,
    S + 'create:attach_volume': MEMBER,
    S + 'create:attach_network': MEMBER,
    S + 'create:trusted_certs': MEMBER,
    S + 'create:zero_disk_flavor': ADMIN,
    S + 'update': MEMBER,
    S + 'delete': MEMBER,
    S + 'start': MEMBER,
    S + 'stop': MEMBER,
    S + 'reboot': MEMBER,
    'os_compute_api:os-shelve:shelve': MEMBER,
    'os_compute_api:os-shelve:shelve_offload': ADMIN,
    'os_compute_api:os-shelve:unshelve': MEMBER,
    'os_compute_api:os-shelve:unshelve_to_host': ADMIN,
    'os_compute_api:os-lock-server:lock': MEMBER,
    'os_compute_api:os-lock-server:unlock': MEMBER,
    'os_compute_api:os-lock-server:unlock:unlock_override': ADMIN,
    'os_compute_api:servers:rebuild': MEMBER,
    'os_compute_api:servers:rebuild:trusted_certs': MEMBER,
    'os_compute_api:os-pause-server:pause': MEMBER,
    'os_compute_api:os-pause-server:unpause': MEMBER,
    'os_compute_api:os-suspend-server:suspend': MEMBER,
    'os_compute_api:os-suspend-server:resume': MEMBER,
    'os_compute_api:os-deferred-delete:restore': MEMBER,
    'os_compute_api:os-deferred-delete:force': MEMBER,
    'os_compute_api:os-console-output': MEMBER,
    'os_compute_api:os-admin-actions:reset_state': ADMIN,
    'os_compute_api:os-admin-actions:inject_network_info': ADMIN,
    'os_compute_api:os-admin-password': MEMBER,
    'os_compute_api:servers:create_image': MEMBER,
    'os_compute_api:servers:create_image:allow_volume_backed': MEMBER,
    'os_compute_api:os-create-backup': MEMBER,
    'os_compute_api:os-extended-server-attributes': ADMIN,
    'os_compute_api:ips:index': READER,
    'os_compute_api:ips:show': READER,
    # flavors
    'os_compute_api:os-flavor-extra-specs:index': READER,
    # flavor management, hypervisors, usage, migrations, diagnostics,
    # server passwords and extensions
    'os_compute_api:os-flavor-extra-specs:show': READER,
    'os_compute_api:os-flavor-extra-specs:create': ADMIN,
    'os_compute_api:os-flavor-extra-specs:update': ADMIN,
    'os_compute_api:os-flavor-extra-specs:delete': ADMIN,
    'os_compute_api:os-flavor-manage:create': ADMIN,
    'os_compute_api:os-flavor-manage:update': ADMIN,
    'os_compute_api:os-flavor-manage:delete': ADMIN,
    'os_compute_api:os-flavor-access': ADMIN,
    'os_compute_api:os-flavor-access:add_tenant_access': ADMIN,
    'os_compute_api:os-flavor-access:remove_tenant_access': ADMIN,
    'os_compute_api:os-hypervisors:list': ADMIN,
    'os_compute_api:os-hypervisors:list-detail': ADMIN,
    'os_compute_api:os-hypervisors:statistics': ADMIN,
    'os_compute_api:os-hypervisors:show': ADMIN,
    'os_compute_api:os-hypervisors:uptime': ADMIN,
    'os_compute_api:os-hypervisors:search': ADMIN,
    'os_compute_api:os-hypervisors:servers': ADMIN,
    'os_compute_api:os-simple-tenant-usage:show': READER,
    'os_compute_api:os-simple-tenant-usage:list': ADMIN,
    'os_compute_api:os-migrations:index': MANAGER,
    'os_compute_api:os-migrations:index:all_projects': ADMIN,
    'os_compute_api:os-migrations:index:host': ADMIN,
    'os_compute_api:servers:migrations:show': ADMIN,
    'os_compute_api:servers:migrations:force_complete': MANAGER,
    'os_compute_api:servers:migrations:delete': MANAGER,
    'os_compute_api:servers:migrations:index': MANAGER,
    'os_compute_api:servers:migrations:index:host': ADMIN,
    'os_compute_api:os-server-diagnostics': ADMIN,
    'os_compute_api:os-server-password:show': READER,
    'os_compute_api:os-server-password:clear': MEMBER,
    'os_compute_api:extensions': set(PERSONAS),
    # services
    'os_compute_api:os-services:list': ADMIN,
    'os_compute_api:os-services:update': ADMIN,
    'os_compute_api:os-services:delete': ADMIN,
    # proxy and host APIs
    'os_compute_api:os-volumes:list': READER,
    'os_compute_api:os-volumes:detail': READER,
    'os_compute_api:os-volumes:show': READER,
    'os_compute_api:os-volumes:create': MEMBER,
    'os_compute_api:os-volumes:delete': MEMBER,
    'os_compute_api:os-volumes:snapshots:list': READER,
    'os_compute_api:os-volumes:snapshots:detail': READER,
    'os_compute_api:os-volumes:snapshots:show': READER,
    'os_compute_api:os-volumes:snapshots:create': MEMBER,
    'os_compute_api:os-volumes:snapshots:delete': MEMBER,
    'os_compute_api:os-hosts:list': ADMIN,
    'os_compute_api:os-hosts:show': ADMIN,
    'os_compute_api:os-hosts:update': ADMIN,
    'os_compute_api:os-hosts:reboot': ADMIN,
    'os_compute_api:os-hosts:shutdown': ADMIN,
    'os_compute_api:os-hosts:start': ADMIN,
    'os_compute_api:os-instance-usage-audit-log:list': ADMIN,
    'os_compute_api:os-instance-usage-audit-log:show': ADMIN,
    # volume attachments
    VA + 'index': READER,
    VA + 'show': READER,
    VA + 'create': MEMBER,
    VA + 'update': MEMBER,
    VA + 'swap': SERVICE,
    VA + 'delete': MEMBER,
    # the built-in block storage (Cinder's names)
    'volume:create': MEMBER,
    'volume:create_snapshot': MEMBER,
    'volume:get_snapshot': READER,
    'volume:get_all_snapshots': READER,
    'volume:delete_snapshot': MEMBER,
    'volume:get': READER,
    'volume:get_all': READER,
    'volume:update': MEMBER,
    'volume:delete': MEMBER,
    'volume:force_delete': ADMIN,
    'volume:extend': MEMBER,
    'volume:update_volume_bootable': MEMBER,
    'volume_extension:volume_admin_actions:reset_status': ADMIN,
    'volume_extension:volume_actions:reserve': MEMBER,
    'volume_extension:volume_actions:unreserve': MEMBER,
    'volume_extension:volume_actions:begin_detaching': MEMBER,
    'volume_extension:volume_actions:roll_detaching': MEMBER,
    'volume_extension:volume_host_attribute': ADMIN,
    'volume_extension:volume_tenant_attribute': ADMIN,
    'volume_extension:volume_mig_status_attribute': ADMIN,
    'volume_extension:types_manage': ADMIN,
    'volume_extension:access_types_extra_specs': READER,
    'volume_extension:access_types_qos_specs_id': ADMIN,
    'volume:attachment_get': READER,
    'volume:attachment_create': MEMBER,
    'volume:attachment_update': MEMBER,
    'volume:attachment_delete': MEMBER,
    'volume:attachment_complete': MEMBER,
    'volume:multiattach_bootable_volume': MEMBER,
    'limits_extension:used_limits': READER,
    'volume:reimage': MEMBER,
    'volume:reimage_reserved': MEMBER,
    'volume:create_from_image': MEMBER,
    'volume:update_snapshot': MEMBER,
    'volume_extension:snapshot_admin_actions:reset_status': ADMIN,
    'volume_extension:snapshot_admin_actions:force_delete': ADMIN,
    'snapshot_extension:snapshot_actions:update_snapshot_status': MEMBER,
    'volume_extension:extended_snapshot_attributes': READER,
    'volume:get_snapshot_metadata': READER,
    'volume:update_snapshot_metadata': MEMBER,
    'volume:delete_snapshot_metadata': MEMBER,
    'volume:get_volume_metadata': READER,
    'volume:create_volume_metadata': MEMBER,
    'volume:update_volume_metadata': MEMBER,
    'volume:delete_volume_metadata': MEMBER,
    'volume:retype': MEMBER,
    'volume:multiattach': MEMBER,
    'volume_extension:volume_type_access': MEMBER,
    'volume_extension:volume_type_access:addProjectAccess': ADMIN,
    'volume_extension:volume_type_access:removeProjectAccess': ADMIN,
    'volume_extension:volume_type_access:get_all_for_type': ADMIN,
    'volume_extension:volume_image_metadata:show': READER,
    'volume_extension:volume_image_metadata:set': MEMBER,
    'volume_extension:volume_image_metadata:remove': MEMBER,
    'os_compute_api:os-server-external-events:create': SERVICE,
    'os_compute_api:os-assisted-volume-snapshots:create': SERVICE,
    'os_compute_api:os-assisted-volume-snapshots:delete': SERVICE,
    # server groups, aggregates, availability zones
    'os_compute_api:os-server-groups:create': MEMBER,
    'os_compute_api:os-server-groups:delete': MEMBER,
    'os_compute_api:os-server-groups:index': READER,
    'os_compute_api:os-server-groups:index:all_projects': ADMIN,
    'os_compute_api:os-server-groups:show': READER,
    'os_compute_api:os-aggregates:index': ADMIN,
    'os_compute_api:os-aggregates:create': ADMIN,
    'os_compute_api:os-aggregates:show': ADMIN,
    'os_compute_api:os-aggregates:update': ADMIN,
    'os_compute_api:os-aggregates:delete': ADMIN,
    'os_compute_api:os-aggregates:add_host': ADMIN,
    'os_compute_api:os-aggregates:remove_host': ADMIN,
    'os_compute_api:os-aggregates:set_metadata': ADMIN,
    'os_compute_api:os-availability-zone:list': set(PERSONAS),
    'os_compute_api:os-availability-zone:detail': ADMIN,
    # server metadata, tags and instance actions
    'os_compute_api:server-metadata:index': READER,
    'os_compute_api:server-metadata:show': READER,
    'os_compute_api:server-metadata:create': MEMBER,
    'os_compute_api:server-metadata:update_all': MEMBER,
    'os_compute_api:server-metadata:update': MEMBER,
    'os_compute_api:server-metadata:delete': MEMBER,
    'os_compute_api:os-server-tags:index': READER,
    'os_compute_api:os-server-tags:show': READER,
    'os_compute_api:os-server-tags:update': MEMBER,
    'os_compute_api:os-server-tags:update_all': MEMBER,
    'os_compute_api:os-server-tags:delete': MEMBER,
    'os_compute_api:os-server-tags:delete_all': MEMBER,
    'os_compute_api:os-instance-actions:list': READER,
    'os_compute_api:os-instance-actions:show': READER,
    'os_compute_api:os-instance-actions:events': ADMIN,
    'os_compute_api:os-instance-actions:events:details': ADMIN,
    # key pairs: their owner (the target's user) or an administrator
    'os_compute_api:os-keypairs:index': {'admin', 'member'},
    'os_compute_api:os-keypairs:create': {'admin', 'member'},
    'os_compute_api:os-keypairs:show': {'admin', 'member'},
    'os_compute_api:os-keypairs:delete': {'admin', 'member'},
    # limits and quotas
    'os_compute_api:limits': set(PERSONAS),
    'os_compute_api:limits:other_project': ADMIN,
    'os_compute_api:os-quota-sets:show': READER,
    'os_compute_api:os-quota-sets:detail': READER,
    'os_compute_api:os-quota-sets:defaults': set(PERSONAS),
    'os_compute_api:os-quota-sets:update': ADMIN,
    'os_compute_api:os-quota-sets:delete': ADMIN,
    'os_compute_api:os-quota-class-sets:show': ADMIN,
    'os_compute_api:os-quota-class-sets:update': ADMIN,
    # moving servers
    'os_compute_api:servers:resize': MEMBER,
    'os_compute_api:servers:confirm_resize': MEMBER,
    'os_compute_api:servers:revert_resize': MEMBER,
    'os_compute_api:os-migrate-server:migrate': MANAGER,
    'os_compute_api:os-migrate-server:migrate:host': ADMIN,
    'os_compute_api:os-migrate-server:migrate_live': MANAGER,
    'os_compute_api:os-migrate-server:migrate_live:host': ADMIN,
    'os_compute_api:os-evacuate': ADMIN,
    'os_compute_api:os-rescue': MEMBER,
    'os_compute_api:os-unrescue': MEMBER,
}

BASE_RULES = {'context_is_admin', 'admin_or_owner', 'admin_api',
              'project_member_api', 'project_reader_api',
              'project_manager_api', 'service_api',
              'project_member_or_admin', 'project_reader_or_admin',
              'project_manager_or_admin', 'service_or_admin'}


def _conf(policy_file=None):
    conf = nl_conf.new_conf()
    conf([], project='nova-lite-test', default_config_files=[])
    policy_opts.set_defaults(conf)  # registers [oslo_policy] for overrides
    if policy_file is not None:
        conf.set_override('policy_file', str(policy_file),
                          group='oslo_policy')
    return conf


@pytest.fixture(scope='module')
def enforcer():
    return policy.init(_conf())


def _context(persona, enforcer=None):
    ctx = context.RequestContext(**PERSONAS[persona])
    ctx.enforcer = enforcer
    return ctx


def _rules():
    return {rule.name: rule for rule in policies.list_rules()}


# -- the rule list ------------------------------------------------------------

def test_rule_names_are_unique():
    names = [rule.name for rule in policies.list_rules()]
    assert len(names) == len(set(names))


def test_every_rule_is_in_the_persona_matrix():
    assert set(_rules()) == set(EXPECTED)


def test_api_rules_are_documented_project_scoped_with_operations():
    for name, rule in _rules().items():
        if name in BASE_RULES:
            continue
        assert isinstance(rule, oslo_policy.DocumentedRuleDefault), name
        assert rule.description.strip(), name
        assert rule.scope_types == ['project'], name
        assert rule.operations, name
        for op in rule.operations:
            assert op['method'] in ('GET', 'POST', 'PUT', 'DELETE'), name
            assert op['path'].startswith('/'), name


def test_base_rules_have_descriptions():
    rules = _rules()
    for name in BASE_RULES:
        assert rules[name].description.strip(), name


def test_legacy_rules_are_deprecated():
    rules = _rules()
    for name in ('admin_or_owner', 'admin_api'):
        assert rules[name].deprecated_for_removal
        assert rules[name].deprecated_reason


def test_api_rules_use_persona_aliases():
    """Per-resource rules refer to a persona (or allow anybody: '@'),
    never to roles directly."""
    for name, rule in _rules().items():
        if name not in BASE_RULES:
            # A persona rule, anybody ('@'), or (key pairs) a persona or
            # the target's user, as nova writes them.
            assert rule.check_str.startswith(('rule:', '(rule:', '@')), \
                name
            assert 'role:' not in rule.check_str, name


# -- persona matrix -----------------------------------------------------------

MATRIX = [(rule, persona) for rule in sorted(EXPECTED)
          for persona in sorted(PERSONAS)]


@pytest.mark.parametrize('rule,persona', MATRIX)
def test_persona_matrix(enforcer, rule, persona):
    ctx = _context(persona, enforcer)
    target = {'project_id': PROJECT, 'user_id': 'alice'}
    allowed = bool(enforcer.authorize(ctx, rule, target, fatal=False))
    assert allowed == (persona in EXPECTED[rule]), (rule, persona)


def test_denied_raises_policy_not_authorized(enforcer):
    ctx = _context('reader', enforcer)
    with pytest.raises(exception.PolicyNotAuthorized) as err:
        ctx.can('os_compute_api:servers:delete', {'project_id': PROJECT})
    assert err.value.format_message() == (
        "Policy doesn't allow os_compute_api:servers:delete to be "
        "performed.")


def test_can_defaults_target_to_own_project(enforcer):
    assert _context('member', enforcer).can('os_compute_api:servers:create')
    assert not _context('reader', enforcer).can(
        'os_compute_api:servers:create', fatal=False)


def test_empty_target_for_services(enforcer):
    assert _context('admin', enforcer).can(
        'os_compute_api:os-services:list', {})
    assert not _context('member', enforcer).can(
        'os_compute_api:os-services:list', {}, fatal=False)


def test_module_level_authorize(enforcer):
    ctx = _context('member', enforcer)
    assert policy.authorize(ctx, VA + 'create', {'project_id': PROJECT})
    with pytest.raises(exception.PolicyNotAuthorized):
        policy.authorize(ctx, VA + 'swap', {})


def test_context_without_enforcer_is_denied():
    with pytest.raises(exception.PolicyNotAuthorized):
        policy.authorize(_context('admin'), S + 'show')


def test_unregistered_rule_is_an_error_even_when_not_fatal(enforcer):
    ctx = _context('admin', enforcer)
    with pytest.raises(oslo_policy.PolicyNotRegistered):
        enforcer.authorize(ctx, 'os_compute_api:no-such-rule', {},
                           fatal=False)


@pytest.mark.parametrize('scope', [dict(system_scope='all'),
                                   dict(domain_id='default')])
def test_project_rules_deny_other_token_scopes(enforcer, scope):
    values = dict(PERSONAS['admin'], project_id=None, **scope)
    ctx = context.RequestContext(**values)
    ctx.enforcer = enforcer
    with pytest.raises(exception.PolicyNotAuthorized):
        ctx.can('os_compute_api:os-services:list', {})
    assert ctx.can('os_compute_api:os-services:list', {},
                   fatal=False) is False


def test_credentials_map_context_for_oslo_policy():
    ctx = context.RequestContext(user_id='u', project_id='p',
                                 roles=['reader'], is_admin=True,
                                 system_scope='all')
    creds = policy.credentials(ctx)
    assert creds['user_id'] == 'u'
    assert creds['project_id'] == 'p'
    assert creds['roles'] == ['reader']
    assert creds['system_scope'] == 'all'
    assert creds['is_admin'] is True
    assert isinstance(creds, dict)


def test_check_is_admin(enforcer):
    assert enforcer.check_is_admin(_context('admin'))
    assert not enforcer.check_is_admin(_context('member'))


def test_check_is_admin_is_remembered():
    """Asked for every request: decided once per credentials, as the
    other rules are."""
    enforcer = policy.init(_conf())
    oslo = enforcer.oslo_enforcer
    with mock.patch.object(oslo, 'authorize', wraps=oslo.authorize) as spy:
        for _ in range(3):
            assert enforcer.check_is_admin(_context('admin'))
            assert not enforcer.check_is_admin(_context('member'))
    assert spy.call_count == 2


def test_elevated_context_is_admin(enforcer):
    ctx = _context('member', enforcer).elevated()
    assert ctx.can('os_compute_api:os-services:list', {})


# -- the enforcer object ------------------------------------------------------

def test_init_returns_one_enforcer_per_conf():
    conf = _conf()
    first = policy.init(conf)
    assert policy.init(conf) is first
    assert policy.init(_conf()) is not first
    policy.reset(conf)
    assert policy.init(conf) is not first


def test_new_defaults_are_enforced_by_default(enforcer):
    assert enforcer.conf.oslo_policy.enforce_new_defaults is True
    # a legacy owner (no roles) would pass admin_or_owner; not the new rule
    ctx = _context('no_roles', enforcer)
    assert not ctx.can(S + 'show', {'project_id': PROJECT}, fatal=False)


def test_old_defaults_when_operator_disables_new_defaults():
    conf = _conf()
    conf.set_override('enforce_new_defaults', False, group='oslo_policy')
    ctx = _context('no_roles', policy.init(conf))
    assert ctx.can(S + 'show', {'project_id': PROJECT})
    assert not ctx.can(S + 'show', {'project_id': OTHER}, fatal=False)


def test_missing_policy_file_is_fine():
    conf = _conf()
    assert conf.oslo_policy.policy_file == 'policy.yaml'
    assert _context('member', policy.init(conf)).can(S + 'create')


def test_policy_file_overrides_defaults(tmp_path):
    path = tmp_path / 'policy.yaml'
    path.write_text(yaml.safe_dump({
        'os_compute_api:os-services:list': 'rule:project_reader_api',
        VA + 'swap': '!',
    }))
    enforcer = policy.init(_conf(policy_file=path))
    member = _context('member', enforcer)
    assert member.can('os_compute_api:os-services:list',
                      {'project_id': PROJECT})
    assert not _context('admin', enforcer).can(VA + 'swap', {}, fatal=False)
    # untouched rules keep their defaults
    assert not member.can('os_compute_api:os-services:delete', {},
                          fatal=False)


def test_context_is_admin_override_changes_admin_rules(tmp_path):
    path = tmp_path / 'policy.yaml'
    path.write_text(yaml.safe_dump({'context_is_admin': 'role:superuser'}))
    enforcer = policy.init(_conf(policy_file=path))
    su = context.RequestContext(user_id='su', project_id=OTHER,
                                roles=['superuser'])
    su.enforcer = enforcer
    assert su.can('os_compute_api:os-services:list', {})
    assert enforcer.check_is_admin(su)
    assert not _context('admin', enforcer).can(
        'os_compute_api:os-services:list', {}, fatal=False)


def test_get_enforcer_for_oslopolicy_tools(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('HOME', str(tmp_path))
    enforcer = policy.get_enforcer()
    assert isinstance(enforcer, oslo_policy.Enforcer)
    assert set(enforcer.registered_rules) == set(EXPECTED)
    assert enforcer.rules


# -- sample generation --------------------------------------------------------

def test_sample_generator_renders_every_rule(monkeypatch, tmp_path):
    """What ``oslopolicy-sample-generator --namespace nova_lite`` does,
    with list_rules() in place of the entry point lookup (so it runs
    without the package installed)."""
    monkeypatch.setattr(generator, 'get_policies_dict',
                        lambda namespaces: {'nova_lite':
                                            policies.list_rules()})
    out = tmp_path / 'policy.yaml.sample'
    generator.generate_sample(
        ['--namespace', 'nova_lite', '--output-file', str(out)],
        conf=cfg.ConfigOpts())
    text = out.read_text()
    for name in EXPECTED:
        assert '#"%s":' % name in text, name
    # all commented out: loading the sample overrides nothing
    assert yaml.safe_load(text) is None


def _entry_point_installed():
    eps = importlib.metadata.entry_points(group='oslo.policy.policies')
    return any(ep.name == 'nova_lite' for ep in eps)


def _tool(name):
    """A console script of this interpreter's environment (the venv need
    not be on PATH)."""
    path = os.path.join(os.path.dirname(sys.executable), name)
    return path if os.path.exists(path) else shutil.which(name)


@pytest.mark.skipif(not _entry_point_installed() or
                    not _tool('oslopolicy-sample-generator'),
                    reason='nova_lite is not installed (pip install -e .)')
def test_sample_generator_cli(tmp_path):
    out = tmp_path / 'policy.yaml.sample'
    subprocess.run([_tool('oslopolicy-sample-generator'),
                    '--namespace', 'nova_lite', '--output-file', str(out)],
                   check=True)
    assert '"os_compute_api:os-volumes-attachments:swap"' in out.read_text()


@pytest.mark.skipif(not _entry_point_installed() or
                    not _tool('oslopolicy-policy-generator'),
                    reason='nova_lite is not installed (pip install -e .)')
def test_policy_generator_cli_uses_get_enforcer(tmp_path):
    """``oslopolicy-policy-generator`` goes through get_enforcer()."""
    out = tmp_path / 'effective.yaml'
    subprocess.run([_tool('oslopolicy-policy-generator'),
                    '--namespace', 'nova_lite', '--output-file', str(out)],
                   check=True, cwd=str(tmp_path),
                   env=dict({'HOME': str(tmp_path), 'PATH': '/usr/bin:/bin'},
                            **{k: v for k, v in os.environ.items()
                               if k == 'PYTHONPATH'}))
    effective = yaml.safe_load(out.read_text())
    assert effective['os_compute_api:os-services:list'] == \
        'rule:context_is_admin'
    assert set(effective) == set(EXPECTED)


# -- remembered decisions -------------------------------------------------------

def _counting(enforcer, monkeypatch):
    calls = []
    original = enforcer.oslo_enforcer.authorize

    def authorize(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)
    monkeypatch.setattr(enforcer.oslo_enforcer, 'authorize', authorize)
    return calls


def test_decisions_are_remembered_per_target_and_credentials(monkeypatch):
    enforcer = policy.init(_conf())
    calls = _counting(enforcer, monkeypatch)
    member, reader = _context('member', enforcer), _context('reader', enforcer)
    own, other = {'project_id': PROJECT}, {'project_id': 'another-project'}
    for _ in range(3):
        assert member.can(S + 'delete', own)
        assert not member.can(S + 'delete', other, fatal=False)
        assert not reader.can(S + 'delete', own, fatal=False)
        with pytest.raises(exception.PolicyNotAuthorized):
            reader.can(S + 'delete', own)
    # One evaluation per distinct (rule, target, credentials).
    assert calls == [S + 'delete'] * 3


def test_rules_set_in_code_are_applied_at_once(monkeypatch):
    enforcer = policy.init(_conf())
    member = _context('member', enforcer)
    assert member.can(S + 'delete', {'project_id': PROJECT})
    enforcer.oslo_enforcer.set_rules(
        oslo_policy.Rules.from_dict({S + 'delete': '!'}), overwrite=False)
    assert not member.can(S + 'delete', {'project_id': PROJECT},
                          fatal=False)


def test_policy_file_change_is_applied_after_the_check_interval(
        tmp_path, monkeypatch):
    path = tmp_path / 'policy.yaml'
    path.write_text('{}\n')
    enforcer = policy.init(_conf(policy_file=path))
    member = _context('member', enforcer)
    assert member.can(S + 'delete', {'project_id': PROJECT})
    path.write_text('"%s": "!"\n' % (S + 'delete'))
    now = [time.monotonic() + policy.RELOAD_CHECK_INTERVAL + 1]
    monkeypatch.setattr(policy.time, 'monotonic', lambda: now[0])
    assert not member.can(S + 'delete', {'project_id': PROJECT},
                          fatal=False)


def test_remote_checks_are_never_remembered(tmp_path, monkeypatch):
    path = tmp_path / 'policy.yaml'
    path.write_text('"%s": "http://127.0.0.1:1/check"\n' % (S + 'show'))
    enforcer = policy.init(_conf(policy_file=path))
    calls = _counting(enforcer, monkeypatch)
    member = _context('member', enforcer)
    for _ in range(2):
        member.can(S + 'delete', {'project_id': PROJECT})
    assert calls == [S + 'delete'] * 2


def test_credentials_key_follows_every_policy_value():
    base = dict(user_id='u', project_id='p', roles=['member'],
                user_domain_id='default', project_domain_id='default')
    key = policy.credentials_key(context.RequestContext(**base))
    assert key == policy.credentials_key(context.RequestContext(**base))
    changes = [{'user_id': 'u2'}, {'project_id': 'p2'},
               {'roles': ['member', 'admin']}, {'roles': ['reader']},
               {'is_admin': True}, {'system_scope': 'all'},
               {'domain_id': 'd'}, {'user_domain_id': 'other'},
               {'project_domain_id': 'other'},
               {'service_roles': ['service']},
               {'service_user_id': 'nova'}, {'is_admin_project': False}]
    for change in changes:
        other = context.RequestContext(**dict(base, **change))
        assert policy.credentials(other) != policy.credentials(
            context.RequestContext(**base)), change
        assert policy.credentials_key(other) != key, change


def test_credentials_key_sees_roles_changed_in_place(monkeypatch):
    enforcer = policy.init(_conf())
    ctx = _context('reader', enforcer)
    assert not ctx.can('os_compute_api:os-services:list', {}, fatal=False)
    ctx.roles.append('admin')
    ctx.is_admin = True
    assert ctx.can('os_compute_api:os-services:list', {})
    ctx.roles.remove('admin')
    ctx.is_admin = False
    assert not ctx.can('os_compute_api:os-services:list', {}, fatal=False)


def test_credentials_key_of_a_context_with_its_own_policy_values():
    class Extra(context.RequestContext):
        def to_policy_values(self):
            values = super().to_policy_values()
            values['flavor'] = self.flavor
            return values

    one, two = Extra(user_id='u', project_id='p'), Extra(user_id='u',
                                                         project_id='p')
    one.flavor, two.flavor = 'small', 'large'
    assert policy.credentials_key(one) != policy.credentials_key(two)
    two.flavor = 'small'
    assert policy.credentials_key(one) == policy.credentials_key(two)
    one.flavor = ['not', 'hashable', {}]
    assert policy.credentials_key(one) is None


def test_credentials_key_roles_as_lists_or_tuples_and_other_lists():
    base = dict(user_id='u', project_id='p')
    listed = policy.credentials_key(context.RequestContext(
        roles=['member'], service_roles=['service'], **base))
    tupled = context.RequestContext(roles=['member'], **base)
    tupled.roles, tupled.service_roles = ('member',), ('service',)
    assert listed == policy.credentials_key(tupled)
    hash(listed)
    # A list where no list is expected: no key, so no remembered decision
    # (the check is still made).
    odd = context.RequestContext(roles=['member'], **base)
    odd.domain_id = ['d']
    assert policy.credentials_key(odd) is None
    # A context missing a policy value is read with None for it.
    partial = context.RequestContext(roles=['member'], **base)
    del partial.__dict__['service_roles']
    assert not hasattr(partial, 'service_roles')
    assert policy.credentials_key(partial) is not None
    assert policy.credentials_key(partial) != policy.credentials_key(
        context.RequestContext(roles=['member'], **base))
