"""The block storage refuses to delete an attachment that connects a volume
to a server unless the request carries a service token (Cinder's fix of bug
#2004555): a user deleting it directly would leave the volume connected to
the compute host while the block storage hands it to somebody else.

Cinder's answer is 409 ``Detach volume from instance <id> using the Compute
API``; administrators are refused too, other projects get the 404 of an
attachment they cannot see, readers the 403 of the policy. As in Cinder, an
attachment the compute API does not use (asked with the user's token), or
not connected to a server (reserved only), may be deleted by its project.
nova's own detach, which sends its service token, goes through.
"""


import pytest

from nova_lite.block_storage import controllers as bs_controllers
from nova_lite import context as nl_context
from nova_lite.volume import cinder
from tests.security import personas as p

MULTIATTACH = {'volume_type': {'name': 'multiattach', 'extra_specs': {
    'multiattach': '<is> True'}}}


def _multiattach_volume(stack):
    resp = stack.volume_request('POST', '/v3/types', token=p.ADMIN,
                                json=MULTIATTACH)
    assert resp.status_code == 200, resp.text
    resp = stack.volume_request('POST', '/v3/volumes', token=p.MEMBER,
                                json={'volume': {
                                    'size': 1, 'volume_type': 'multiattach'}})
    assert resp.status_code == 202, resp.text
    volume_id = resp.json()['volume']['id']
    stack.wait_for_volume(volume_id, 'available', token=p.MEMBER)
    return volume_id


def _attachment_id(stack, server_id, volume_id):
    resp = stack.request(
        'GET', '/v2.1/servers/%s/os-volume_attachments/%s' % (
            server_id, volume_id), token=p.MEMBER, version='2.89')
    assert resp.status_code == 200, resp.text
    return resp.json()['volumeAttachment']['attachment_id']


def _delete(stack, attachment_id, persona, headers=None):
    hdrs = dict(p.PERSONAS[persona])
    hdrs.update(headers or {})
    return p.call(stack.volume_base + '/v3', 'DELETE',
                  '/attachments/%s' % attachment_id, hdrs, version='3.44',
                  service='volume')


def _attachments_of(stack, volume_id):
    resp = stack.volume_request('GET', '/v3/volumes/%s' % volume_id,
                                token=p.ADMIN)
    return {(a['server_id'], a['attachment_id'])
            for a in resp.json()['volume']['attachments']}


@pytest.fixture
def security_stack(tmp_path):
    from tests.fixtures import stack as stack_fixture
    conf = stack_fixture.make_conf(tmp_path)
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def test_only_nova_deletes_an_attachment_in_use(security_stack):
    stack = security_stack
    res = p.Resources(stack)
    volume_id = _multiattach_volume(stack)
    servers = [res.server(), res.server()]
    for server_id in servers:
        resp = stack.request(
            'POST', '/v2.1/servers/%s/os-volume_attachments' % server_id,
            token=p.MEMBER, version='2.60',
            json={'volumeAttachment': {'volumeId': volume_id}})
        assert resp.status_code == 200, resp.text
    p.wait_for('both attachments', lambda: len(
        _attachments_of(stack, volume_id)) == 2)
    first = _attachment_id(stack, servers[0], volume_id)
    second = _attachment_id(stack, servers[1], volume_id)
    before = _attachments_of(stack, volume_id)
    assert before == {(servers[0], first), (servers[1], second)}

    # The owner, and even an administrator, without a service token: 409.
    for persona in ('member', 'admin'):
        resp = _delete(stack, first, persona)
        assert resp.status_code == 409, resp.text
        assert resp.json() == {'conflictingRequest': {
            'code': 409,
            'message': 'Detach volume from instance %s using the Compute '
                       'API' % servers[0]}}
    # A service token of the wrong shape (no user) is no service token.
    resp = _delete(stack, first, 'member', {'X-Service-Token': ':service'})
    assert resp.status_code == 409, resp.text
    # A reader: the policy's 403; another project: the attachment is not
    # there for it.
    resp = _delete(stack, first, 'reader')
    assert resp.status_code == 403, resp.text
    assert resp.json()['forbidden']['message'] == (
        "Policy doesn't allow volume:attachment_delete to be performed.")
    resp = _delete(stack, first, 'other')
    assert resp.status_code == 404, resp.text
    assert resp.json()['itemNotFound']['message'] == (
        'Volume attachment could not be found with filter: '
        'attachment_id = %s.' % first)
    # Nothing was lost on either side.
    assert _attachments_of(stack, volume_id) == before
    # An attachment of the same server and volume that nova does not use
    # (nova maps the volume with another one) is the project's to delete.
    resp = stack.volume_request(
        'POST', '/v3/attachments', token=p.MEMBER, version='3.44',
        json={'attachment': {'volume_uuid': volume_id,
                             'instance_uuid': servers[0],
                             'connector': {'host': 'compute1'}}})
    assert resp.status_code == 200, resp.text
    stray = resp.json()['attachment']['id']
    assert resp.json()['attachment']['connection_info']
    resp = _delete(stack, stray, 'member')
    assert resp.status_code == 200, resp.text
    assert _attachments_of(stack, volume_id) == before
    assert stack.request(
        'GET', '/v2.1/servers/%s/os-volume_attachments' % servers[0],
        token=p.MEMBER, version='2.89').json()['volumeAttachments'][0][
            'attachment_id'] == first

    # nova's own detach (the user's token plus nova's service token).
    for server_id in servers:
        resp = stack.request(
            'DELETE', '/v2.1/servers/%s/os-volume_attachments/%s' % (
                server_id, volume_id), token=p.MEMBER)
        assert resp.status_code == 202, resp.text
    stack.wait_for_volume(volume_id, 'available', token=p.MEMBER)
    assert _attachments_of(stack, volume_id) == set()
    for server_id in servers:
        resp = stack.request(
            'GET', '/v2.1/servers/%s/os-volume_attachments' % server_id,
            token=p.MEMBER, version='2.89')
        assert resp.json()['volumeAttachments'] == []


def test_attachments_nova_does_not_use_may_be_deleted(security_stack):
    """A reserved attachment (no connector yet) is the project's to delete;
    so is a connected one of a server the compute API does not know --
    unless the compute API cannot be asked: then only services may."""
    stack = security_stack
    res = p.Resources(stack)
    reserved = res.attachment()
    resp = _delete(stack, reserved, 'member')
    assert resp.status_code == 200, resp.text
    unknown_server = res.attachment(connector=True)
    resp = _delete(stack, unknown_server, 'member')
    assert resp.status_code == 200, resp.text

    conf = stack.conf
    conf.set_override('compute_endpoint', None, group='block_storage')
    try:
        connected = res.attachment(connector=True)
        resp = _delete(stack, connected, 'member')
        assert resp.status_code == 409, resp.text
        assert resp.json()['conflictingRequest']['message'].startswith(
            'Detach volume from instance ')
        resp = _delete(stack, connected, 'member', p.NOVA_SERVICE)
        assert resp.status_code == 200, resp.text
    finally:
        conf.clear_override('compute_endpoint', group='block_storage')


def test_compute_endpoint_from_the_catalog():
    from oslo_config import cfg
    from nova_lite.block_storage import compute
    from nova_lite.conf import block_storage as bs_conf
    conf = cfg.ConfigOpts()
    bs_conf.register_opts(conf)
    catalog = [{'type': 'volumev3', 'endpoints': [
                   {'interface': 'public', 'url': 'http://v/v3'}]},
               {'type': 'compute', 'endpoints': [
                   {'interface': 'internal', 'url': 'http://i/v2.1'},
                   {'interface': 'public', 'url': 'http://c/v2.1/'}]}]
    ctx = nl_context.RequestContext(user_id='u', project_id='p',
                                    service_catalog=catalog)
    assert compute._endpoint(conf, ctx) == 'http://c/v2.1'
    assert compute._endpoint(conf, nl_context.RequestContext()) is None
    conf.set_override('compute_endpoint', 'http://set/v2.1',
                      group='block_storage')
    assert compute._endpoint(conf, ctx) == 'http://set/v2.1'


class _Conf:
    def __init__(self, roles=None):
        if roles is not None:
            self.keystone_authtoken = type('ks', (), {
                'service_token_roles': roles})()


@pytest.mark.parametrize('service_roles,configured,expected', [
    (['service'], None, True),          # noauth2: keystonemiddleware absent
    ([], None, False),
    (['admin'], None, False),
    (['service'], ['service'], True),
    (['nova'], ['service', 'nova'], True),
    (['service'], ['nova'], False),
])
def test_service_request_rule(service_roles, configured, expected):
    from oslo_config import cfg
    conf = cfg.ConfigOpts()
    if configured is not None:
        conf.register_opts([cfg.ListOpt('service_token_roles')],
                           group='keystone_authtoken')
        conf.set_override('service_token_roles', configured,
                          group='keystone_authtoken')
    ctx = nl_context.RequestContext(user_id='u', project_id='p',
                                    service_roles=service_roles)
    assert bs_controllers.is_service_request(conf, ctx) is expected


def test_compute_sends_a_service_token(tmp_path):
    """The Cinder client's credentials: under noauth2 the user's token (or
    the administrator's for periodic tasks) with the ``nova:service``
    service token; with Keystone and no ``[service_user]`` none."""
    from tests.fixtures import stack as stack_fixture
    conf = stack_fixture.make_conf(tmp_path)
    state = cinder._state(conf)
    user = nl_context.RequestContext(user_id='alice', project_id='a',
                                     auth_token='alice:a')
    options = cinder._options(conf)
    headers = cinder._auth(options, state, user).get_headers(None)
    assert headers == {'X-Auth-Token': 'alice:a',
                       'X-Service-Token': 'nova:service'}
    periodic = nl_context.get_admin_context()
    headers = cinder._auth(options, state, periodic).get_headers(None)
    assert headers == {'X-Auth-Token': 'admin:admin',
                       'X-Service-Token': 'nova:service'}
    conf.set_override('auth_strategy', 'keystone', group='api')
    headers = cinder._auth(cinder._options(conf), state, user).get_headers(None)
    assert headers == {'X-Auth-Token': 'alice:a'}
