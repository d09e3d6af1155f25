"""The ``openstack image`` commands against the built-in image service
(reached through the shipped clouds.yaml's image endpoint, ``/image`` of
the compute listener)."""

import hashlib

from tests.clients.conftest import IMAGE
from tests.clients.conftest import osc as _osc
from tests.clients.conftest import osc_json as _json


def test_image_lifecycle(aio, osc_env, tmp_path):
    env = osc_env
    data = b'QFI-NOT-REALLY' + bytes(range(256)) * 100
    source = tmp_path / 'disk.raw'
    source.write_bytes(data)
    made = _json(env, 'image', 'create', '--disk-format', 'raw',
                 '--container-format', 'bare', '--file', str(source),
                 '--property', 'hw_disk_bus=scsi', 'osc-image')
    image_id = made['id']
    shown = _json(env, 'image', 'show', image_id)
    assert shown['status'] == 'active'
    assert shown['size'] == len(data)
    assert shown['checksum'] == hashlib.md5(data).hexdigest()
    assert shown['properties']['os_hash_value'] == \
        hashlib.sha512(data).hexdigest()
    assert shown['properties']['hw_disk_bus'] == 'scsi'

    listed = _json(env, 'image', 'list')
    names = {i['ID']: i['Name'] for i in listed}
    assert names[image_id] == 'osc-image'
    assert IMAGE in names

    saved = tmp_path / 'saved.raw'
    _osc(env, 'image', 'save', '--file', str(saved), image_id)
    assert saved.read_bytes() == data

    _osc(env, 'image', 'set', '--property', 'hw_vif_model=virtio',
         '--name', 'osc-image-2', image_id)
    shown = _json(env, 'image', 'show', 'osc-image-2')
    assert shown['properties']['hw_vif_model'] == 'virtio'
    body = aio.request('GET', '/image/v2/images/%s' % image_id,
                       version=None).json()
    assert body['hw_vif_model'] == 'virtio'
    assert body['name'] == 'osc-image-2'

    # The compute API boots from it: the image service answered the
    # boot's look-up.
    server = _json(env, 'server', 'create', '--flavor', '1', '--image',
                   image_id, '--nic', 'none', '--wait', 'osc-image-vm')
    assert server['status'] == 'ACTIVE'
    _osc(env, 'server', 'delete', '--wait', server['id'])

    _osc(env, 'image', 'delete', image_id)
    gone = _osc(env, 'image', 'show', image_id, ok=False)
    assert gone.returncode == 1
    assert aio.request('GET', '/image/v2/images/%s' % image_id,
                       version=None).status_code == 404
