"""Validation of flavor extra specs (microversion 2.86 and later).

The known extra specs are data (``extra_specs_validators.json``): per spec
its name, in which ``{param}`` stands for a parameter matching a pattern,
and its value's type with an optional pattern, choice list or bounds. A spec
of a namespace nova knows that matches no entry is refused; specs without a
namespace, or of a namespace nobody registered, are accepted.
"""

import json
import os
import re

from oslo_utils import strutils

from nova_lite import exception

_TYPES = {'int', 'str', 'bool'}


class Spec:
    def __init__(self, record):
        self.name = record['name']
        self.type = record['type']
        if self.type not in _TYPES:
            raise ValueError('unknown extra spec type %s' % self.type)
        self.pattern = record.get('pattern')
        self.enum = record.get('enum')
        self.min = record.get('min')
        self.max = record.get('max')
        regex = self.name
        for param in record.get('parameters', ()):
            regex = regex.replace('{%s}' % param['name'], '(?P<%s>%s)' % (
                param['name'], param['pattern']))
        self.name_regex = regex

    def validate(self, name, value):
        if not re.fullmatch(self.name_regex, name):
            raise exception.ValidationError(
                detail="Validation failed; expected a name of format '%s' "
                       "but got '%s'." % (self.name, name))
        if self.type == 'int':
            self._check_int(value)
        elif self.type == 'bool':
            try:
                strutils.bool_from_string(value, strict=True)
            except ValueError:
                raise exception.ValidationError(
                    detail="Validation failed; '%s' is not a valid "
                           "boolean-like value." % value)
        elif self.pattern is not None:
            if not re.fullmatch(self.pattern, value):
                raise exception.ValidationError(
                    detail="Validation failed; '%s' is not of the format "
                           "'%s'." % (value, self.pattern))
        elif self.enum is not None and value not in self.enum:
            raise exception.ValidationError(
                detail="Validation failed; '%s' is not one of: %s." % (
                    value, ', '.join(str(x) for x in self.enum)))

    def _check_int(self, value):
        try:
            number = int(value)
        except ValueError:
            raise exception.ValidationError(
                detail="Validation failed; '%s' is not a valid integer "
                       "value." % value)
        if self.max is not None and number > self.max:
            raise exception.ValidationError(
                detail="Validation failed; '%s' is greater than the max "
                       "value of '%s'." % (number, self.max))
        if self.min is not None and number < self.min:
            raise exception.ValidationError(
                detail="Validation failed; '%s' is less than the min value "
                       "of '%s'." % (number, self.min))


def _load():
    path = os.path.join(os.path.dirname(__file__),
                        'extra_specs_validators.json')
    with open(path) as f:
        specs = [Spec(r) for r in json.load(f)]
    by_name = {s.name: s for s in specs}
    namespaces = {s.name_regex.split(':', 1)[0] for s in specs
                  if ':' in s.name_regex}
    return specs, by_name, namespaces


SPECS, BY_NAME, NAMESPACES = _load()


def validate(name, value):
    """Raise ValidationError (400) for an invalid known extra spec."""
    spec = BY_NAME.get(name)
    if spec is not None:
        spec.validate(name, value)
        return
    for spec in SPECS:
        if re.fullmatch(spec.name_regex, name):
            spec.validate(name, value)
            return
    if ':' not in name:
        return
    prefix = name.split(':', 1)[0]
    if not any(re.fullmatch(ns, prefix) for ns in NAMESPACES):
        return
    raise exception.ValidationError(
        detail="Validation failed; extra spec '%s' does not appear to be a "
               "valid extra spec." % name)
