"""tempest's compute client on server metadata, tags and instance actions:
every response validated against tempest's per-microversion schemas."""

import time

import pytest
from tempest.lib import exceptions as lib_exc
from tempest.lib.services.compute import base_compute_client

from tests.fixtures import stack as stack_fixture
from tests.functional import test_tempest_schemas as ts

VERSIONS = ['2.1', '2.21', '2.26', '2.51', '2.58', '2.62', '2.66', '2.84',
            '2.89']


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('tempest-data'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


@pytest.fixture
def at_version():
    def _set(version):
        base_compute_client.COMPUTE_MICROVERSION = version
    yield _set
    base_compute_client.COMPUTE_MICROVERSION = None


def _v(version):
    return tuple(int(p) for p in version.split('.'))


@pytest.mark.parametrize('version', VERSIONS)
@pytest.mark.parametrize('token', ['demo:demo', 'admin:admin'])
def test_server_data_matches_tempest_schemas(stack, at_version, version,
                                             token):
    at_version(version)
    servers, _flavors = ts._clients(stack, token)
    kwargs = {'networks': 'none'} if _v(version) >= (2, 37) else {}
    created = servers.create_server(name='t-data', flavorRef='1',
                                    imageRef=ts.IMAGE, metadata={'a': '1'},
                                    **kwargs)
    sid = created['server']['id']
    create_id = created.response['x-compute-request-id']
    ts._wait(servers, sid, 'ACTIVE')

    # Metadata.
    assert servers.list_server_metadata(sid)['metadata'] == {'a': '1'}
    servers.set_server_metadata(sid, {'b': '2'})
    servers.update_server_metadata(sid, {'c': '3'})
    servers.set_server_metadata_item(sid, 'd', {'d': '4'})
    assert servers.show_server_metadata_item(sid, 'd')['meta'] == {
        'd': '4'}
    servers.delete_server_metadata_item(sid, 'd')
    assert servers.list_server_metadata(sid)['metadata'] == {
        'b': '2', 'c': '3'}
    servers.set_server_metadata(sid, {}, no_metadata_field=False)
    with pytest.raises(lib_exc.BadRequest):
        servers.set_server_metadata(sid, {'k': 'v'}, no_metadata_field=True)
    with pytest.raises(lib_exc.BadRequest):
        servers.set_server_metadata_item(sid, 'key', {'other': 'v'})

    # Tags.
    if _v(version) >= (2, 26):
        servers.update_tag(sid, 't1')
        servers.check_tag_existence(sid, 't1')
        assert servers.list_tags(sid)['tags'] == ['t1']
        assert sorted(servers.update_all_tags(sid, ['x', 'y'])[
            'tags']) == ['x', 'y']
        servers.delete_tag(sid, 'x')
        with pytest.raises(lib_exc.NotFound):
            servers.check_tag_existence(sid, 'x')
        servers.delete_all_tags(sid)
        assert servers.list_tags(sid)['tags'] == []
    else:
        with pytest.raises(lib_exc.NotFound):
            servers.list_tags(sid)

    # Instance actions.
    servers.reboot_server(sid, type='HARD')
    ts._wait(servers, sid, 'ACTIVE')
    actions = servers.list_instance_actions(sid)['instanceActions']
    assert sorted(a['action'] for a in actions) == ['create', 'reboot']
    deadline = time.monotonic() + 10
    while True:
        action = servers.show_instance_action(sid, create_id)[
            'instanceAction']
        assert action['action'] == 'create'
        if all(e['finish_time'] for e in action.get('events', [])):
            break
        assert time.monotonic() < deadline, action
        time.sleep(0.05)
    with pytest.raises(lib_exc.NotFound):
        servers.show_instance_action(sid, 'req-missing')
    servers.delete_server(sid)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            servers.show_server(sid)
        except lib_exc.NotFound:
            break
        time.sleep(0.05)
    if _v(version) >= (2, 21):
        actions = servers.list_instance_actions(sid)['instanceActions']
        assert sorted(a['action'] for a in actions) == [
            'create', 'delete', 'reboot']
    else:
        with pytest.raises(lib_exc.NotFound):
            servers.list_instance_actions(sid)
