"""The built-in block storage answers as a real Cinder 29 does: both
behind the same Keystone, asked the same requests by the same users, for
what the snapshot, retype, metadata and volume type calls answer (bodies'
keys, status codes and fault messages, ids aside)."""

import os
import time
import uuid

import pytest
import requests

from tests.fixtures import keystone as ks_fixture
from tests.fixtures import stack as stack_fixture

TIMEOUT = 60


@pytest.fixture(scope='module')
def builtin(keystone, tmp_path_factory):
    """nova-lite-all behind the Keystone (its catalog left alone)."""
    state = str(tmp_path_factory.mktemp('nova-lite-parity'))
    conf_file = os.path.join(state, 'nova-lite.conf')
    with open(conf_file, 'w') as f:
        f.write('[api]\nauth_strategy = keystone\n' +
                keystone.authtoken_conf())
    conf = stack_fixture.make_conf(state, [
        ('cinder', 'endpoint_template', ''),
        ('cinder', 'os_region_name', ks_fixture.REGION)],
        config_file=conf_file)
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


class Side:
    """One block storage as one user sees it."""

    def __init__(self, url, token, project_id):
        self.base = '%s/v3/%s' % (url, project_id)
        self.token = token

    def __call__(self, method, path, json=None, version='3.0'):
        return requests.request(method, self.base + path, json=json,
                                timeout=30, headers={
                                    'X-Auth-Token': self.token,
                                    'OpenStack-API-Version':
                                    'volume %s' % version})

    def wait(self, path, key, status):
        deadline = time.monotonic() + TIMEOUT
        while True:
            body = self('GET', path).json()[key]
            if body['status'] == status:
                return body
            assert body['status'] != 'error', body
            assert time.monotonic() < deadline, body
            time.sleep(0.2)

    def volume(self, **fields):
        body = {'size': 1}
        body.update(fields)
        resp = self('POST', '/volumes', json={'volume': body})
        assert resp.status_code == 202, resp.text
        volume_id = resp.json()['volume']['id']
        return self.wait('/volumes/%s' % volume_id, 'volume', 'available')


@pytest.fixture(scope='module')
def sides(keystone, cinder, builtin):
    member_token, body = keystone.token('demo-member', project='demo')
    member_project = body['project']['id']
    admin_token, body = keystone.token('admin', ks_fixture.ADMIN_PASSWORD,
                                       project='admin')
    admin_project = body['project']['id']
    out = {}
    for name, url in (('cinder', cinder.url),
                      ('builtin', builtin.volume_base)):
        out[name] = (Side(url, member_token, member_project),
                     Side(url, admin_token, admin_project))
    return out


def _fault(resp, *ids):
    """``(status, message)`` with the given ids replaced by a marker."""
    message = list(resp.json().values())[0]['message']
    for value in ids:
        message = message.replace(value, '<id>')
    return resp.status_code, message


def _both(sides, run):
    answers = {name: run(*pair) for name, pair in sides.items()}
    assert answers['builtin'] == answers['cinder']
    return answers['cinder']


def test_volume_type_answers(sides):
    def run(member, admin):
        name = 'parity-%s' % uuid.uuid4().hex[:8]
        created = admin('POST', '/types', json={'volume_type': {
            'name': name, 'os-volume-type-access:is_public': False}})
        type_id = created.json()['volume_type']['id']
        updated = admin('PUT', '/types/%s' % type_id, json={
            'volume_type': {'description': 'd'}})
        shown = admin('GET', '/types/%s' % type_id)
        by_id = member('POST', '/volumes', json={'volume': {
            'size': 1, 'volume_type': type_id}})
        by_name = member('POST', '/volumes', json={'volume': {
            'size': 1, 'volume_type': name}})
        member_show = member('GET', '/types/%s' % type_id)
        access = admin('POST', '/types/%s/action' % type_id, json={
            'addProjectAccess': {'project': 'nobody'}})
        again = admin('POST', '/types/%s/action' % type_id, json={
            'addProjectAccess': {'project': 'nobody'}})
        listed = admin('GET', '/types/%s/os-volume-type-access' % type_id)
        return (created.status_code, sorted(created.json()['volume_type']),
                updated.status_code, sorted(updated.json()['volume_type']),
                sorted(shown.json()['volume_type']),
                _fault(by_id, type_id), _fault(by_name, type_id, name),
                _fault(member_show, type_id), access.status_code,
                _fault(again, type_id), listed.json()['volume_type_access'][
                    0]['project_id'])
    answers = _both(sides, run)
    assert answers[5] == answers[6] == (
        404, 'Volume type <id> could not be found.')
    assert 'os-volume-type-access:is_public' not in answers[3]


def test_snapshot_answers(sides):
    def run(member, admin):
        volume = member.volume()
        created = member('POST', '/snapshots', json={'snapshot': {
            'volume_id': volume['id'], 'name': 's'}})
        snap_id = created.json()['snapshot']['id']
        member.wait('/snapshots/%s' % snap_id, 'snapshot', 'available')
        shown = member('GET', '/snapshots/%s' % snap_id)
        listed = member('GET', '/snapshots').json()['snapshots']
        detail = member('GET', '/snapshots/detail').json()['snapshots']
        updated = member('PUT', '/snapshots/%s' % snap_id, json={
            'snapshot': {'description': 'new'}})
        meta = member('POST', '/snapshots/%s/metadata' % snap_id,
                      json={'metadata': {'a': 'b'}})
        missing = member('GET', '/snapshots/%s/metadata/x' % snap_id)
        too_small = member('POST', '/volumes', json={'volume': {
            'snapshot_id': snap_id, 'size': 0}})
        delete_volume = member('DELETE', '/volumes/%s' % volume['id'])
        attachment = member('POST', '/attachments', version='3.27', json={
            'attachment': {'volume_uuid': volume['id'],
                           'instance_uuid': str(uuid.uuid4())}})
        reserved = member('POST', '/snapshots', json={'snapshot': {
            'volume_id': volume['id']}})
        forced = member('POST', '/snapshots', json={'snapshot': {
            'volume_id': volume['id'], 'force': True}})
        member('DELETE', '/attachments/%s' % attachment.json()[
            'attachment']['id'], version='3.27')
        member('DELETE', '/snapshots/%s' % snap_id)
        return (created.status_code, sorted(created.json()['snapshot']),
                created.json()['snapshot']['status'],
                sorted(shown.json()['snapshot']),
                sorted([s for s in listed if s['id'] == snap_id][0]),
                sorted([s for s in detail if s['id'] == snap_id][0]),
                updated.status_code, sorted(updated.json()['snapshot']),
                meta.json(), _fault(missing, snap_id),
                too_small.status_code, _fault(delete_volume, volume['id']),
                _fault(reserved, volume['id']),
                _fault(forced, volume['id']))
    _both(sides, run)


def test_retype_answers(sides):
    def run(member, admin):
        plain = admin('POST', '/types', json={'volume_type': {
            'name': 'parity-%s' % uuid.uuid4().hex[:8]}}).json()[
                'volume_type']
        multi = admin('POST', '/types', json={'volume_type': {
            'name': 'parity-%s' % uuid.uuid4().hex[:8],
            'extra_specs': {'multiattach': '<is> True'}}}).json()[
                'volume_type']
        volume = member.volume(volume_type=plain['name'])
        same = member('POST', '/volumes/%s/action' % volume['id'], json={
            'os-retype': {'new_type': plain['id']}})
        unknown = member('POST', '/volumes/%s/action' % volume['id'], json={
            'os-retype': {'new_type': 'no-such-type'}})
        attachment = member('POST', '/attachments', version='3.27', json={
            'attachment': {'volume_uuid': volume['id'],
                           'instance_uuid': str(uuid.uuid4())}})
        to_multi = member('POST', '/volumes/%s/action' % volume['id'],
                          json={'os-retype': {'new_type': multi['id']}})
        member('DELETE', '/attachments/%s' % attachment.json()[
            'attachment']['id'], version='3.27')
        member.wait('/volumes/%s' % volume['id'], 'volume', 'available')
        available = member('POST', '/volumes/%s/action' % volume['id'],
                           json={'os-retype': {'new_type': multi['id']}})
        done = member.wait('/volumes/%s' % volume['id'], 'volume',
                           'available')
        return (_fault(same), _fault(unknown), _fault(to_multi),
                available.status_code, done['multiattach'],
                done['volume_type'] == multi['name'])
    answers = _both(sides, run)
    assert answers[2] == (400, 'Invalid input received: Invalid volume_type '
                          'passed, retypes affecting multiattach are only '
                          'allowed on available volumes, the specified '
                          'volume however currently has a status of: '
                          'reserved.')


def test_volume_metadata_answers(sides):
    def run(member, admin):
        volume = member.volume(metadata={'a': '1'})
        url = '/volumes/%s/metadata' % volume['id']
        answers = [member('GET', url).json(),
                   member('POST', url, json={'metadata': {'b': '2'}}).json(),
                   member('PUT', url, json={'metadata': {'c': '3'}}).json(),
                   member('PUT', url + '/c', json={'meta': {'c': '4'}}).json(),
                   member('GET', url + '/c').json()]
        mismatch = member('PUT', url + '/x', json={'meta': {'y': '1'}})
        deleted = member('DELETE', url + '/c')
        missing = member('DELETE', url + '/c')
        return answers + [_fault(mismatch), deleted.status_code,
                          deleted.content, _fault(missing, volume['id'])]
    _both(sides, run)
