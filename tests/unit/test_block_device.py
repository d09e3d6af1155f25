import pytest

from nova_lite import block_device
from nova_lite import exception

VOL = '227cc671-f30b-4488-96fd-7d0bf13648d8'


def _vol(**kw):
    item = {'uuid': VOL, 'source_type': 'volume',
            'destination_type': 'volume', 'boot_index': 0}
    item.update(kw)
    return item


def test_string_boot_index_and_size_from_novaclient():
    records = block_device.transform([
        {'uuid': VOL, 'source_type': 'image', 'destination_type': 'volume',
         'volume_size': '1', 'boot_index': '0',
         'delete_on_termination': True},
        _vol(uuid='x', boot_index='-1', tag='multiattach')], '', 1, 1)
    assert records[0]['boot_index'] == 0
    assert records[0]['volume_size'] == 1
    assert records[0]['image_id'] == VOL
    assert records[1]['boot_index'] is None
    assert records[1]['volume_id'] == 'x'


def test_image_server_gets_implicit_root_disk():
    records = block_device.transform([_vol(boot_index=1)], 'img', 1, 1)
    assert records[0]['source_type'] == 'image'
    assert records[0]['boot_index'] == 0


@pytest.mark.parametrize('item,message', [
    ({'source_type': 'blank', 'uuid': VOL, 'destination_type': 'local'},
     'Block Device Mapping is Invalid: Invalid device UUID.'),
    ({'source_type': 'volume', 'boot_index': 0},
     'Block Device Mapping is Invalid: Missing device UUID.'),
    ({'uuid': VOL, 'boot_index': 0},
     'Block Device Mapping is Invalid: Some required fields are missing'),
    (dict(_vol(), bogus=1),
     'Block Device Mapping is Invalid: Following fields are invalid: '
     'bogus'),
    (_vol(device_name='vd b'),
     'Block Device Mapping is Invalid: Device name contains spaces.'),
    (_vol(boot_index='x'),
     'Block Device Mapping is Invalid: Boot index is invalid.'),
    (_vol(volume_type='fast'),
     'Block Device Mapping is Invalid: Specifying volume type to existing '
     'volume is not supported.'),
    ({'uuid': VOL, 'source_type': 'image', 'destination_type': 'local',
      'boot_index': 1},
     'Block Device Mapping is Invalid: Mapping image to local is not '
     'supported.'),
    ({'uuid': VOL, 'source_type': 'image', 'destination_type': 'volume',
      'boot_index': 0},
     "Images with destination_type 'volume' need to have a non-zero size "
     "specified"),
    ({'source_type': 'blank', 'destination_type': 'volume', 'boot_index': 0},
     "Blank volumes (source: 'blank', dest: 'volume') need to have non-zero "
     "size"),
])
def test_invalid_items(item, message):
    with pytest.raises(exception.Invalid) as err:
        block_device.transform([item], '', 1, 1)
    assert err.value.format_message() == message


def test_boot_sequence_must_start_at_zero_without_gaps():
    with pytest.raises(exception.InvalidBDMBootSequence):
        block_device.transform([_vol(boot_index=1)], '', 1, 1)
    with pytest.raises(exception.InvalidBDMBootSequence):
        block_device.transform([_vol(), _vol(uuid='y', boot_index=2)],
                               '', 1, 1)


def test_multi_create_with_existing_volume_refused():
    with pytest.raises(exception.InvalidRequest) as err:
        block_device.transform([_vol()], '', 1, 2)
    assert err.value.format_message() == (
        'Cannot attach one or more volumes to multiple instances')
    # image -> volume is created per server: allowed.
    block_device.transform([{'uuid': VOL, 'source_type': 'image',
                             'destination_type': 'volume', 'boot_index': 0,
                             'volume_size': 1}], '', 2, 2)


def test_missing_image_and_mappings():
    with pytest.raises(exception.InvalidRequest) as err:
        block_device.transform([], '', 1, 1)
    assert err.value.format_message() == 'Missing imageRef attribute'


# -- device names ----------------------------------------------------------------

def test_next_device_name_takes_the_first_free_letter():
    assert block_device.next_device_name('/dev/vda', []) == '/dev/vdb'
    assert block_device.next_device_name(
        '/dev/vda', ['/dev/vdb', '/dev/vdc']) == '/dev/vdd'
    assert block_device.next_device_name(
        '/dev/vda', ['/dev/vdb', '/dev/vdd']) == '/dev/vdc'


def test_requested_device_is_honoured_with_the_root_prefix():
    assert block_device.next_device_name('/dev/vda', [], '/dev/sdf') == \
        '/dev/vdf'
    assert block_device.next_device_name(
        '/dev/vda', [], '/dev/vdf', honour_requested=False) == '/dev/vdb'


def test_requested_device_errors():
    with pytest.raises(exception.InvalidDevicePath):
        block_device.next_device_name('/dev/vda', [], 'vdb; rm')
    with pytest.raises(exception.DevicePathInUse):
        block_device.next_device_name('/dev/vda', ['/dev/vdb'], '/dev/vdb')
    with pytest.raises(exception.DevicePathInUse):
        block_device.next_device_name('/dev/vda', [], '/dev/vda')


def test_disk_limit():
    with pytest.raises(exception.TooManyDiskDevices) as error:
        block_device.next_device_name('/dev/vda', ['/dev/vdb'], maximum=2)
    assert str(error.value) == (
        'The maximum allowed number of disk devices (2) to attach to a '
        'single instance has been exceeded.')
    names = ['/dev/vd%s' % c for c in 'bcdefghijklmnopqrstuvwxyz']
    assert block_device.next_device_name('/dev/vda', names) == '/dev/vdaa'
