"""A started all-in-one per test module, seeded with a server that has a
multiattach volume attached, plus helpers: raw HTTP requests (bytes a
regular client refuses to send), nova's fault check and a snapshot of
every database row."""

import glob
import hashlib
import os
import socket
import sqlite3
import time

import pytest

from tests.fixtures import stack as stack_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'
TOKEN = 'demo:demo'

# Columns that periodic tasks (service heartbeats) change on their own.
_VOLATILE = {'updated_at', 'report_count', 'last_seen_up'}
# Written by the compute service's periodic resource report, whatever the
# API is asked.
_PERIODIC_TABLES = {'compute_nodes'}


class Seeded:
    """The stack and the ids of what it holds."""

    def __init__(self, stack, state_path):
        self.stack = stack
        self.state_path = str(state_path)
        self.server_id = None
        self.volume_id = None
        self.plain_volume_id = None
        self.attachment_id = None
        self.service_id = None
        self.type_id = None

    def snapshot(self):
        """{(database, table): (row count, digest of the rows)}."""
        out = {}
        for path in sorted(glob.glob(os.path.join(self.state_path,
                                                  '*.sqlite'))):
            conn = sqlite3.connect('file:%s?mode=ro' % path, uri=True,
                                   timeout=30)
            try:
                tables = [row[0] for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'")]
                for table in tables:
                    if table in _PERIODIC_TABLES:
                        continue
                    cur = conn.execute('SELECT * FROM "%s"' % table)
                    names = [d[0] for d in cur.description]
                    keep = [i for i, n in enumerate(names)
                            if n not in _VOLATILE]
                    rows = sorted(repr(tuple(r[i] for i in keep))
                                  for r in cur.fetchall())
                    digest = hashlib.sha1(
                        '\n'.join(rows).encode()).hexdigest()
                    key = (os.path.basename(path), table)
                    out[key] = (len(rows), digest)
            finally:
                conn.close()
        return out

    def settle(self, timeout=10.0):
        """Wait until the databases stop changing (work an accepted
        request started has finished)."""
        deadline = time.monotonic() + timeout
        last = self.snapshot()
        while time.monotonic() < deadline:
            time.sleep(0.15)
            current = self.snapshot()
            if current == last:
                return current
            last = current
        return last


def _seed(stack, seeded):
    resp = stack.volume_request('POST', '/v3/types', token=ADMIN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    assert resp.status_code == 200, resp.text
    seeded.type_id = resp.json()['volume_type']['id']
    volumes = []
    for name, vtype in (('shared', 'multiattach'), ('plain', None)):
        body = {'size': 1, 'name': name}
        if vtype:
            body['volume_type'] = vtype
        resp = stack.volume_request('POST', '/v3/volumes', token=TOKEN,
                                    json={'volume': body})
        assert resp.status_code == 202, resp.text
        volumes.append(stack.wait_for_volume(resp.json()['volume']['id'],
                                             'available'))
    seeded.volume_id, seeded.plain_volume_id = [v['id'] for v in volumes]
    resp = stack.request('POST', '/v2.1/servers', token=TOKEN,
                         version='2.60', json={'server': {
                             'name': 'seed', 'flavorRef': '1',
                             'imageRef': IMAGE, 'networks': 'none'}})
    assert resp.status_code == 202, resp.text
    seeded.server_id = resp.json()['server']['id']
    stack.wait_for_server(seeded.server_id, 'ACTIVE', version='2.60')
    resp = stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % seeded.server_id,
        token=TOKEN, version='2.60',
        json={'volumeAttachment': {'volumeId': seeded.volume_id}})
    assert resp.status_code == 200, resp.text
    stack.wait_for_volume(seeded.volume_id, 'in-use')
    resp = stack.request(
        'GET', '/v2.1/servers/%s/os-volume_attachments' % seeded.server_id,
        token=TOKEN, version='2.89')
    seeded.attachment_id = resp.json()['volumeAttachments'][0][
        'attachment_id']
    resp = stack.request('GET', '/v2.1/os-services', token=ADMIN,
                         version='2.53')
    seeded.service_id = resp.json()['services'][0]['id']
    seeded.settle()


@pytest.fixture(scope='module')
def seeded(tmp_path_factory):
    state_path = tmp_path_factory.mktemp('fuzz')
    # Fuzzed creates that succeed all land in one project.
    conf = stack_fixture.make_conf(state_path, overrides=[
        ('quota', resource, -1) for resource in ('instances', 'cores',
                                                 'ram')])
    stack = stack_fixture.Stack(conf).start()
    try:
        result = Seeded(stack, state_path)
        _seed(stack, result)
        yield result
    finally:
        stack.stop()


def raw_request(base, request_bytes, timeout=30):
    """Send ``request_bytes`` as they are; (status, headers, body)."""
    host, port = base.split('//', 1)[1].rsplit(':', 1)
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    try:
        sock.sendall(request_bytes)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        sock.close()
    data = b''.join(chunks)
    head, _sep, body = data.partition(b'\r\n\r\n')
    lines = head.split(b'\r\n')
    status = int(lines[0].split()[1])
    headers = []
    for line in lines[1:]:
        name, _sep, value = line.partition(b':')
        headers.append((name.strip().decode('latin-1').lower(),
                        value.strip().decode('latin-1')))
    return status, headers, body


def http_request(method, path, headers=(), body=b''):
    """The bytes of one HTTP/1.1 request (Connection: close)."""
    lines = [b'%s %s HTTP/1.1' % (method.encode(), path), b'Host: x']
    lines.extend(headers)
    if body or method in ('POST', 'PUT'):
        lines.append(b'Content-Length: %d' % len(body))
    lines.append(b'Connection: close')
    return b'\r\n'.join(lines) + b'\r\n\r\n' + body


FAULT_NAMES = {400: 'badRequest', 401: 'unauthorized', 403: 'forbidden',
               404: 'itemNotFound', 405: 'badMethod',
               409: 'conflictingRequest', 413: 'overLimit',
               415: 'badMediaType'}


def assert_fault(status, content_type, text, expected_status=None):
    """A nova fault body: one key, the fault name, with code and message;
    no traceback. Returns the message."""
    import json
    assert status < 500, (status, text[:2000])
    if expected_status is not None:
        assert status == expected_status, (status, text[:2000])
    assert 'Traceback' not in text and 'File "' not in text, text[:2000]
    assert content_type and content_type.startswith('application/json'), (
        content_type, text[:500])
    body = json.loads(text)
    assert isinstance(body, dict) and len(body) == 1, body
    name, fault = next(iter(body.items()))
    assert name == FAULT_NAMES.get(status, 'computeFault'), body
    assert fault['code'] == status, body
    assert isinstance(fault['message'], str) and fault['message'], body
    return fault['message']
