"""tempest's own compute clients drive flavor management, hypervisors,
usage, migrations, diagnostics, server passwords and extensions, and
validate every response against tempest's per-microversion schemas."""

import uuid

import pytest
from tempest.lib import exceptions as lib_exc
from tempest.lib.services.compute import extensions_client
from tempest.lib.services.compute import flavors_client
from tempest.lib.services.compute import hypervisor_client
from tempest.lib.services.compute import migrations_client
from tempest.lib.services.compute import tenant_usages_client

from tests.functional import test_tempest_schemas as base

ADMIN = 'admin:admin'
at_version = base.at_version


def _client(stack, cls, token=ADMIN):
    return cls(base._AuthProvider(stack.base + '/v2.1', token), 'compute',
               'RegionOne')


@pytest.mark.parametrize('version', ['2.1', '2.7', '2.55', '2.61', '2.75',
                                     '2.86', '2.89'])
def test_flavors_match_tempest_schemas(stack, version):
    base_version = base.base_compute_client.COMPUTE_MICROVERSION
    base.base_compute_client.COMPUTE_MICROVERSION = version
    try:
        admin = _client(stack, flavors_client.FlavorsClient)
        member = _client(stack, flavors_client.FlavorsClient, 'demo:demo')
        name = 'tf-%s' % uuid.uuid4().hex[:8]
        kwargs = {'description': 'd'} if version >= '2.55' and \
            version != '2.7' else {}
        flavor = admin.create_flavor(name=name, ram=64, vcpus=1, disk=1,
                                     id=None, is_public='False',
                                     **kwargs)['flavor']
        fid = flavor['id']
        assert str(uuid.UUID(fid)) == fid
        admin.set_flavor_extra_spec(fid, **{'hw:numa_nodes': '1',
                                            'hw:cpu_policy': 'shared'})
        admin.update_flavor_extra_spec(fid, 'hw:numa_nodes',
                                       **{'hw:numa_nodes': '2'})
        assert admin.show_flavor_extra_spec(fid, 'hw:numa_nodes') == {
            'hw:numa_nodes': '2'}
        admin.list_flavor_extra_specs(fid)
        admin.unset_flavor_extra_spec(fid, 'hw:numa_nodes')
        assert admin.list_flavor_access(fid)['flavor_access'] == []
        admin.add_flavor_access(fid, 'demo')
        member.show_flavor(fid)
        member.list_flavors(detail=True)
        admin.list_flavors(detail=True, is_public='f')
        admin.remove_flavor_access(fid, 'demo')
        pytest.raises(lib_exc.NotFound, member.show_flavor, fid)
        pytest.raises(lib_exc.Forbidden, member.set_flavor_extra_spec, fid,
                      **{'a': 'b'})
        pytest.raises(lib_exc.BadRequest, admin.update_flavor_extra_spec,
                      fid, 'hw:numa_nodes', **{'hw:cpu_policy': 'x'})
        pytest.raises(lib_exc.NotFound, admin.unset_flavor_extra_spec, fid,
                      'hw:cpu_thread_policy')
        if version >= '2.55' and version != '2.7':
            admin.update_flavor(fid, description='new')
        admin.delete_flavor(fid)
        pytest.raises(lib_exc.NotFound, admin.show_flavor, fid)
    finally:
        base.base_compute_client.COMPUTE_MICROVERSION = base_version


@pytest.mark.parametrize('version', ['2.1', '2.28', '2.33', '2.53', '2.87'])
def test_hypervisors_match_tempest_schemas(stack, at_version, version):  # noqa
    at_version(version)
    client = _client(stack, hypervisor_client.HypervisorClient)
    hypers = client.list_hypervisors()['hypervisors']
    client.list_hypervisors(detail=True)
    shown = client.show_hypervisor(hypers[0]['id'])['hypervisor']
    assert shown['hypervisor_hostname'] == hypers[0]['hypervisor_hostname']
    if version < '2.88':  # (tempest has no 2.88 hypervisor schemas)
        assert client.show_hypervisor_statistics()['hypervisor_statistics']
        assert client.show_hypervisor_uptime(hypers[0]['id'])['hypervisor']
    if version < '2.53':
        name = hypers[0]['hypervisor_hostname']
        assert client.search_hypervisor(name)['hypervisors']
        assert client.list_servers_on_hypervisor(name)['hypervisors']
    else:
        client.list_hypervisors(detail=True, with_servers=True)
    member = _client(stack, hypervisor_client.HypervisorClient, 'demo:demo')
    pytest.raises(lib_exc.Forbidden, member.list_hypervisors)
    missing = str(uuid.uuid4()) if version >= '2.53' else '999999'
    pytest.raises(lib_exc.NotFound, client.show_hypervisor, missing)


@pytest.mark.parametrize('version', ['2.1', '2.23', '2.40', '2.48', '2.59',
                                     '2.80'])
def test_usage_migrations_diagnostics_match_tempest_schemas(
        stack, at_version, version):  # noqa: F811
    at_version(version)
    servers, _flavors = base._clients(stack)
    kwargs = {'networks': 'none'} if version >= '2.37' else {}
    sid = servers.create_server(name='ta', flavorRef='1',
                                imageRef=base.IMAGE, **kwargs)['server']['id']
    base._wait(servers, sid, 'ACTIVE')
    admin_servers, _f = base._clients(stack, ADMIN)
    admin_servers.show_server_diagnostics(sid)
    assert servers.show_password(sid) == {'password': ''}
    servers.delete_password(sid)
    usages = _client(stack, tenant_usages_client.TenantUsagesClient)
    usages.list_tenant_usages(start='2020-01-01T00:00:00', detailed=1)
    usages.show_tenant_usage('demo', start='2020-01-01T00:00:00')
    migrations = _client(stack, migrations_client.MigrationsClient)
    migrations.list_migrations()
    extensions = _client(stack, extensions_client.ExtensionsClient)
    assert extensions.list_extensions()['extensions']
    extensions.show_extension('os-hypervisors')
