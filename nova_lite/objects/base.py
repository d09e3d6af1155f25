"""Helpers shared by the plain record classes."""

import functools
import json
import operator

from oslo_serialization import jsonutils


_EMPTY = {'{}': dict, '[]': list}


def _json_value(raw):
    """A JSON text column's value (None for an empty column)."""
    if not raw:
        return None
    # Most metadata and tags are empty: a new empty value each.
    empty = _EMPTY.get(raw)
    # Text columns: str already, nothing for jsonutils to decode.
    return empty() if empty is not None else json.loads(raw)


def _tuple_getter(indices):
    """A function of a row answering the tuple of its values at
    ``indices`` (itemgetter answers a bare value for a single index)."""
    if len(indices) > 1:
        return operator.itemgetter(*indices)

    def getter(row):
        return tuple(row[i] for i in indices)
    return getter


class Record:
    """A plain record: attributes copied from a row or a dict."""

    FIELDS = ()
    JSON_FIELDS = {}

    def __init__(self, **kwargs):
        # Plain attributes (no descriptors): straight into the dict.
        attrs = self.__dict__
        get = kwargs.get
        for field in self.FIELDS:
            attrs[field] = get(field)
        for field, default in self.JSON_FIELDS.items():
            value = get(field)
            attrs[field] = default() if value is None else value

    @classmethod
    def _class_cache(cls, name):
        """A dict kept on this very class (a subclass gets its own)."""
        cache = cls.__dict__.get(name)
        if cache is None:
            cache = {}
            setattr(cls, name, cache)
        return cache

    @classmethod
    def _mapped_fields(cls, model):
        """The record's fields a mapped model class has, per model."""
        cache = cls._class_cache('_fields_of_model')
        fields = cache.get(model)
        if fields is None:
            fields = cache[model] = tuple(
                f for f in cls.FIELDS if hasattr(model, f))
        return fields

    @classmethod
    def _plan(cls, columns):
        """How a plain row with ``columns`` becomes this record, worked out
        once per class and column list: which positions fill which
        fields, which fields the row lacks, where each JSON column is."""
        cache = cls._class_cache('_plans')
        plan = cache.get(columns)
        if plan is None:
            position = {c: i for i, c in enumerate(columns)}
            names = tuple(f for f in cls.FIELDS if f in position)
            indices = [position[f] for f in names]
            getter = _tuple_getter(indices)
            missing = dict.fromkeys(f for f in cls.FIELDS
                                    if f not in position)
            json_columns = cls.json_columns()
            json_plan = tuple(
                (f, position.get(json_columns.get(f)), default)
                for f, default in cls.JSON_FIELDS.items())
            plan = cache[columns] = (names, getter, missing, json_plan)
        return plan

    @classmethod
    def _from_plain_row(cls, row, extra, plan=None, decoded=None):
        names, getter, missing, json_plan = plan or cls._plan(row._fields)
        attrs = dict(missing)
        attrs.update(zip(names, getter(row)))
        for field, index, default in json_plan:
            raw = row[index] if index is not None else None
            if decoded is not None and raw and raw not in _EMPTY:
                value = decoded.get(raw)
                if value is None:
                    value = decoded[raw] = _json_value(raw)
            else:
                value = _json_value(raw)
            attrs[field] = default() if value is None else value
        for field, value in extra.items():
            if value is None and field in cls.JSON_FIELDS:
                value = cls.JSON_FIELDS[field]()
            attrs[field] = value
        record = cls.__new__(cls)
        record.__dict__.update(attrs)
        return record

    @classmethod
    def from_rows(cls, rows, **extra):
        """Records of the rows of one result (the same columns).

        A JSON column's text is decoded once per result: records whose
        column holds the same non-empty text (the same flavor, say, on many
        servers) share its value, which is read, never changed, by those
        who list them.
        """
        if not rows:
            return []
        columns = getattr(rows[0], '_fields', None)
        if columns is None or cls.__init__ is not Record.__init__:
            return [cls.from_row(row, **extra) for row in rows]
        plan = cls._plan(columns)
        decoded = {}
        return [cls._from_plain_row(row, extra, plan, decoded)
                for row in rows]

    @classmethod
    def from_row(cls, row, **extra):
        columns = getattr(row, '_fields', None)
        if columns is not None and cls.__init__ is Record.__init__:
            # A row of plain columns, for a record without its own
            # constructor: positions straight into the record's fields.
            return cls._from_plain_row(row, extra, cls._plan(columns))
        if hasattr(type(row), '__mapper__'):
            # An ORM object: loaded columns straight from its state's
            # dict, anything else (not loaded, a property) through getattr.
            loaded = row.__dict__
            values = {f: loaded[f] if f in loaded else getattr(row, f)
                      for f in cls._mapped_fields(type(row))}
            column_value = functools.partial(getattr, row)
        elif hasattr(row, '_asdict'):
            # A row of plain columns.
            mapping = row._asdict()
            values = {f: mapping[f] for f in cls.FIELDS if f in mapping}
            column_value = mapping.get
        else:
            values = {f: getattr(row, f) for f in cls.FIELDS
                      if hasattr(row, f)}
            column_value = functools.partial(getattr, row)
        for field, column in cls.json_columns().items():
            values[field] = _json_value(column_value(column))
        values.update(extra)
        return cls(**values)

    @classmethod
    def json_columns(cls):
        return {f: f for f in cls.JSON_FIELDS}

    def to_dict(self):
        out = {f: getattr(self, f) for f in self.FIELDS}
        out.update({f: getattr(self, f) for f in self.JSON_FIELDS})
        return out

    def __repr__(self):
        ident = getattr(self, 'uuid', None) or getattr(self, 'id', None)
        return '<%s %s>' % (type(self).__name__, ident)


def dumps(value):
    return jsonutils.dumps(value)
