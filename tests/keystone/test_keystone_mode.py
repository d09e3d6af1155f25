"""nova-lite-all behind keystonemiddleware against a real Keystone.

Tokens come from Keystone; the compute API and the built-in block storage
validate them with auth_token; the compute services call the block storage
with the user's token plus the ``nova`` service user's token; policy follows
the Keystone roles (member, reader, admin) of the token's project.
"""

import time

import pytest
import requests

from tests.fixtures import keystone as ks_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
AUTH_REQUIRED = 'The request you have made requires authentication.'


@pytest.fixture(scope='module')
def ks_stack(keystone, tmp_path_factory):
    st = ks_fixture.start_stack(keystone, tmp_path_factory.mktemp('ks'))
    try:
        yield st
    finally:
        st.stop()


@pytest.fixture(scope='module')
def tokens(keystone):
    """Project-scoped tokens and project ids by persona."""
    found = {}
    for persona, user, password, project in (
            ('member', 'demo-member', ks_fixture.PASSWORD, 'demo'),
            ('reader', 'demo-reader', ks_fixture.PASSWORD, 'demo'),
            ('other', 'other-member', ks_fixture.PASSWORD, 'other'),
            ('admin', 'admin', ks_fixture.ADMIN_PASSWORD, 'admin')):
        token, body = keystone.token(user, password, project=project)
        found[persona] = (token, body['project']['id'])
    return found


def _boot(st, token, name):
    resp = st.request('POST', '/v2.1/servers', token=token, version='2.60',
                      json={'server': {'name': name, 'flavorRef': '1',
                                       'imageRef': IMAGE,
                                       'networks': 'none'}})
    assert resp.status_code == 202, resp.text
    return st.wait_for_server(resp.json()['server']['id'], 'ACTIVE',
                              token=token, timeout=30)


def _volume_path(tokens, persona, path):
    """A block storage path under the catalog's ``/v3/<project_id>``."""
    return '/v3/%s%s' % (tokens[persona][1], path)


def _wait_volume(st, tokens, volume_id, predicate, persona='member',
                 timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        volume = st.volume_request(
            'GET', _volume_path(tokens, persona, '/volumes/' + volume_id),
            token=tokens[persona][0]).json()['volume']
        if predicate(volume):
            return volume
        assert time.monotonic() < deadline, volume
        time.sleep(0.1)


def test_catalog_lists_nova_lite(keystone, ks_stack):
    _token, body = keystone.token('demo-member', project='demo',
                                  catalog=True)
    urls = {entry['type']: entry['endpoints'][0]['url']
            for entry in body['catalog']}
    project = body['project']['id']
    assert urls['compute'] == ks_stack.base + '/v2.1'
    assert urls['volumev3'] == '%s/v3/%s' % (ks_stack.volume_base, project)
    assert urls['block-storage'] == urls['volumev3']
    assert urls['identity'] == keystone.url
    # The image service clients look images up in (openstack server create
    # --image NAME).
    assert urls['image'] == ks_stack.base + '/image'
    token = keystone.token('demo-member', project='demo')[0]
    resp = requests.get(urls['image'] + '/v2/images', timeout=30,
                        headers={'X-Auth-Token': token})
    assert resp.status_code == 200, resp.text
    assert IMAGE in [image['id'] for image in resp.json()['images']]


@pytest.mark.parametrize('volume', [False, True])
def test_no_token_is_401_with_www_authenticate(keystone, ks_stack, volume):
    base = ks_stack.volume_base + '/v3/volumes' if volume else \
        ks_stack.base + '/v2.1/servers'
    resp = requests.get(base, timeout=30)
    assert resp.status_code == 401
    assert resp.headers['WWW-Authenticate'] == \
        'Keystone uri="%s"' % keystone.url
    assert resp.json()['error']['message'] == AUTH_REQUIRED


@pytest.mark.parametrize('token', ['not-a-token', 'gAAAAABbogus'])
def test_bad_token_is_401(ks_stack, token):
    resp = ks_stack.request('GET', '/v2.1/servers', token=token)
    assert resp.status_code == 401
    assert resp.headers['WWW-Authenticate'].startswith('Keystone uri=')
    resp = ks_stack.volume_request('GET', '/v3/volumes', token=token)
    assert resp.status_code == 401


def test_policy_follows_keystone_roles(ks_stack, tokens):
    member, reader, other, admin = (tokens[p][0] for p in (
        'member', 'reader', 'other', 'admin'))
    server = _boot(ks_stack, member, 'ks-vm')
    assert server['tenant_id'] == tokens['member'][1]
    path = '/v2.1/servers/%s' % server['id']

    # A reader of the project can look but not create.
    assert ks_stack.request('GET', path, token=reader).status_code == 200
    listed = ks_stack.request('GET', '/v2.1/servers', token=reader).json()
    assert server['id'] in [s['id'] for s in listed['servers']]
    resp = ks_stack.request('POST', '/v2.1/servers', token=reader,
                            json={'server': {'name': 'no', 'flavorRef': '1',
                                             'imageRef': IMAGE,
                                             'networks': 'none'}},
                            version='2.60')
    assert resp.status_code == 403, resp.text
    assert resp.json()['forbidden']['code'] == 403
    resp = ks_stack.request('DELETE', path, token=reader)
    assert resp.status_code == 403, resp.text

    # A member of another project does not see it.
    resp = ks_stack.request('GET', path, token=other)
    assert resp.status_code == 404
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Instance %s could not be found.'
        % server['id']}}
    listed = ks_stack.request('GET', '/v2.1/servers', token=other).json()
    assert server['id'] not in [s['id'] for s in listed['servers']]

    # An administrator (of another project) sees every project's servers.
    assert ks_stack.request('GET', path, token=admin).status_code == 200
    listed = ks_stack.request('GET', '/v2.1/servers?all_tenants=1',
                              token=admin).json()
    assert server['id'] in [s['id'] for s in listed['servers']]
    # ... which a member may not ask for.
    resp = ks_stack.request('GET', '/v2.1/servers?all_tenants=1',
                            token=other)
    assert resp.status_code == 403
    assert resp.json() == {'forbidden': {'code': 403, 'message': (
        "Policy doesn't allow os_compute_api:servers:index:get_all_tenants "
        "to be performed.")}}

    resp = ks_stack.request('DELETE', path, token=member)
    assert resp.status_code == 204
    ks_stack.wait_for_server(server['id'], 'DELETED', token=member,
                             timeout=30)


def test_system_scoped_token_is_refused(keystone, ks_stack):
    """Compute policies are project scoped (scope_types ['project']): a
    system-scoped token, even an administrator's, is refused."""
    token, body = keystone.token('admin', ks_fixture.ADMIN_PASSWORD,
                                 system=True)
    assert body['system'] == {'all': True}
    resp = ks_stack.request('POST', '/v2.1/servers', token=token,
                            version='2.60', json={'server': {
                                'name': 'sys', 'flavorRef': '1',
                                'imageRef': IMAGE, 'networks': 'none'}})
    assert resp.status_code == 403, resp.text
    assert resp.json() == {'forbidden': {'code': 403, 'message': (
        "Policy doesn't allow os_compute_api:servers:create to be "
        "performed.")}}
    resp = ks_stack.request('GET', '/v2.1/servers', token=token)
    assert resp.status_code == 403, resp.text
    assert resp.json() == {'forbidden': {'code': 403, 'message': (
        "Policy doesn't allow os_compute_api:servers:index to be "
        "performed.")}}
    # The same administrator with a project-scoped token may.
    token, _body = keystone.token('admin', ks_fixture.ADMIN_PASSWORD,
                                  project='admin')
    assert ks_stack.request('GET', '/v2.1/servers',
                            token=token).status_code == 200


def _multiattach_type(ks_stack, tokens):
    resp = ks_stack.volume_request(
        'GET', _volume_path(tokens, 'admin', '/types'),
        token=tokens['admin'][0])
    if 'multiattach' in [t['name'] for t in resp.json()['volume_types']]:
        return
    # Only administrators manage volume types.
    body = {'volume_type': {'name': 'multiattach',
                            'extra_specs': {'multiattach': '<is> True'}}}
    resp = ks_stack.volume_request(
        'POST', _volume_path(tokens, 'member', '/types'),
        token=tokens['member'][0], json=body)
    assert resp.status_code == 403, resp.text
    resp = ks_stack.volume_request(
        'POST', _volume_path(tokens, 'admin', '/types'),
        token=tokens['admin'][0], json=body)
    assert resp.status_code == 200, resp.text


def _multiattach_volume(ks_stack, tokens, name, **extra):
    _multiattach_type(ks_stack, tokens)
    resp = ks_stack.volume_request(
        'POST', _volume_path(tokens, 'member', '/volumes'),
        token=tokens['member'][0], json={'volume': dict(
            extra, size=1, name=name, volume_type='multiattach')})
    assert resp.status_code == 202, resp.text
    volume = _wait_volume(ks_stack, tokens, resp.json()['volume']['id'],
                          lambda v: v['status'] == 'available')
    assert volume['multiattach'] is True
    return volume


def test_multiattach_with_user_and_service_tokens(ks_stack, tokens):
    member = tokens['member'][0]
    volume = _multiattach_volume(ks_stack, tokens, 'ks-shared')
    servers = [_boot(ks_stack, member, 'ks-ma-%d' % i) for i in range(2)]
    for server in servers:
        resp = ks_stack.request(
            'POST', '/v2.1/servers/%s/os-volume_attachments' % server['id'],
            token=member, version='2.60',
            json={'volumeAttachment': {'volumeId': volume['id']}})
        assert resp.status_code == 200, resp.text
    shown = _wait_volume(ks_stack, tokens, volume['id'],
                         lambda v: len(v['attachments']) == 2)
    assert shown['status'] == 'in-use'
    assert {a['server_id'] for a in shown['attachments']} == \
        {s['id'] for s in servers}

    # The reader sees the attachments but may not add one.
    reader = tokens['reader'][0]
    path = '/v2.1/servers/%s/os-volume_attachments' % servers[0]['id']
    listed = ks_stack.request('GET', path, token=reader, version='2.60')
    assert listed.status_code == 200
    assert [a['volumeId'] for a in listed.json()['volumeAttachments']] == \
        [volume['id']]
    resp = ks_stack.request('DELETE', path + '/' + volume['id'],
                            token=reader, version='2.60')
    assert resp.status_code == 403

    # The block storage lets only a service token (a token of a user with
    # the service role, sent as X-Service-Token) delete an attachment that
    # connects the volume to a server: the user's token alone is refused...
    attachment_id = shown['attachments'][0]['attachment_id']
    resp = ks_stack.volume_request(
        'DELETE', _volume_path(tokens, 'member',
                               '/attachments/%s' % attachment_id),
        token=member, version='3.44')
    assert resp.status_code == 409, resp.text
    # ... and a service token without the service role is not a service
    # token ([keystone_authtoken] service_token_roles_required).
    resp = ks_stack.volume_request(
        'DELETE', _volume_path(tokens, 'member',
                               '/attachments/%s' % attachment_id),
        token=member, version='3.44',
        headers={'X-Service-Token': tokens['other'][0]})
    assert resp.status_code == 401, resp.text
    assert len(_wait_volume(ks_stack, tokens, volume['id'],
                            lambda v: True)['attachments']) == 2

    # nova_lite's detach sends the user's token with the nova user's service
    # token, which the block storage accepts.
    for count, server in enumerate(servers):
        resp = ks_stack.request(
            'DELETE', '/v2.1/servers/%s/os-volume_attachments/%s'
            % (server['id'], volume['id']), token=member, version='2.60')
        assert resp.status_code == 202, resp.text
        shown = _wait_volume(ks_stack, tokens, volume['id'],
                             lambda v, n=1 - count: len(v['attachments']) == n)
    assert shown['status'] == 'available'
    for server in servers:
        assert ks_stack.request('DELETE', '/v2.1/servers/%s' % server['id'],
                                token=member).status_code == 204


class _Seen:
    """Wraps the block storage application the compute services call in
    process and records, per request, what auth_token made of it."""

    def __init__(self, app):
        self.app = app
        self.requests = []

    def __call__(self, environ, start_response):
        path = environ['PATH_INFO']
        result = self.app(environ, start_response)
        self.requests.append((
            environ['REQUEST_METHOD'], path,
            'HTTP_X_SERVICE_TOKEN' in environ,
            environ.get('HTTP_X_SERVICE_ROLES', ''),
            environ.get('HTTP_X_SERVICE_USER_NAME'),
            environ.get('HTTP_X_USER_NAME')))
        return result


def test_block_storage_gets_user_and_service_tokens(ks_stack, tokens):
    """Every block storage call of the compute services carries the user's
    token and the nova user's service token, which auth_token validates
    with the service role."""
    from nova_lite import wsgi_local
    assert ks_stack.conf.block_storage.local_calls
    app = wsgi_local.lookup(ks_stack.volume_base)
    seen = _Seen(app)
    wsgi_local.register(ks_stack.volume_base, seen)
    try:
        member = tokens['member'][0]
        volume = _multiattach_volume(ks_stack, tokens, 'ks-seen')
        server = _boot(ks_stack, member, 'ks-seen')
        path = '/v2.1/servers/%s/os-volume_attachments' % server['id']
        resp = ks_stack.request(
            'POST', path, token=member, version='2.60',
            json={'volumeAttachment': {'volumeId': volume['id']}})
        assert resp.status_code == 200, resp.text
        _wait_volume(ks_stack, tokens, volume['id'],
                     lambda v: v['status'] == 'in-use')
        resp = ks_stack.request('DELETE', path + '/' + volume['id'],
                                token=member, version='2.60')
        assert resp.status_code == 202, resp.text
        _wait_volume(ks_stack, tokens, volume['id'],
                     lambda v: v['status'] == 'available')
    finally:
        wsgi_local.register(ks_stack.volume_base, app)
    paths = [(method, path) for method, path, *_rest in seen.requests]
    assert any(m == 'POST' and p.endswith('/attachments')
               for m, p in paths), paths
    assert any(m == 'DELETE' and '/attachments/' in p
               for m, p in paths), paths
    for method, path, has_service, roles, service_user, user in \
            seen.requests:
        assert has_service, (method, path)
        assert 'service' in roles.split(','), (method, path, roles)
        assert service_user == ks_fixture.NOVA_USER
        assert user == 'demo-member'
        assert path.startswith('/v3/%s/' % tokens['member'][1]), path


def test_boot_from_multiattach_volume(ks_stack, tokens):
    member = tokens['member'][0]
    volume = _multiattach_volume(ks_stack, tokens, 'ks-boot',
                                 imageRef=IMAGE)
    resp = ks_stack.request(
        'POST', '/v2.1/servers', token=member, version='2.60',
        json={'server': {'name': 'ks-bfv', 'flavorRef': '1', 'imageRef': '',
                         'networks': 'none', 'block_device_mapping_v2': [{
                             'uuid': volume['id'], 'source_type': 'volume',
                             'destination_type': 'volume', 'boot_index': 0,
                             'delete_on_termination': False}]}})
    assert resp.status_code == 202, resp.text
    server = ks_stack.wait_for_server(resp.json()['server']['id'], 'ACTIVE',
                                      token=member, timeout=30)
    attachments = ks_stack.request(
        'GET', '/v2.1/servers/%s/os-volume_attachments' % server['id'],
        token=member, version='2.89').json()['volumeAttachments']
    assert [a['volumeId'] for a in attachments] == [volume['id']]
    # Another project's member cannot use the volume.
    other_server = _boot(ks_stack, tokens['other'][0], 'ks-other')
    resp = ks_stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % other_server['id'],
        token=tokens['other'][0], version='2.60',
        json={'volumeAttachment': {'volumeId': volume['id']}})
    assert resp.status_code == 404, resp.text
    # Deleting the server detaches with the service token.
    assert ks_stack.request('DELETE', '/v2.1/servers/%s' % server['id'],
                            token=member).status_code == 204
    _wait_volume(ks_stack, tokens, volume['id'],
                 lambda v: v['status'] == 'available')


def _mapping(server_id, volume_id):
    from nova_lite import context as nl_context
    from nova_lite.objects import block_device as bdm_obj
    for bdm in bdm_obj.get_by_instance(nl_context.get_admin_context(),
                                       server_id):
        if bdm.volume_id == volume_id:
            return bdm
    return None


def test_stale_volume_operations_rolled_back_with_service_user(
        ks_stack, tokens, monkeypatch):
    """The compute service's clean-up of lost attaches and detaches runs
    without a user's token: with the install guide's Keystone settings
    (``[service_user]`` only, ``[cinder]`` without auth options) it calls
    the block storage as the nova service user."""
    import datetime

    from oslo_utils import timeutils

    from nova_lite.compute import rpcapi as compute_rpcapi
    from nova_lite import context as nl_context

    conf = ks_stack.conf
    assert not conf.cinder.auth_type and conf.service_user.auth_type
    manager = ks_stack.aio.compute_manager
    member = tokens['member'][0]
    server = _boot(ks_stack, member, 'ks-stale')
    path = '/v2.1/servers/%s/os-volume_attachments' % server['id']
    kept = _multiattach_volume(ks_stack, tokens, 'ks-stale-kept')
    resp = ks_stack.request('POST', path, token=member, version='2.60',
                            json={'volumeAttachment': {
                                'volumeId': kept['id']}})
    assert resp.status_code == 200, resp.text
    _wait_volume(ks_stack, tokens, kept['id'],
                 lambda v: v['status'] == 'in-use')

    # The detach and the attach whose requests to the compute service are
    # lost.
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'detach_volume',
                        lambda self, *args, **kwargs: None)
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'attach_volume',
                        lambda self, *args, **kwargs: None)
    resp = ks_stack.request('DELETE', path + '/' + kept['id'], token=member,
                            version='2.60')
    assert resp.status_code == 202, resp.text
    _wait_volume(ks_stack, tokens, kept['id'],
                 lambda v: v['status'] == 'detaching')
    lost = _multiattach_volume(ks_stack, tokens, 'ks-stale-lost')
    resp = ks_stack.request('POST', path, token=member, version='2.60',
                            json={'volumeAttachment': {
                                'volumeId': lost['id']}})
    assert resp.status_code == 200, resp.text
    assert _mapping(server['id'], lost['id']).attachment_id
    monkeypatch.undo()

    # The periodic task's context: an administrator's, with no token.
    context = nl_context.get_admin_context()
    assert context.auth_token is None
    later = timeutils.utcnow() + datetime.timedelta(
        seconds=conf.compute.volume_operation_timeout + 1)
    summary = manager.reclaim_stale_volume_operations(context, now=later)
    assert summary['detaches_rolled_back'] == 1, summary
    assert summary['rolled_back'] == 1, summary

    kept = _wait_volume(ks_stack, tokens, kept['id'], lambda v: True)
    assert kept['status'] == 'in-use'
    assert [a['server_id'] for a in kept['attachments']] == [server['id']]
    assert _mapping(server['id'], kept['id']).connection_info
    assert _mapping(server['id'], lost['id']) is None
    lost = _wait_volume(ks_stack, tokens, lost['id'], lambda v: True)
    assert lost['status'] == 'available' and lost['attachments'] == []

    # The volume detaches again once asked.
    resp = ks_stack.request('DELETE', path + '/' + kept['id'], token=member,
                            version='2.60')
    assert resp.status_code == 202, resp.text
    _wait_volume(ks_stack, tokens, kept['id'],
                 lambda v: v['status'] == 'available')
    assert ks_stack.request('DELETE', '/v2.1/servers/%s' % server['id'],
                            token=member).status_code == 204
