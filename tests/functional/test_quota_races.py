"""Parallel creates never end above a quota: each create checks before
recording and again after (nova's recheck), and one that went over takes
back what it recorded and is answered 403."""

import concurrent.futures
import threading

from nova_lite import context as nl_context
from nova_lite import crypto
from nova_lite.objects import keypair as keypair_obj

ADMIN = 'admin:admin'
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
THREADS = 12


def _in_parallel(count, call):
    """``call(i)`` from ``count`` threads released at once."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        return call(i)

    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def _mappings(project_id):
    ctx = nl_context.get_admin_context()
    from nova_lite.db import models
    from nova_lite.db import api as db_api

    @db_api.api_reader
    def count(context):
        return context.session.query(models.InstanceMapping).filter_by(
            project_id=project_id, queued_for_delete=False).count()
    return count(ctx)


def test_parallel_server_creates_stay_within_quota(stack):
    limit = 3
    resp = stack.request('PUT', '/v2.1/os-quota-sets/demo', token=ADMIN,
                         json={'quota_set': {'instances': limit}})
    assert resp.status_code == 200, resp.text

    def create(i):
        return stack.request('POST', '/v2.1/servers', json={'server': {
            'name': 'race-%d' % i, 'flavorRef': '1', 'imageRef': IMAGE}})

    answers = _in_parallel(THREADS, create)
    accepted = [r for r in answers if r.status_code == 202]
    refused = [r for r in answers if r.status_code != 202]
    assert len(accepted) <= limit
    for resp in refused:
        assert resp.status_code == 403, resp.text
        message = resp.json()['forbidden']['message']
        assert message.startswith('Quota exceeded for instances: '
                                  'Requested 1, but already used '), message
        assert message.endswith(' of %d instances' % limit), message
    servers = stack.request('GET', '/v2.1/servers').json()['servers']
    assert sorted(s['id'] for s in servers) == sorted(
        r.json()['server']['id'] for r in accepted)
    # What the refused creates recorded is gone again.
    assert _mappings('demo') == len(accepted)
    for server in servers:
        stack.wait_for_server(server['id'], 'ACTIVE')
    # Whatever the race left free can still be used, up to the limit.
    for i in range(limit - len(accepted)):
        assert stack.request('POST', '/v2.1/servers', json={'server': {
            'name': 'after-%d' % i, 'flavorRef': '1',
            'imageRef': IMAGE}}).status_code == 202
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'over', 'flavorRef': '1', 'imageRef': IMAGE}})
    assert resp.status_code == 403
    assert len(stack.request('GET', '/v2.1/servers').json()[
        'servers']) == limit


def test_parallel_multi_creates_stay_within_quota(stack):
    limit = 5
    stack.request('PUT', '/v2.1/os-quota-sets/demo', token=ADMIN,
                  json={'quota_set': {'instances': limit}})

    def create(i):
        return stack.request('POST', '/v2.1/servers', json={'server': {
            'name': 'multi-%d' % i, 'flavorRef': '1', 'imageRef': IMAGE,
            'min_count': 1, 'max_count': 2}})

    answers = _in_parallel(8, create)
    assert all(r.status_code in (202, 403) for r in answers), [
        r.text for r in answers]
    servers = stack.request('GET', '/v2.1/servers').json()['servers']
    # Colliding creates may all be refused (nova's recheck), never more
    # than the limit accepted.
    assert len(servers) <= limit
    assert _mappings('demo') == len(servers)
    # The refused ones gave their quota back: what the accepted ones left
    # can be created, and not one server more.
    left = limit - len(servers)
    if left:
        resp = stack.request('POST', '/v2.1/servers', json={'server': {
            'name': 'after', 'flavorRef': '1', 'imageRef': IMAGE,
            'min_count': left, 'max_count': left}})
        assert resp.status_code == 202, resp.text
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'over', 'flavorRef': '1', 'imageRef': IMAGE}})
    assert resp.status_code == 403, resp.text
    assert len(stack.request('GET', '/v2.1/servers').json()[
        'servers']) == limit


def test_parallel_key_pair_creates_stay_within_quota(stack):
    limit = 3
    resp = stack.request('PUT', '/v2.1/os-quota-sets/demo', token=ADMIN,
                         json={'quota_set': {'key_pairs': limit}})
    assert resp.status_code == 200, resp.text
    public_key = crypto.generate_ssh_key()[1]

    def create(i):
        return stack.request('POST', '/v2.1/os-keypairs', json={'keypair': {
            'name': 'race-%d' % i, 'public_key': public_key}})

    answers = _in_parallel(THREADS, create)
    accepted = [r for r in answers if r.status_code == 200]
    assert len(accepted) <= limit
    for resp in answers:
        if resp.status_code != 200:
            assert resp.json() == {'forbidden': {
                'code': 403,
                'message': 'Quota exceeded, too many key pairs.'}}
    ctx = nl_context.get_admin_context()
    assert keypair_obj.count_by_user(ctx, 'demo') == len(accepted)
    listed = stack.request('GET', '/v2.1/os-keypairs').json()['keypairs']
    assert sorted(k['keypair']['name'] for k in listed) == sorted(
        r.json()['keypair']['name'] for r in accepted)
    # Refused creates gave their quota back.
    for i in range(limit - len(accepted)):
        resp = stack.request('POST', '/v2.1/os-keypairs', json={'keypair': {
            'name': 'after-%d' % i, 'public_key': public_key}})
        assert resp.status_code == 200, resp.text
    resp = stack.request('POST', '/v2.1/os-keypairs', json={'keypair': {
        'name': 'over', 'public_key': public_key}})
    assert resp.status_code == 403
