"""The image proxy's query translation and the image update's JSON patch
(the functional tests run them against the image service)."""

from unittest import mock

import webob.multidict

from nova_lite.api.controllers import images_proxy
from nova_lite.image import glance


def _params(*pairs):
    return webob.multidict.MultiDict(list(pairs))


def test_filters_are_translated_to_image_v2():
    out = images_proxy._filters(_params(
        ('name', 'cirros'), ('status', 'ACTIVE'), ('status', 'SAVING'),
        ('changes-since', '2020-01-01T00:00:00Z'),
        ('server', 'http://nova/v2.1/servers/abc'), ('type', 'snapshot'),
        ('minRam', '512'), ('minDisk', '1'), ('property-os_distro', 'x'),
        ('limit', '2'), ('marker', 'm'), ('unknown', 'ignored')))
    assert out == {'name': 'cirros', 'status': 'saving',
                   'updated_at': 'gte:2020-01-01T00:00:00Z',
                   'instance_uuid': 'abc', 'image_type': 'snapshot',
                   'min_ram': '512', 'min_disk': '1', 'os_distro': 'x'}


def test_update_properties_sends_a_purging_patch():
    image = glance.Image({'id': 'i1', 'status': 'active', 'a': '1',
                          'b': '2', 'c/d': '3'})
    resp = mock.Mock(status_code=200)
    resp.json.return_value = {'id': 'i1', 'status': 'active', 'a': '9',
                              'e': '5'}
    with mock.patch.object(glance, '_request',
                           return_value=resp) as request:
        updated = glance.update_properties(mock.Mock(), None, image,
                                           {'a': '9', 'b': '2', 'e': '5'})
    assert updated.properties == {'a': '9', 'e': '5'}
    args, kwargs = request.call_args
    assert args[2:] == ('PATCH', '/v2/images/i1')
    assert kwargs['json'] == [
        {'op': 'remove', 'path': '/c~1d'},
        {'op': 'replace', 'path': '/a', 'value': '9'},
        {'op': 'add', 'path': '/e', 'value': '5'}]
    assert kwargs['headers_extra']['Content-Type'] == \
        'application/openstack-images-v2.1-json-patch'


def test_update_without_changes_sends_nothing():
    image = glance.Image({'id': 'i1', 'status': 'active', 'a': '1'})
    with mock.patch.object(glance, '_request') as request:
        assert glance.update_properties(mock.Mock(), None, image,
                                        {'a': '1'}) is image
    request.assert_not_called()
