"""nova-lite-all's compute services call its block storage in process."""

from nova_lite import context as nl_context
from nova_lite import wsgi_local
from tests.fixtures import stack as stack_fixture
from tests.functional import test_multiattach as ma


def _stack(tmp_path, local_calls):
    conf = stack_fixture.make_conf(
        tmp_path, overrides=[('block_storage', 'local_calls', local_calls)])
    return stack_fixture.Stack(conf).start()


def _attachments(store, volume_id):
    return store.list_attachments(nl_context.get_admin_context(),
                                  {'volume_id': volume_id},
                                  all_projects=True)


def test_attach_and_detach_without_the_block_storage_listener(tmp_path):
    stack = _stack(tmp_path, True)
    try:
        bs = stack.aio.block_storage
        assert wsgi_local.lookup(stack.conf.cinder.endpoint_template) is \
            bs.app
        ma._ma_type(stack)
        volume = ma._volume(stack, multiattach=True)['id']
        servers = [ma._boot(stack, 'vm%d' % i)['id'] for i in range(2)]
        # Nothing listens any more: only in-process calls reach it.
        bs.server.stop()
        for server in servers:
            resp = ma._attach(stack, server, volume)
            assert resp.status_code == 200, resp.text
        ma._wait(lambda: sorted(
            a.instance_uuid for a in _attachments(bs.store, volume)
            if a.attach_status == 'attached') == sorted(servers))
        assert [a['volumeId'] for a in ma._attachments(stack, servers[0])] \
            == [volume]
        for server in servers:
            assert ma._detach(stack, server, volume).status_code == 202
        ma._wait(lambda: not _attachments(bs.store, volume))
        # The compute deletes the attachment, then the mapping.
        ma._wait(lambda: all(b.volume_id != volume for server in servers
                             for b in ma._bdms(server)))
    finally:
        stack.stop()
    assert wsgi_local.lookup(stack.conf.cinder.endpoint_template) is None


def test_local_calls_off_keeps_the_network_path(tmp_path):
    stack = _stack(tmp_path, False)
    try:
        assert wsgi_local.lookup(stack.conf.cinder.endpoint_template) is None
        ma._ma_type(stack)
        volume = ma._volume(stack, multiattach=True)['id']
        server = ma._boot(stack, 'vm1')['id']
        stack.aio.block_storage.server.stop()
        resp = ma._attach(stack, server, volume)
        # nova's answer when Cinder cannot be reached.
        assert resp.status_code == 503, resp.text
    finally:
        stack.stop()
