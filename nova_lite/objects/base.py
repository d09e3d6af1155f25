"""Helpers shared by the plain record classes."""

from oslo_serialization import jsonutils


class Record:
    """A plain record: attributes copied from a row or a dict."""

    FIELDS = ()
    JSON_FIELDS = {}

    def __init__(self, **kwargs):
        for field in self.FIELDS:
            setattr(self, field, kwargs.get(field))
        for field, default in self.JSON_FIELDS.items():
            value = kwargs.get(field)
            setattr(self, field, default() if value is None else value)

    @classmethod
    def from_row(cls, row, **extra):
        values = {f: getattr(row, f) for f in cls.FIELDS if hasattr(row, f)}
        for field, column in cls.json_columns().items():
            raw = getattr(row, column)
            values[field] = jsonutils.loads(raw) if raw else None
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
