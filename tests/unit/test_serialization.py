import datetime
import json

from oslo_serialization import jsonutils

from nova_lite import serialization


def test_same_json_as_oslo_serialization():
    value = {'servers': [{'id': 'a', 'name': 'caf\u00e9 \u2603',
                          'created': datetime.datetime(2026, 1, 2, 3, 4, 5,
                                                       678),
                          'progress': 0, 'locked': False, 'tags': [],
                          'fault': None, 'ram': 512.5}]}
    ours = serialization.dump_as_bytes(value)
    assert isinstance(ours, bytes)
    assert json.loads(ours) == json.loads(jsonutils.dump_as_bytes(value))
    # Datetimes as oslo.serialization writes them, not orjson's own form.
    assert json.loads(ours)['servers'][0]['created'] == \
        '2026-01-02T03:04:05.000678'


def test_non_ascii_is_utf8():
    assert serialization.dump_as_bytes({'name': '\u00e9'}).decode(
        'utf-8') in ('{"name":"\u00e9"}', '{"name": "\\u00e9"}')


def test_what_orjson_refuses_falls_back():
    big = 2 ** 70
    assert json.loads(serialization.dump_as_bytes({'n': big})) == {'n': big}


def test_objects_through_to_primitive():
    class Thing:
        def __iter__(self):
            return iter([1, 2])
    assert json.loads(serialization.dump_as_bytes({'t': Thing()})) == \
        json.loads(jsonutils.dump_as_bytes({'t': Thing()}))
    assert json.loads(serialization.dump_as_bytes({1: 'x'})) == {'1': 'x'}
