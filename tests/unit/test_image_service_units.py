"""The image service's pieces without HTTP: checksums, virtual sizes,
list parameters and attribute checks."""

import hashlib
import io
import struct

import pytest
import webob
import webob.exc

from nova_lite.image_service import filestore
from nova_lite.image_service import images
from nova_lite.image_service import listing
from nova_lite.image_service import validation


def test_filestore_checksums_as_glance(tmp_path):
    store = filestore.FileStore(str(tmp_path))
    data = b'x' * (filestore.CHUNK * 2 + 7)
    size, md5, sha = store.write('img', io.BytesIO(data), size_cap=10 ** 9)
    assert size == len(data)
    assert md5 == hashlib.md5(data).hexdigest()
    assert sha == hashlib.sha512(data).hexdigest()
    assert (tmp_path / 'img').read_bytes() == data


def test_filestore_cap_leaves_nothing(tmp_path):
    store = filestore.FileStore(str(tmp_path))
    with pytest.raises(filestore.ImageTooLarge):
        store.write('img', io.BytesIO(b'x' * 100), size_cap=10)
    assert list(tmp_path.iterdir()) == []


def test_virtual_size(tmp_path):
    qcow2 = tmp_path / 'q'
    qcow2.write_bytes(b'QFI\xfb' + b'\0' * 20 + struct.pack('>Q', 1 << 30))
    assert images._virtual_size('qcow2', str(qcow2), 32) == 1 << 30
    assert images._virtual_size('raw', str(qcow2), 32) == 32
    assert images._virtual_size('iso', str(qcow2), 32) is None


def test_in_lists_keep_quoted_commas():
    assert listing._split_in('in:a,"b,c",d') == ['a', 'b,c', 'd']
    assert listing._split_in('plain') is None


def _params(query):
    return webob.Request.blank('/?' + query).GET


def test_sort_parameters():
    assert listing._sort(_params('')) == [('created_at', 'desc'),
                                          ('id', 'desc')]
    assert listing._sort(_params('sort=name:asc,size')) == [
        ('name', 'asc'), ('size', 'desc'), ('id', 'desc')]
    assert listing._sort(_params('sort_key=name&sort_key=size'
                                 '&sort_dir=asc')) == [
        ('name', 'asc'), ('size', 'asc'), ('id', 'asc')]
    for query in ('sort_key=nope', 'sort_dir=sideways',
                  'sort=name&sort_key=size',
                  'sort_key=name&sort_key=size&sort_dir=asc&sort_dir=desc'
                  '&sort_dir=asc'):
        with pytest.raises(webob.exc.HTTPBadRequest):
            listing._sort(_params(query))


@pytest.mark.parametrize('key,status', [
    ('status', 403), ('checksum', 403), ('os_hash_value', 403),
    ('id', 403), ('deleted', 403), ('location', 403),
    ('os_glance_import_task', 403)])
def test_unwritable_attributes(key, status):
    with pytest.raises(webob.exc.HTTPException) as raised:
        validation.check_writable(key)
    assert raised.value.code == status


def test_base_values():
    assert validation.base_value('min_ram', 5) == 5
    assert validation.base_value('tags', ['a', 'a', 'b']) == ['a', 'b']
    for key, value in (('min_ram', -1), ('min_ram', True),
                       ('protected', 'yes'), ('disk_format', 'floppy'),
                       ('visibility', None), ('name', 'x' * 256),
                       ('tags', 'a')):
        with pytest.raises(webob.exc.HTTPBadRequest):
            validation.base_value(key, value)
    with pytest.raises(webob.exc.HTTPBadRequest):
        validation.property_value('kernel_id', 'not-a-uuid')
    with pytest.raises(webob.exc.HTTPBadRequest):
        validation.property_value('anything', 5)


def test_local_path_of_the_built_in_store(tmp_path):
    from nova_lite.image import glance
    from tests.fixtures import stack as stack_fixture
    conf = stack_fixture.make_conf(tmp_path)
    image_id = '6a1b3c5d-7e9f-4a2b-8c4d-1e3f5a7b9c0d'
    assert glance.local_path(conf, image_id) is None
    (tmp_path / 'images').mkdir()
    (tmp_path / 'images' / image_id).write_bytes(b'data')
    assert glance.local_path(conf, image_id) == str(
        tmp_path / 'images' / image_id)
    assert glance.local_path(conf, '../images/' + image_id) is None


def test_glance_endpoint_from_options_then_catalog(tmp_path):
    from nova_lite import context
    from nova_lite.image import glance
    from tests.fixtures import stack as stack_fixture
    conf = stack_fixture.make_conf(tmp_path)
    catalog = [{'type': 'image', 'name': 'glance', 'endpoints': [
        {'interface': 'public', 'region': 'RegionOne', 'region_id':
         'RegionOne', 'url': 'http://glance.example:9292/'}]}]
    ctx = context.RequestContext(user_id='u', project_id='p',
                                 service_catalog=catalog)
    assert glance.endpoint(conf, ctx) == 'http://glance.example:9292'
    assert glance.endpoint(conf, context.RequestContext(
        user_id='u', project_id='p')) is None
    conf.set_override('api_servers', ['http://img.example:9292/'],
                      group='glance')
    assert glance.endpoint(conf, ctx) == 'http://img.example:9292'


def test_compute_falls_back_to_the_static_catalog(tmp_path):
    from nova_lite import context
    from nova_lite import exception
    from nova_lite.image import glance
    from tests.fixtures import stack as stack_fixture
    conf = stack_fixture.make_conf(tmp_path)
    ctx = context.RequestContext(user_id='u', project_id='p')
    image = glance.get(conf, ctx, '70a599e0-31e7-49b7-b260-868f441e862b')
    assert image.name == 'cirros-0.6.2-x86_64-disk'
    with pytest.raises(exception.ImageNotFound):
        glance.get(conf, ctx, '6a1b3c5d-7e9f-4a2b-8c4d-1e3f5a7b9c0d')
