"""The image service's own routes: who may call what (Glance's default
policies), and a refused request leaves the records and the data files
as they were."""

import os

import pytest
import requests

from nova_lite.image_service import policy as image_policy
from nova_lite.image_service import service
from tests.fixtures import stack as stack_fixture

PATCH = {'Content-Type': 'application/openstack-images-v2.1-json-patch'}
OCTET = {'Content-Type': 'application/octet-stream'}
OWNER = 'demo:demo'
READER = ('demo:demo', {'X-Roles': 'reader'})
STRANGER = ('other:other', {})
MEMBER_OF_SHARED = ('friend:friend', {})


@pytest.fixture(scope='module')
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('image-policy')
    conf = stack_fixture.make_conf(tmp, overrides=[
        ('image_service', 'listen_port', 0)])
    svc = service.ImageService(conf).start()

    def call(method, path, token=OWNER, headers=None, **kwargs):
        hdrs = {'X-Auth-Token': token}
        hdrs.update(headers or {})
        return requests.request(method, svc.endpoint + path, headers=hdrs,
                                timeout=30, **kwargs)

    ids = {}
    for name, visibility in (('shared', 'shared'), ('private', 'private'),
                             ('queued', 'shared')):
        resp = call('POST', '/v2/images', json={
            'name': name, 'visibility': visibility, 'disk_format': 'raw',
            'container_format': 'bare'})
        assert resp.status_code == 201, resp.text
        ids[name] = resp.json()['id']
    for name in ('shared', 'private'):
        assert call('PUT', '/v2/images/%s/file' % ids[name], data=b'data',
                    headers=OCTET).status_code == 204
    call('POST', '/v2/images/%s/members' % ids['shared'],
         json={'member': 'friend'})
    call('PUT', '/v2/images/%s/members/friend' % ids['shared'],
         token='friend:friend', json={'status': 'accepted'})
    try:
        yield svc, call, ids
    finally:
        svc.stop()


def _state(svc):
    files = sorted(
        (name, os.path.getsize(os.path.join(svc.store.files.images_path,
                                            name)))
        for name in os.listdir(svc.store.files.images_path))
    return svc.store.list(), files


# (persona, method, path template, body kwargs, expected status)
REFUSED = [
    (READER, 'POST', '/v2/images', {'json': {'name': 'x'}}, 403),
    (READER, 'PATCH', '/v2/images/{shared}',
     {'json': [{'op': 'replace', 'path': '/name', 'value': 'x'}],
      'headers': PATCH}, 403),
    (READER, 'DELETE', '/v2/images/{shared}', {}, 403),
    (READER, 'PUT', '/v2/images/{queued}/file',
     {'data': b'x', 'headers': OCTET}, 403),
    (READER, 'PUT', '/v2/images/{shared}/tags/t', {}, 403),
    (READER, 'POST', '/v2/images/{shared}/members',
     {'json': {'member': 'x'}}, 403),
    (READER, 'POST', '/v2/images/{shared}/actions/deactivate', {}, 403),
    (STRANGER, 'GET', '/v2/images/{private}', {}, 404),
    (STRANGER, 'GET', '/v2/images/{private}/file', {}, 404),
    (STRANGER, 'PATCH', '/v2/images/{private}',
     {'json': [{'op': 'replace', 'path': '/name', 'value': 'x'}],
      'headers': PATCH}, 404),
    (STRANGER, 'DELETE', '/v2/images/{private}', {}, 404),
    (STRANGER, 'PUT', '/v2/images/{queued}/file',
     {'data': b'x', 'headers': OCTET}, 404),
    (STRANGER, 'POST', '/v2/images/{private}/members',
     {'json': {'member': 'other'}}, 404),
    (STRANGER, 'POST', '/v2/images', {'json': {'owner': 'demo'}}, 403),
    (MEMBER_OF_SHARED, 'PATCH', '/v2/images/{shared}',
     {'json': [{'op': 'replace', 'path': '/name', 'value': 'x'}],
      'headers': PATCH}, 403),
    (MEMBER_OF_SHARED, 'DELETE', '/v2/images/{shared}', {}, 403),
    (MEMBER_OF_SHARED, 'PUT', '/v2/images/{shared}/tags/t', {}, 403),
    (MEMBER_OF_SHARED, 'DELETE', '/v2/images/{shared}/members/friend', {},
     403),
    (MEMBER_OF_SHARED, 'POST', '/v2/images/{shared}/members',
     {'json': {'member': 'third'}}, 403),
    (MEMBER_OF_SHARED, 'POST', '/v2/images/{shared}/actions/deactivate',
     {}, 403),
    (('demo:demo', {}), 'PATCH', '/v2/images/{shared}',
     {'json': [{'op': 'replace', 'path': '/visibility',
                'value': 'public'}], 'headers': PATCH}, 403),
    (('demo:demo', {}), 'PUT', '/v2/images/{shared}/members/friend',
     {'json': {'status': 'rejected'}}, 403),
    (('demo:demo', {}), 'PUT', '/v2/images/{shared}/file',
     {'data': b'again', 'headers': OCTET}, 409),
]


@pytest.mark.parametrize('persona,method,path,kwargs,status', REFUSED)
def test_refused_request_writes_nothing(env, persona, method, path, kwargs,
                                        status):
    svc, call, ids = env
    token, headers = persona
    before = _state(svc)
    hdrs = dict(headers)
    hdrs.update(kwargs.get('headers', {}))
    extra = {k: v for k, v in kwargs.items() if k != 'headers'}
    resp = call(method, path.format(**ids), token=token, headers=hdrs,
                **extra)
    assert resp.status_code == status, resp.text
    assert _state(svc) == before


def test_defaults_are_glances_names():
    names = {rule.name for rule in image_policy.list_rules()}
    assert names >= {
        'get_image', 'get_images', 'add_image', 'modify_image',
        'delete_image', 'upload_image', 'download_image', 'publicize_image',
        'communitize_image', 'add_member', 'get_member', 'get_members',
        'modify_member', 'delete_member', 'deactivate', 'reactivate'}


def test_policy_file_overrides(tmp_path):
    policy_file = tmp_path / 'image-policy.yaml'
    policy_file.write_text('"add_image": "!"\n')
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('image_service', 'policy_file', str(policy_file))])
    enforcer = image_policy.Enforcer(conf)
    from nova_lite import context
    ctx = context.RequestContext(user_id='demo', project_id='demo',
                                 roles=['reader', 'member'])
    target = image_policy.project_target(ctx)
    assert not enforcer.allowed(ctx, 'add_image', target)
    assert enforcer.allowed(ctx, 'get_images', target)
