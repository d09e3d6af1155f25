import pytest

from nova_lite.api.schemas import parameter_types as pt
from nova_lite.api.schemas import servers as server_schemas
from nova_lite.web import validation
from nova_lite import exception

_SCHEMA = {
    'type': 'object',
    'properties': {'server': {
        'type': 'object',
        'properties': {'name': pt.name, 'flag': pt.boolean,
                       'count': pt.positive_integer},
        'required': ['name'],
        'additionalProperties': False}},
    'required': ['server'],
    'additionalProperties': False,
}


def _error(body, schema=_SCHEMA, is_body=True):
    with pytest.raises(exception.ValidationError) as err:
        validation.validate(schema, body, is_body=is_body)
    return err.value.format_message()


def test_messages_follow_nova():
    assert _error({'server': {'name': 'a', 'x': 1}}) == (
        "Invalid input for field/attribute server. Value: {'name': 'a', "
        "'x': 1}. Additional properties are not allowed ('x' was "
        "unexpected)")
    assert _error({'server': {'name': 'a'}, 'y': 2}) == (
        "Additional properties are not allowed ('y' was unexpected)")
    assert _error({'server': {'name': 5}}) == (
        "Invalid input for field/attribute name. Value: 5. 5 is not of "
        "type 'string'")
    assert _error({'server': {}}) == (
        "Invalid input for field/attribute server. Value: {}. 'name' is a "
        "required property")
    assert _error({}) == "'server' is a required property"
    assert _error(None) == "None is not of type 'object'"
    assert _error({'server': {'name': ' lead'}}) == (
        "An invalid 'name' value was provided. The name must be: printable "
        "characters. Can not start or end with whitespace.")


@pytest.mark.parametrize('value', [True, 'true', 'YES', 'on', '0', 'no'])
def test_boolean_string_forms(value):
    validation.validate(_SCHEMA, {'server': {'name': 'a', 'flag': value}})


def test_bad_boolean_and_count():
    assert 'flag' in _error({'server': {'name': 'a', 'flag': 'maybe'}})
    assert 'count' in _error({'server': {'name': 'a', 'count': 0}})


def test_query_messages():
    schema = {'type': 'object',
              'properties': {'limit': pt.multi_params(
                  pt.non_negative_integer)},
              'additionalProperties': False}
    msg = _error({'limit': ['abc']}, schema, is_body=False)
    assert msg.startswith('Invalid input for query parameters limit. '
                          'Value: abc.')


def test_client_bodies_pass_create_schemas():
    novaclient_bfv = {'server': {
        'name': 'vm3', 'imageRef': '', 'flavorRef': '1',
        'config_drive': True, 'min_count': 1, 'max_count': 1,
        'block_device_mapping_v2': [
            {'uuid': '70a599e0-31e7-49b7-b260-868f441e862b',
             'source_type': 'image', 'destination_type': 'volume',
             'volume_size': '1', 'boot_index': '0',
             'delete_on_termination': True, 'tag': 'cirros'},
            {'uuid': '227cc671-f30b-4488-96fd-7d0bf13648d8',
             'source_type': 'volume', 'destination_type': 'volume',
             'boot_index': '-1', 'tag': 'multiattach'}],
        'networks': [{'uuid': '5c1a2b5e-4c0e-4b84-9c3a-9a2e4c8e0d11'}]}}
    osc_bfv = {'server': {
        'block_device_mapping_v2': [{
            'uuid': '227cc671-f30b-4488-96fd-7d0bf13648d8', 'boot_index': 0,
            'source_type': 'volume', 'destination_type': 'volume'}],
        'flavorRef': '1', 'min_count': 1, 'networks': 'none',
        'imageRef': '', 'name': 'vm4', 'max_count': 1}}
    for min_v, max_v, schema in server_schemas.CREATE_SCHEMAS:
        if min_v in ('2.60', '2.42', '2.52', '2.57', '2.63', '2.67',
                     '2.74'):
            validation.validate(schema, novaclient_bfv)
            validation.validate(schema, osc_bfv)


def test_tag_only_where_nova_accepts_it():
    body = {'server': {'name': 'a', 'flavorRef': '1', 'imageRef': '',
                       'networks': 'none',
                       'block_device_mapping_v2': [{
                           'source_type': 'blank', 'tag': 't'}]}}
    by_min = {m: s for m, _x, s in server_schemas.CREATE_SCHEMAS}
    validation.validate(by_min['2.42'], body)
    with pytest.raises(exception.ValidationError):
        validation.validate(by_min['2.37'], body)
    networks_required = {'server': {'name': 'a', 'flavorRef': '1',
                                    'imageRef': ''}}
    validation.validate(by_min['2.19'], networks_required)
    assert _error(networks_required, by_min['2.37']).endswith(
        "'networks' is a required property")
