"""The pure rules of server snapshots: system metadata from an image and
back, the new image's metadata, volume-backed detection, the image
mappings of a volume-backed snapshot and their merge at server create."""

import json
import types

from nova_lite import block_device
from nova_lite.compute import image_meta
from nova_lite.compute import snapshots_api
from nova_lite.image import glance


def _image(properties=None, **attrs):
    body = {'id': 'img', 'name': 'cirros', 'status': 'active',
            'disk_format': 'qcow2', 'container_format': 'bare',
            'min_ram': 64, 'min_disk': 0}
    body.update(attrs)
    body.update(properties or {})
    return glance.Image(body)


def test_system_metadata_from_image():
    meta = image_meta.system_metadata_from_image(_image(
        {'hw_disk_bus': 'scsi', 'block_device_mapping': '[]',
         'long': 'x' * 300}), flavor_root_gb=5)
    assert meta == {'image_hw_disk_bus': 'scsi', 'image_long': 'x' * 255,
                    'image_min_ram': 64, 'image_min_disk': 5,
                    'image_disk_format': 'qcow2',
                    'image_container_format': 'bare'}
    assert image_meta.system_metadata_from_image(
        _image(min_disk=20), 5)['image_min_disk'] == 20
    assert image_meta.system_metadata_from_image(
        _image(disk_format='vhd', min_disk=20), 5)['image_min_disk'] == 5
    assert image_meta.system_metadata_from_image(None) == {}


def _instance(**kwargs):
    values = dict(uuid='u1', project_id='p1', image_ref='img',
                  display_name='vm', system_metadata={
                      'image_min_disk': 1, 'image_disk_format': 'qcow2',
                      'image_container_format': 'bare',
                      'image_base_image_ref': 'img',
                      'image_hw_disk_bus': 'scsi',
                      'image_img_signature': 'sig',
                      'image_os_glance_import': 'x',
                      'image_cache_in_nova': 'True',
                      'owner_project_name': None,
                      'shelved_at': 'then'},
                  bdms=[])
    values.update(kwargs)
    return types.SimpleNamespace(**values)


def test_snapshot_image_metadata():
    ctx = types.SimpleNamespace(project_id='p1', user_id='user')
    meta = image_meta.image_metadata(
        ctx, _instance(), 'snap', 'snapshot', {'extra': 'e'},
        non_inheritable=['cache_in_nova'])
    assert meta == {
        'name': 'snap', 'visibility': 'private', 'min_disk': 1,
        'properties': {'base_image_ref': 'img', 'hw_disk_bus': 'scsi',
                       'shelved_at': 'then', 'instance_uuid': 'u1',
                       'user_id': 'user', 'image_type': 'snapshot',
                       'extra': 'e'}}
    backup = image_meta.image_metadata(ctx, _instance(), 'b', 'backup')
    assert backup['disk_format'] == 'qcow2'
    assert backup['container_format'] == 'bare'
    other = types.SimpleNamespace(project_id='p2', user_id='admin')
    shared = image_meta.image_metadata(other, _instance(), 's', 'snapshot')
    assert shared['visibility'] == 'shared'
    assert shared['properties']['instance_owner'] == 'p1'
    # A server recorded before it kept system metadata.
    old = image_meta.image_metadata(ctx, _instance(system_metadata={}),
                                    's', 'snapshot')
    assert old['properties']['base_image_ref'] == 'img'


def test_is_volume_backed():
    assert image_meta.is_volume_backed(_instance(image_ref=''))
    assert not image_meta.is_volume_backed(_instance(bdms=[
        {'boot_index': 0, 'destination_type': 'local'}]))
    assert image_meta.is_volume_backed(_instance(bdms=[
        {'boot_index': 0, 'destination_type': 'volume'}]))
    assert not image_meta.is_volume_backed(_instance(bdms=[
        {'boot_index': None, 'destination_type': 'volume'}]))


def test_image_mapping_of_a_volume_snapshot():
    bdm = {'id': 7, 'uuid': 'x', 'instance_uuid': 'u1',
           'attachment_id': 'a', 'connection_info': '{}',
           'source_type': 'volume', 'destination_type': 'volume',
           'volume_id': 'v1', 'boot_index': 0, 'device_name': 'vda',
           'delete_on_termination': 1, 'volume_size': 2,
           'disk_bus': 'virtio', 'device_type': 'disk', 'tag': 't'}
    mapping = snapshots_api.image_mapping(bdm, 'snap-1')
    assert mapping['source_type'] == 'snapshot'
    assert mapping['snapshot_id'] == 'snap-1'
    assert mapping['volume_id'] is None
    assert mapping['device_name'] == '/dev/vda'
    assert mapping['delete_on_termination'] is True
    assert mapping['volume_size'] == 2
    assert mapping['tag'] is None
    assert not {'id', 'uuid', 'instance_uuid', 'attachment_id',
                'connection_info'} & set(mapping)
    assert set(mapping) == set(snapshots_api._MAPPING_FIELDS)


def test_image_mappings_and_their_merge():
    items = [{'source_type': 'snapshot', 'destination_type': 'volume',
              'snapshot_id': 's1', 'boot_index': 0,
              'device_name': '/dev/vda', 'volume_id': None,
              'encrypted': None},
             {'source_type': 'snapshot', 'destination_type': 'volume',
              'snapshot_id': 's2', 'boot_index': None,
              'device_name': '/dev/vdb'}]
    image = _image({'block_device_mapping': json.dumps(items),
                    'bdm_v2': 'True'})
    mappings = block_device.image_mappings(image)
    assert mappings[0] == {'source_type': 'snapshot',
                           'destination_type': 'volume',
                           'snapshot_id': 's1', 'boot_index': 0,
                           'device_name': '/dev/vda'}
    assert block_device.image_mappings(_image(
        {'block_device_mapping': json.dumps(items)})) == []
    request = [{'source_type': 'image', 'uuid': 'img', 'boot_index': 0,
                'destination_type': 'local'},
               {'source_type': 'volume', 'uuid': 'v9',
                'device_name': 'vdb', 'destination_type': 'volume'}]
    merged = block_device.merge_image_mappings(mappings, request)
    assert [m.get('snapshot_id') or m.get('uuid') for m in merged] == [
        'v9', 's1']


def test_rebuilt_system_metadata():
    meta = image_meta.rebuilt_system_metadata(
        {'image_hw_disk_bus': 'scsi', 'image_base_image_ref': 'old',
         'owner_user_name': 'u', 'shelved_at': None},
        _image({'hw_vif_model': 'virtio'}, min_disk=3), 'new', 1)
    assert meta == {'owner_user_name': 'u', 'shelved_at': None,
                    'image_hw_vif_model': 'virtio', 'image_min_ram': 64,
                    'image_min_disk': 3, 'image_disk_format': 'qcow2',
                    'image_container_format': 'bare',
                    'image_base_image_ref': 'new'}
