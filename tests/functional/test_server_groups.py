"""os-server-groups through the whole stack, and the scheduler placing
the servers of a group on two compute hosts as its policy says."""

import jsonschema
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import server_groups \
    as tempest_v21
from tempest.lib.api_schema.response.compute.v2_13 import server_groups \
    as tempest_v213
from tempest.lib.api_schema.response.compute.v2_64 import server_groups \
    as tempest_v264

from nova_lite.api.schemas import responses

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'
OTHER = 'bob:other'
PATH = '/v2.1/os-server-groups'
TEMPEST = {'2.1': tempest_v21, '2.13': tempest_v213, '2.64': tempest_v264}


def _create(stack, version='2.1', token='demo:demo', name='grp',
            policy='affinity', rules=None):
    if version >= '2.64':
        group = {'name': name, 'policy': policy}
        if rules is not None:
            group['rules'] = rules
    else:
        group = {'name': name, 'policies': [policy]}
    return stack.request('POST', PATH, token=token, version=version,
                         json={'server_group': group})


def _group(stack, **kwargs):
    resp = _create(stack, **kwargs)
    assert resp.status_code == 200, resp.text
    return resp.json()['server_group']


def _boot(stack, group_id=None, name='s', token='demo:demo', zone=None):
    server = {'name': name, 'flavorRef': '1', 'imageRef': IMAGE}
    if zone:
        server['availability_zone'] = zone
    body = {'server': server}
    if group_id:
        body['os:scheduler_hints'] = {'group': group_id}
    return stack.request('POST', '/v2.1/servers', token=token, json=body)


def _booted(stack, group_id, status='ACTIVE', name='s'):
    resp = _boot(stack, group_id, name=name)
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    stack.wait_for_server(server_id, status)
    return server_id


def _host(stack, server_id):
    resp = stack.request('GET', '/v2.1/servers/%s' % server_id, token=ADMIN)
    return resp.json()['server']['OS-EXT-SRV-ATTR:host']


@pytest.mark.parametrize('version', ['2.1', '2.13', '2.15', '2.64', '2.89'])
def test_create_show_list_delete_per_version(stack, version):
    policy = 'soft-anti-affinity' if version >= '2.15' else 'anti-affinity'
    resp = _create(stack, version=version, policy=policy)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    jsonschema.validate(body, responses.server_group_show(version))
    tempest = TEMPEST['2.64' if version >= '2.64' else
                      '2.13' if version >= '2.13' else '2.1']
    jsonschema.validate(body, tempest.create_show_server_group[
        'response_body'])
    group = body['server_group']
    assert group['name'] == 'grp' and group['members'] == []
    if version >= '2.64':
        assert (group['policy'], group['rules']) == (policy, {})
        assert 'policies' not in group and 'metadata' not in group
    else:
        assert (group['policies'], group['metadata']) == ([policy], {})
    if version >= '2.13':
        assert (group['project_id'], group['user_id']) == ('demo', 'demo')
    else:
        assert 'project_id' not in group
    path = '%s/%s' % (PATH, group['id'])
    shown = stack.request('GET', path, version=version)
    assert shown.status_code == 200 and shown.json() == body
    listed = stack.request('GET', PATH, version=version)
    jsonschema.validate(listed.json(), responses.server_groups_index(version))
    jsonschema.validate(listed.json(),
                        tempest.list_server_groups['response_body'])
    assert group in listed.json()['server_groups']
    deleted = stack.request('DELETE', path, version=version)
    assert deleted.status_code == 204 and deleted.content == b''
    gone = stack.request('GET', path, version=version)
    assert gone.status_code == 404
    assert gone.json() == {'itemNotFound': {
        'code': 404,
        'message': 'Instance group %s could not be found.' % group['id']}}
    assert stack.request('DELETE', path).status_code == 404


def test_bad_bodies(stack):
    soft = _create(stack, version='2.14', policy='soft-affinity')
    assert soft.status_code == 400
    rules = _create(stack, version='2.64', policy='affinity',
                    rules={'max_server_per_host': 2})
    assert rules.status_code == 400
    assert rules.json()['badRequest']['message'] == (
        'Only anti-affinity policy supports rules.')
    zero = _create(stack, version='2.64', policy='anti-affinity',
                   rules={'max_server_per_host': 0})
    assert zero.status_code == 400
    old_form = _create(stack, version='2.64', policy='affinity')
    assert old_form.status_code == 200
    two = stack.request('POST', PATH, json={'server_group': {
        'name': 'x', 'policies': ['affinity', 'anti-affinity']}})
    assert two.status_code == 400
    assert [g['name'] for g in stack.request('GET', PATH).json()[
        'server_groups']] == ['grp']


def test_rules_kept(stack):
    group = _group(stack, version='2.64', policy='anti-affinity',
                   rules={'max_server_per_host': '3'})
    assert group['rules'] == {'max_server_per_host': 3}
    old = stack.request('GET', '%s/%s' % (PATH, group['id']), version='2.63')
    assert old.json()['server_group']['policies'] == ['anti-affinity']


def test_other_projects_and_all_projects(stack):
    mine = _group(stack, name='mine')
    theirs = _group(stack, name='theirs', token=OTHER)
    resp = stack.request('GET', '%s/%s' % (PATH, theirs['id']))
    assert resp.status_code == 404
    assert stack.request('DELETE', '%s/%s' % (PATH, theirs['id'])
                         ).status_code == 404
    names = lambda resp: sorted(g['name'] for g in  # noqa: E731
                                resp.json()['server_groups'])
    assert names(stack.request('GET', PATH)) == ['mine']
    # Not an administrator: all_projects is ignored.
    assert names(stack.request('GET', PATH + '?all_projects=True')) == [
        'mine']
    assert names(stack.request('GET', PATH, token=ADMIN)) == []
    assert names(stack.request('GET', PATH + '?all_projects=1',
                               token=ADMIN)) == ['mine', 'theirs']
    shown = stack.request('GET', '%s/%s' % (PATH, mine['id']), token=ADMIN)
    assert shown.status_code == 200


def test_limit_and_offset(stack):
    for index in range(4):
        _group(stack, name='g%d' % index)

    def names(query):
        resp = stack.request('GET', PATH + query)
        assert resp.status_code == 200, resp.text
        return [g['name'] for g in resp.json()['server_groups']]
    assert names('?limit=2') == ['g0', 'g1']
    assert names('?limit=2&offset=1') == ['g1', 'g2']
    assert names('?offset=3') == ['g3']
    assert names('?limit=0') == ['g0', 'g1', 'g2', 'g3']
    bad = stack.request('GET', PATH + '?limit=-1')
    assert bad.status_code == 400
    assert stack.request('GET', PATH + '?foo=1',
                         version='2.75').status_code == 400
    assert stack.request('GET', PATH + '?foo=1',
                         version='2.74').status_code == 200


def test_server_groups_quota(stack):
    stack.conf.set_override('server_groups', 2, group='quota')
    _group(stack)
    _group(stack)
    resp = _create(stack)
    assert resp.status_code == 403
    assert resp.json() == {'forbidden': {
        'code': 403, 'message': 'Quota exceeded, too many server groups.'}}
    assert len(stack.request('GET', PATH).json()['server_groups']) == 2
    # Another project has its own count.
    assert _create(stack, token=OTHER).status_code == 200
    # nova's no-op quota driver: no limit.
    stack.conf.set_override('driver', 'nova.quota.NoopQuotaDriver',
                            group='quota')
    assert _create(stack).status_code == 200


def test_members_come_and_go_with_servers(stack):
    group = _group(stack, policy='anti-affinity')
    server_id = _booted(stack, group['id'])
    path = '%s/%s' % (PATH, group['id'])
    assert stack.request('GET', path).json()['server_group'][
        'members'] == [server_id]
    shown = stack.request('GET', '/v2.1/servers/%s' % server_id,
                          version='2.71').json()['server']
    assert shown['server_groups'] == [group['id']]
    plain = _booted(stack, None, name='plain')
    assert stack.request('GET', '/v2.1/servers/%s' % plain,
                         version='2.71').json()['server'][
        'server_groups'] == []
    stack.request('DELETE', '/v2.1/servers/%s' % server_id)
    stack.wait_for_server(server_id, 'DELETED')
    assert stack.request('GET', path).json()['server_group'][
        'members'] == []


def test_unknown_or_foreign_group_hint(stack):
    theirs = _group(stack, token=OTHER)
    for group_id in (theirs['id'], '9f2b1c1e-7d1a-4f5e-9a55-3f1f3c0d0e11'):
        resp = _boot(stack, group_id)
        assert resp.status_code == 400
        assert resp.json()['badRequest']['message'] == (
            'Instance group %s could not be found.' % group_id)
    servers = stack.request('GET', '/v2.1/servers').json()['servers']
    assert servers == []


def test_members_quota(stack):
    stack.conf.set_override('server_group_members', 1, group='quota')
    group = _group(stack)
    _booted(stack, group['id'])
    resp = _boot(stack, group['id'])
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        'Quota exceeded, too many servers in group')
    assert len(stack.request('GET', '/v2.1/servers').json()[
        'servers']) == 1


def test_affinity_keeps_servers_together(stack):
    stack.add_compute('compute2')
    group = _group(stack, policy='affinity')
    first = _booted(stack, group['id'], name='a')
    # The least loaded host would be the other one without the policy.
    second = _booted(stack, group['id'], name='b')
    assert _host(stack, first) == _host(stack, second)


def test_anti_affinity_spreads_then_refuses(stack):
    stack.add_compute('compute2')
    group = _group(stack, policy='anti-affinity')
    spare = _booted(stack, None, name='spare')
    first = _booted(stack, group['id'], name='a')
    # The least loaded host is first's; the policy sends b elsewhere.
    second = _booted(stack, group['id'], name='b')
    assert {_host(stack, first), _host(stack, second)} == {
        'compute1', 'compute2'}
    assert _host(stack, spare) != _host(stack, first)
    third = _booted(stack, group['id'], status='ERROR', name='c')
    server = stack.request('GET', '/v2.1/servers/%s' % third,
                           token=ADMIN).json()['server']
    assert server['fault']['message'] == (
        'No valid host was found. There are not enough hosts available.')
    assert server['OS-EXT-SRV-ATTR:host'] is None


def test_anti_affinity_max_server_per_host(stack):
    stack.add_compute('compute2')
    group = _group(stack, version='2.64', policy='anti-affinity',
                   rules={'max_server_per_host': 2})
    servers = [_booted(stack, group['id'], name='s%d' % i)
               for i in range(4)]
    hosts = [_host(stack, s) for s in servers]
    assert sorted(hosts) == ['compute1', 'compute1', 'compute2',
                             'compute2']
    _booted(stack, group['id'], status='ERROR', name='s5')


def test_soft_policies_prefer_but_never_refuse(stack):
    stack.add_compute('compute2')
    together = _group(stack, version='2.15', policy='soft-affinity')
    a = _booted(stack, together['id'], name='a')
    b = _booted(stack, together['id'], name='b')
    assert _host(stack, a) == _host(stack, b)
    apart = _group(stack, version='2.15', policy='soft-anti-affinity',
                   name='apart')
    # Both hosts are then equally loaded by these servers' standards:
    # c lands anywhere, d avoids c, e still finds a host.
    c = _booted(stack, apart['id'], name='c')
    d = _booted(stack, apart['id'], name='d')
    assert _host(stack, c) != _host(stack, d)
    _booted(stack, apart['id'], name='e')


def test_quota_set_and_limits(stack):
    resp = stack.request('PUT', '/v2.1/os-quota-sets/demo', token=ADMIN,
                         json={'quota_set': {'server_groups': 1,
                                             'server_group_members': 1}})
    assert resp.status_code == 200, resp.text
    group = _group(stack)
    assert _create(stack).status_code == 403
    absolute = stack.request('GET', '/v2.1/limits').json()['limits'][
        'absolute']
    assert (absolute['maxServerGroups'], absolute['totalServerGroupsUsed'],
            absolute['maxServerGroupMembers']) == (1, 1, 1)
    _booted(stack, group['id'])
    resp = _boot(stack, group['id'])
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        'Quota exceeded, too many servers in group')


def test_soft_policy_shown_at_every_version(stack):
    """A group made with a 2.15 policy is listed with it at 2.1 as well,
    and the answers hold to the response schemas of each version."""
    import jsonschema

    from nova_lite.api.schemas import responses
    resp = stack.request('POST', '/v2.1/os-server-groups', version='2.15',
                         json={'server_group': {
                             'name': 'soft', 'policies': [
                                 'soft-anti-affinity']}})
    assert resp.status_code == 200, resp.text
    for version in ('2.1', '2.15', '2.64'):
        body = stack.request('GET', '/v2.1/os-server-groups',
                             version=version).json()
        jsonschema.validate(body, responses.server_groups_index(version))
        (group,) = body['server_groups']
        shown = group.get('policies') or [group.get('policy')]
        assert shown == ['soft-anti-affinity']


def _hinted(stack, hints, status='ACTIVE', name='h'):
    body = {'server': {'name': name, 'flavorRef': '1', 'imageRef': IMAGE},
            'os:scheduler_hints': hints}
    resp = stack.request('POST', '/v2.1/servers', json=body)
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    stack.wait_for_server(server_id, status)
    return server_id


def test_same_and_different_host_hints(stack):
    """With SameHostFilter and DifferentHostFilter enabled, the hints put a
    server with, or away from, the servers they name (a uuid or a list);
    a host that cannot be found refuses the build."""
    stack.conf.set_override('enabled_filters', [
        'ComputeFilter', 'SameHostFilter', 'DifferentHostFilter'],
        group='filter_scheduler')
    stack.add_compute('compute2')
    first = _hinted(stack, {}, name='first')
    # The least loaded host would be the other one without the hint.
    with_first = _hinted(stack, {'same_host': first}, name='with')
    assert _host(stack, with_first) == _host(stack, first)
    # Both are on one host: the next least loaded host is the other one
    # anyway; a third server away from both and from the other host's
    # server leaves no host.
    away = _hinted(stack, {'different_host': [first, with_first]},
                   name='away')
    assert _host(stack, away) != _host(stack, first)
    nowhere = _hinted(stack, {'different_host': [first, away]},
                      status='ERROR', name='nowhere')
    server = stack.request('GET', '/v2.1/servers/%s' % nowhere,
                           token=ADMIN).json()['server']
    assert server['fault']['message'].startswith('No valid host was found')
    # same_host naming servers on two hosts: either host.
    both = _hinted(stack, {'same_host': [first, away]}, name='both')
    assert _host(stack, both) in {_host(stack, first), _host(stack, away)}


def test_host_hints_ignored_without_their_filters(stack):
    """nova's default filters leave the two hints out: the build goes
    where the hosts' load sends it."""
    stack.add_compute('compute2')
    first = _hinted(stack, {}, name='first')
    second = _hinted(stack, {'same_host': first}, name='second')
    assert _host(stack, second) != _host(stack, first)
    # first and second are on both hosts: with the filter no host would
    # be left, and the build would end in ERROR.
    _hinted(stack, {'different_host': [first, second]}, name='third')
