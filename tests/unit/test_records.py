import collections

import sqlalchemy as sa

from nova_lite.objects import base


class _Thing(base.Record):
    FIELDS = ('id', 'name', 'host')
    JSON_FIELDS = {'metadata': dict, 'tags': list, 'extra': list}

    @classmethod
    def json_columns(cls):
        return {'metadata': 'meta_json', 'tags': 'tags'}


def _rows(*columns_and_values):
    """Plain rows as SQLAlchemy returns them (an in-memory SQLite
    select of literal values)."""
    engine = sa.create_engine('sqlite://')
    out = []
    with engine.connect() as conn:
        for pairs in columns_and_values:
            statement = sa.select(*[sa.literal(v).label(c)
                                    for c, v in pairs])
            out.append(conn.execute(statement).first())
    return out


def test_plain_row_equals_the_dict_path():
    pairs = [('id', 7), ('name', 'a'), ('meta_json', '{"k": "v"}'),
             ('tags', '[]'), ('unrelated', 'x')]
    row, = _rows(pairs)
    record = _Thing.from_row(row, host='h')
    Plain = collections.namedtuple('Plain', [c for c, _v in pairs])
    # A namedtuple has _fields too; a plain object goes through getattr.
    as_object = type('O', (), dict(pairs))()
    for other in (_Thing.from_row(Plain(*[v for _c, v in pairs]),
                                  host='h'),
                  _Thing.from_row(as_object, host='h')):
        assert other.to_dict() == record.to_dict()
    assert record.to_dict() == {'id': 7, 'name': 'a', 'host': 'h',
                                'metadata': {'k': 'v'}, 'tags': [],
                                'extra': []}
    assert not hasattr(record, 'unrelated')
    assert not hasattr(record, 'meta_json')


def test_rows_with_one_field_or_none():
    one, none = _rows([('name', 'b')], [('other', 1)])
    assert _Thing.from_row(one).to_dict() == {
        'id': None, 'name': 'b', 'host': None, 'metadata': {},
        'tags': [], 'extra': []}
    assert _Thing.from_row(none).to_dict()['name'] is None


def test_empty_json_values_are_not_shared():
    first, second = _Thing.from_rows(_rows(
        [('id', 1), ('tags', '[]'), ('meta_json', '{}')],
        [('id', 2), ('tags', '[]'), ('meta_json', 'null')]))
    first.tags.append('x')
    first.metadata['k'] = 'v'
    assert second.tags == [] and second.metadata == {}


def test_json_text_decoded_once_per_result(monkeypatch):
    decoded = []
    real = base.json.loads

    def loads(raw):
        decoded.append(raw)
        return real(raw)

    monkeypatch.setattr(base.json, 'loads', loads)
    a, b, c, d = _Thing.from_rows(_rows(
        [('id', 1), ('meta_json', '{"flavor": "small"}'), ('tags', '["x"]')],
        [('id', 2), ('meta_json', '{"flavor": "large"}'), ('tags', '[]')],
        [('id', 3), ('meta_json', '{"flavor": "small"}'), ('tags', '["x"]')],
        [('id', 4), ('meta_json', None), ('tags', '["y"]')]))
    assert [r.metadata for r in (a, b, c, d)] == [
        {'flavor': 'small'}, {'flavor': 'large'}, {'flavor': 'small'}, {}]
    assert [r.tags for r in (a, b, c, d)] == [['x'], [], ['x'], ['y']]
    assert a.metadata is c.metadata and a.tags is c.tags
    assert sorted(decoded) == ['["x"]', '["y"]', '{"flavor": "large"}',
                               '{"flavor": "small"}']
    # Another result decodes its own.
    again, = _Thing.from_rows(_rows(
        [('id', 5), ('meta_json', '{"flavor": "small"}')]))
    assert again.metadata == a.metadata and again.metadata is not a.metadata
