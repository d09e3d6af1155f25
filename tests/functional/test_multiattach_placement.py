"""``[scheduler] multiattach_capability_placement`` through the API: with
it, a server booting with a multiattach volume goes to a host that can
attach it even while another compute is too old (nova's rule, the
default, refuses the create with 409); 409 only when no host can."""

import pytest

from nova_lite import context as nl_context
from nova_lite.objects import service as service_obj
from tests.fixtures import stack as stack_fixture
from tests.functional import test_multiattach as helpers

MESSAGE = 'Multiattach volume support is not yet available.'


@pytest.fixture(params=[False, True], ids=['nova-rule', 'capability'])
def stack(request, tmp_path):
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('scheduler', 'multiattach_capability_placement', request.param),
        ('conductor', 'service_version_cache_time', 0)])
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _computes(ctxt):
    return {s.host: s for s in service_obj.get_all(ctxt,
                                                   binary='nova-compute')}


def _boot(stack, name, volume_id):
    return helpers._boot(stack, name, wait=False, block_device_mapping_v2=[
        {'uuid': volume_id, 'source_type': 'volume',
         'destination_type': 'volume', 'boot_index': -1}])


def test_old_compute_beside_a_capable_one(stack):
    capability = stack.conf.scheduler.multiattach_capability_placement
    helpers._ma_type(stack)
    volume = helpers._volume(stack, multiattach=True)
    stack.add_compute('compute2')
    ctxt = nl_context.get_admin_context()
    old = _computes(ctxt)['compute1']
    service_obj.update(ctxt, old.id, {
        'version': service_obj.MIN_COMPUTE_MULTIATTACH - 1})
    resp = _boot(stack, 'shared-1', volume['id'])
    if not capability:
        assert resp.status_code == 409, resp.text
        assert resp.json()['conflictingRequest']['message'] == MESSAGE
        assert helpers._show_volume(stack, volume['id'])['attachments'] == []
        return
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    shown = stack.wait_for_server(server_id, 'ACTIVE', token='admin:admin',
                                  version='2.60')
    assert shown['OS-EXT-SRV-ATTR:host'] == 'compute2'
    # Servers without a multiattach volume still use the old host.
    hosts = set()
    for index in range(3):
        plain = helpers._boot(stack, 'plain-%d' % index)
        hosts.add(stack.request('GET', '/v2.1/servers/%s' % plain['id'],
                                token='admin:admin').json()['server'][
            'OS-EXT-SRV-ATTR:host'])
    assert 'compute1' in hosts


def test_no_capable_host(stack):
    capability = stack.conf.scheduler.multiattach_capability_placement
    helpers._ma_type(stack)
    volume = helpers._volume(stack, multiattach=True)
    manager = stack.add_compute('compute2')
    # compute2's driver cannot attach multiattach volumes; compute1 is
    # too old.
    manager.driver.capabilities['supports_multiattach'] = False
    manager.update_available_resource(nl_context.get_admin_context())
    ctxt = nl_context.get_admin_context()
    service_obj.update(ctxt, _computes(ctxt)['compute1'].id, {
        'version': service_obj.MIN_COMPUTE_MULTIATTACH - 1})
    resp = _boot(stack, 'nowhere', volume['id'])
    assert resp.status_code == 409, resp.text
    assert resp.json()['conflictingRequest']['message'] == MESSAGE
    service_obj.update(ctxt, _computes(ctxt)['compute1'].id, {
        'version': service_obj.SERVICE_VERSION})
    resp = _boot(stack, 'somewhere', volume['id'])
    assert resp.status_code == 202, resp.text
    shown = stack.wait_for_server(resp.json()['server']['id'], 'ACTIVE',
                                  token='admin:admin', version='2.60')
    if capability:
        assert shown['OS-EXT-SRV-ATTR:host'] == 'compute1'
