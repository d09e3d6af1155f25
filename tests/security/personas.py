"""Personas and resource builders for the security tests.

Tokens are noauth2's ``user:project``; a project reader is expressed as
nova's functional-test clients do it, with ``X-Roles: reader``.
"""

import time
import uuid

import requests

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
PROJECT = 'proj-a'
OTHER_PROJECT = 'proj-b'

PERSONAS = {
    'admin': {'X-Auth-Token': 'admin:admin'},
    'member': {'X-Auth-Token': 'alice:%s' % PROJECT},
    'reader': {'X-Auth-Token': 'rita:%s' % PROJECT, 'X-Roles': 'reader'},
    'other': {'X-Auth-Token': 'bob:%s' % OTHER_PROJECT},
    'anonymous': {},
}
PROJECTS = {'admin': 'admin', 'member': PROJECT, 'reader': PROJECT,
            'other': OTHER_PROJECT, 'anonymous': PROJECT}
MEMBER = PERSONAS['member']['X-Auth-Token']
ADMIN = PERSONAS['admin']['X-Auth-Token']
NOVA_SERVICE = {'X-Service-Token': 'nova:service'}
TIMEOUT = 30


def call(base, method, path, persona_headers, version=None, service='compute',
         json=None, headers=None):
    hdrs = dict(persona_headers)
    if version:
        hdrs['OpenStack-API-Version'] = '%s %s' % (service, version)
    hdrs.update(headers or {})
    return requests.request(method, base + path, headers=hdrs, json=json,
                            timeout=TIMEOUT)


def wait_for(what, check, timeout=TIMEOUT, interval=0.05):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError('timed out waiting for %s (last: %r)' % (what, last))


class Resources:
    """Servers, volumes and attachments of the member's project."""

    def __init__(self, stack):
        self.stack = stack

    # -- compute -------------------------------------------------------------

    def server(self, state='ACTIVE'):
        st = self.stack
        resp = st.request('POST', '/v2.1/servers', token=MEMBER,
                          version='2.60', json={'server': {
                              'name': 'sec-%s' % uuid.uuid4().hex[:6],
                              'flavorRef': '1', 'networks': 'none',
                              'imageRef': IMAGE}})
        assert resp.status_code == 202, resp.text
        server_id = resp.json()['server']['id']
        st.wait_for_server(server_id, 'ACTIVE', token=MEMBER,
                           timeout=TIMEOUT)
        action = {'SHUTOFF': {'os-stop': None}, 'SHELVED': {'shelve': None},
                  'PAUSED': {'pause': None}, 'SUSPENDED': {'suspend': None},
                  'ACTIVE': None}[state]
        if action:
            resp = st.request('POST', '/v2.1/servers/%s/action' % server_id,
                              token=MEMBER, json=action)
            assert resp.status_code == 202, resp.text
            st.wait_for_server(server_id, state, token=MEMBER,
                               timeout=TIMEOUT)
        return server_id

    def attached(self):
        """(server id, volume id) attached through the compute API."""
        server_id = self.server()
        volume_id = self.volume()
        resp = self.stack.request(
            'POST', '/v2.1/servers/%s/os-volume_attachments' % server_id,
            token=MEMBER, version='2.89',
            json={'volumeAttachment': {'volumeId': volume_id}})
        assert resp.status_code == 200, resp.text
        self.stack.wait_for_volume(volume_id, 'in-use', token=MEMBER,
                                   timeout=TIMEOUT)
        return server_id, volume_id

    # -- block storage -------------------------------------------------------

    def volume(self, state='available'):
        st = self.stack
        resp = st.volume_request('POST', '/v3/volumes', token=MEMBER,
                                 json={'volume': {'size': 1}})
        assert resp.status_code == 202, resp.text
        volume_id = resp.json()['volume']['id']
        st.wait_for_volume(volume_id, 'available', token=MEMBER,
                           timeout=TIMEOUT)
        if state == 'reserved':
            self.volume_action(volume_id, {'os-reserve': None})
        elif state in ('in-use', 'detaching'):
            self.attachment(volume_id, connector=True, complete=True)
            if state == 'detaching':
                self.volume_action(volume_id, {'os-begin_detaching': None})
        return volume_id

    def volume_action(self, volume_id, body):
        resp = self.stack.volume_request(
            'POST', '/v3/volumes/%s/action' % volume_id, token=MEMBER,
            json=body)
        assert resp.status_code in (200, 202), resp.text

    def attachment(self, volume_id=None, connector=False, complete=False):
        volume_id = volume_id or self.volume()
        body = {'volume_uuid': volume_id, 'instance_uuid': str(uuid.uuid4())}
        if connector:
            body['connector'] = {'host': 'compute1', 'mountpoint': '/dev/vdb'}
        resp = self.stack.volume_request(
            'POST', '/v3/attachments', token=MEMBER, version='3.44',
            json={'attachment': body})
        assert resp.status_code == 200, resp.text
        attachment_id = resp.json()['attachment']['id']
        if complete:
            resp = self.stack.volume_request(
                'POST', '/v3/attachments/%s/action' % attachment_id,
                token=MEMBER, version='3.44', json={'os-complete': {}})
            assert resp.status_code == 204, resp.text
        return attachment_id

    def volume_type(self, extra_specs=None):
        resp = self.stack.volume_request(
            'POST', '/v3/types', token=ADMIN, json={'volume_type': {
                'name': 'sec-%s' % uuid.uuid4().hex[:8],
                'extra_specs': extra_specs or {'k': 'v'}}})
        assert resp.status_code == 200, resp.text
        return resp.json()['volume_type']['id']
