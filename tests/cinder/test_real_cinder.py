"""The multi-attach workflow of nova_lite against a real Cinder 29 behind
a real Keystone 30, with nova_lite's own block storage turned off
(``[block_storage] enabled = False``): two servers sharing a volume, the
2.59 refusal, Cinder's 409 when a user deletes an attachment a server
uses (Cinder asks nova_lite first), detach, boot from volume, and the
clean-up of operations left waiting, whose calls carry no user token.
"""

import datetime
import time

import pytest
import requests

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite import context as nl_context
from oslo_utils import timeutils
from tests.fixtures import keystone as ks_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
TIMEOUT = 60


@pytest.fixture(scope='module')
def member(keystone):
    token, body = keystone.token('demo-member', project='demo')
    return token, body['project']['id']


@pytest.fixture(scope='module')
def admin(keystone):
    token, body = keystone.token('admin', ks_fixture.ADMIN_PASSWORD,
                                 project='admin')
    return token, body['project']['id']


class Volumes:
    """Cinder's API as the given user sees it."""

    def __init__(self, cinder, token, project_id):
        self.base = '%s/v3/%s' % (cinder.url, project_id)
        self.token = token

    def request(self, method, path, version='3.0', json=None):
        return requests.request(
            method, self.base + path, json=json, timeout=30, headers={
                'X-Auth-Token': self.token,
                'OpenStack-API-Version': 'volume %s' % version})

    def create(self, volume_type=None):
        body = {'size': 1, 'name': 'nl-cinder'}
        if volume_type:
            body['volume_type'] = volume_type
        resp = self.request('POST', '/volumes', json={'volume': body})
        assert resp.status_code == 202, resp.text
        return self.wait(resp.json()['volume']['id'], 'available')['id']

    def get(self, volume_id):
        resp = self.request('GET', '/volumes/%s' % volume_id)
        assert resp.status_code == 200, resp.text
        return resp.json()['volume']

    def wait(self, volume_id, status, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            volume = self.get(volume_id)
            if volume['status'] == status:
                return volume
            assert volume['status'] != 'error', volume
            assert time.monotonic() < deadline, volume
            time.sleep(0.2)

    def attachments(self, volume_id):
        resp = self.request('GET', '/attachments/detail?volume_id=%s'
                            % volume_id, version='3.27')
        assert resp.status_code == 200, resp.text
        return resp.json()['attachments']


@pytest.fixture(scope='module')
def volumes(cinder, member):
    return Volumes(cinder, *member)


@pytest.fixture(scope='module')
def multiattach_type(cinder, admin):
    resp = Volumes(cinder, *admin).request(
        'POST', '/types', json={'volume_type': {
            'name': 'multiattach',
            'extra_specs': {'multiattach': '<is> True'}}})
    assert resp.status_code == 200, resp.text
    return 'multiattach'


def _boot(st, token, name, **extra):
    server = {'name': name, 'flavorRef': '1', 'networks': 'none'}
    server.update(extra)
    if 'block_device_mapping_v2' not in extra:
        server['imageRef'] = IMAGE
    resp = st.request('POST', '/v2.1/servers', token=token, version='2.60',
                      json={'server': server})
    assert resp.status_code == 202, resp.text
    return st.wait_for_server(resp.json()['server']['id'], 'ACTIVE',
                              token=token, timeout=TIMEOUT)['id']


def _attach(st, token, server_id, volume_id, version='2.60'):
    return st.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % server_id,
        token=token, version=version,
        json={'volumeAttachment': {'volumeId': volume_id}})


def _detach(st, token, server_id, volume_id):
    resp = st.request(
        'DELETE', '/v2.1/servers/%s/os-volume_attachments/%s' % (
            server_id, volume_id), token=token, version='2.60')
    assert resp.status_code == 202, resp.text


def _wait_attachments(volumes, volume_id, count):
    deadline = time.monotonic() + TIMEOUT
    while True:
        found = volumes.attachments(volume_id)
        if len(found) == count and all(a['status'] == 'attached'
                                       for a in found):
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.2)


def test_two_servers_share_a_volume(cinder_stack, member, volumes,
                                    multiattach_type):
    st, _conf = cinder_stack
    token = member[0]
    shared = volumes.create(multiattach_type)
    s1, s2 = _boot(st, token, 'share-1'), _boot(st, token, 'share-2')

    # Below 2.60 a multiattach volume is refused, as nova refuses it.
    resp = _attach(st, token, s1, shared, version='2.59')
    assert resp.status_code == 400, resp.text
    assert resp.json() == {'badRequest': {
        'code': 400, 'message': 'Multiattach volumes are only supported '
        'starting with compute API version 2.60.'}}

    # One after the other: Cinder reserves a volume only while it is
    # available or in-use, not while another attach keeps it "reserved".
    for count, server_id in enumerate((s1, s2), 1):
        resp = _attach(st, token, server_id, shared)
        assert resp.status_code == 200, resp.text
        found = _wait_attachments(volumes, shared, count)
    assert sorted(a['instance'] for a in found) == sorted([s1, s2])
    volume = volumes.wait(shared, 'in-use')
    assert volume['multiattach'] is True
    listed = st.request('GET', '/v2.1/servers/%s/os-volume_attachments' % s1,
                        token=token, version='2.89').json()
    mine = [a for a in found if a['instance'] == s1][0]
    assert listed['volumeAttachments'][0]['attachment_id'] == mine['id']

    # A user deleting the attachment a server uses: Cinder asks nova_lite,
    # which still maps it, and refuses.
    resp = volumes.request('DELETE', '/attachments/%s' % mine['id'],
                           version='3.27')
    assert resp.status_code == 409, resp.text
    assert 'using the Compute API' in resp.text, resp.text
    assert len(volumes.attachments(shared)) == 2

    _detach(st, token, s1, shared)
    found = _wait_attachments(volumes, shared, 1)
    assert found[0]['instance'] == s2
    assert volumes.get(shared)['status'] == 'in-use'
    _detach(st, token, s2, shared)
    volumes.wait(shared, 'available')
    assert volumes.attachments(shared) == []


def test_boot_from_volume(cinder_stack, member, volumes):
    st, _conf = cinder_stack
    token = member[0]
    root = volumes.create()
    resp = volumes.request('POST', '/volumes/%s/action' % root,
                           json={'os-set_bootable': {'bootable': True}})
    assert resp.status_code == 200, resp.text
    server_id = _boot(st, token, 'from-volume', block_device_mapping_v2=[{
        'boot_index': 0, 'uuid': root, 'source_type': 'volume',
        'destination_type': 'volume', 'delete_on_termination': False}])
    found = _wait_attachments(volumes, root, 1)
    assert found[0]['instance'] == server_id
    assert volumes.get(root)['status'] == 'in-use'
    resp = st.request('DELETE', '/v2.1/servers/%s' % server_id, token=token)
    assert resp.status_code == 204
    st.wait_for_server(server_id, 'DELETED', token=token, timeout=TIMEOUT)
    volumes.wait(root, 'available')
    assert volumes.attachments(root) == []


def test_stale_operations_cleaned_up(cinder_stack, member, volumes,
                                     monkeypatch):
    """An attach whose request never reached the compute service and a
    volume left "detaching": rolled back by the compute service's periodic
    clean-up, which calls Cinder with the [service_user] credentials (no
    user token)."""
    st, _conf = cinder_stack
    token = member[0]
    manager = st.aio.compute_manager
    server_id = _boot(st, token, 'stale')
    kept = volumes.create()
    assert _attach(st, token, server_id, kept).status_code == 200
    _wait_attachments(volumes, kept, 1)
    # The detach request is lost on its way to the compute service.
    resp = volumes.request('POST', '/volumes/%s/action' % kept,
                           json={'os-begin_detaching': None})
    assert resp.status_code == 202, resp.text
    assert volumes.get(kept)['status'] == 'detaching'
    # So is the next attach's.
    lost = volumes.create()
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'attach_volume',
                        lambda self, *args, **kwargs: None)
    assert _attach(st, token, server_id, lost).status_code == 200
    assert volumes.get(lost)['status'] == 'reserved'

    timeout = st.conf.compute.volume_operation_timeout
    summary = manager.reclaim_stale_volume_operations(
        nl_context.get_admin_context(),
        now=timeutils.utcnow() + datetime.timedelta(seconds=timeout + 5))
    assert summary['rolled_back'] == 1, summary
    assert summary['detaches_rolled_back'] == 1, summary
    volumes.wait(kept, 'in-use')
    volumes.wait(lost, 'available')
    assert volumes.attachments(lost) == []
    monkeypatch.undo()
    _detach(st, token, server_id, kept)
    volumes.wait(kept, 'available')


def test_audit_agrees_with_cinder(cinder_stack, member, volumes, capsys):
    """nova-lite-manage volume_attachment audit, reading Cinder with the
    [service_user] credentials, finds nova_lite and Cinder in agreement,
    then an attachment of a deleted server, which it deletes."""
    from nova_lite.cmd import manage
    from nova_lite.objects import instance as instance_obj
    st, conf_file = cinder_stack
    token = member[0]
    manage_conf = conf_file + '.manage'
    with open(conf_file) as f, open(manage_conf, 'w') as out:
        out.write(f.read() + '\n[DEFAULT]\nstate_path = %s\nhost = %s\n'
                  '[block_storage]\nenabled = false\n[cinder]\n'
                  'os_region_name = %s\n' % (
                      st.conf.state_path, st.conf.host, ks_fixture.REGION))
    server_id = _boot(st, token, 'audited')
    volume_id = volumes.create()
    assert _attach(st, token, server_id, volume_id).status_code == 200
    _wait_attachments(volumes, volume_id, 1)
    args = ['--config-file', manage_conf, 'volume_attachment', 'audit',
            '--older-than', '0', '--fix']
    assert manage.main(args) == 0, capsys.readouterr().out

    # Deleted while its compute service was down and Cinder failing.
    st.aio.compute_manager.driver.destroy(
        instance_obj.Instance(uuid=server_id))
    instance_obj.destroy(nl_context.get_admin_context(), server_id)
    assert volumes.get(volume_id)['status'] == 'in-use'
    assert manage.main(args) == 4, capsys.readouterr().out
    volumes.wait(volume_id, 'available')
    assert volumes.attachments(volume_id) == []
