"""Helpers shared by the plain record classes."""

import functools
import json

from oslo_serialization import jsonutils


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
    def _mapped_fields(cls, model):
        """The record's fields a mapped model class has, per model."""
        cache = cls.__dict__.get('_fields_of_model')
        if cache is None:
            cache = {}
            setattr(cls, '_fields_of_model', cache)
        fields = cache.get(model)
        if fields is None:
            fields = cache[model] = tuple(
                f for f in cls.FIELDS if hasattr(model, f))
        return fields

    @classmethod
    def from_row(cls, row, **extra):
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
            raw = column_value(column)
            # Text columns: str already, nothing for jsonutils to decode.
            values[field] = json.loads(raw) if raw else None
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
