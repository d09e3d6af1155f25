"""Request validation with JSON schema, with nova's error messages:
request bodies, query strings and the formats nova's schemas use."""

import base64
import binascii
import ipaddress
import re
import unicodedata

import jsonschema
from jsonschema import validators as js_validators
from oslo_serialization import jsonutils
from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_lite import exception

_BODY_CACHE = 'nova_lite.parsed_body'
ALLOWED_CONTENT_TYPES = ('application/json',
                         'application/vnd.openstack.compute+json')


class UnsupportedMediaType(exception.NovaLiteException):
    msg_fmt = 'Unsupported Content-Type'
    code = 415


class MalformedRequestBody(exception.Invalid):
    msg_fmt = 'Malformed request body'


_FORMAT_CHECKER = jsonschema.FormatChecker()


@_FORMAT_CHECKER.checks('uuid')
def _is_uuid(instance):
    if not isinstance(instance, str):
        return True
    return uuidutils.is_uuid_like(instance)


@_FORMAT_CHECKER.checks('date-time')
def _is_datetime(instance):
    if not isinstance(instance, str):
        return True
    try:
        timeutils.parse_isotime(instance)
    except ValueError:
        return False
    return True


@_FORMAT_CHECKER.checks('regex')
def _is_regex(instance):
    if not isinstance(instance, str):
        return True
    try:
        re.compile(instance)
    except re.error:
        return False
    return True


class InvalidName(exception.Invalid):
    msg_fmt = ("An invalid 'name' value was provided. The name must be: "
               "%(reason)s")


def _printable(ch):
    category = unicodedata.category(ch)
    return not category.startswith('C') and (
        not category.startswith('Z') or category == 'Zs')


@_FORMAT_CHECKER.checks('name', raises=InvalidName)
def _is_name(instance):
    if not isinstance(instance, str):
        return True
    if not all(_printable(c) for c in instance) or (
            instance and (instance[0].isspace() or instance[-1].isspace())):
        raise InvalidName(reason='printable characters. Can not start or '
                                 'end with whitespace.')
    return True


@_FORMAT_CHECKER.checks('name_with_leading_trailing_spaces',
                        raises=InvalidName)
def _is_name_with_spaces(instance):
    if not isinstance(instance, str):
        return True
    if not all(_printable(c) for c in instance) or not instance.strip():
        raise InvalidName(reason='printable characters with at least one '
                                 'non space character')
    return True


@_FORMAT_CHECKER.checks('az_name', raises=InvalidName)
def _is_az_name(instance):
    if not isinstance(instance, str):
        return True
    if ':' in instance or not all(_printable(c) for c in instance) or (
            instance and (instance[0].isspace() or instance[-1].isspace())):
        raise InvalidName(reason='printable characters except :.Can not '
                                 'start or end with whitespace.')
    return True


@_FORMAT_CHECKER.checks('az_name_with_leading_trailing_spaces',
                        raises=InvalidName)
def _is_az_name_with_spaces(instance):
    if not isinstance(instance, str):
        return True
    if ':' in instance or not all(_printable(c) for c in instance) or \
            not instance.strip():
        raise InvalidName(reason='printable characters except :, with at '
                                 'least one non space character')
    return True


@_FORMAT_CHECKER.checks('description')
def _is_description(instance):
    if not isinstance(instance, str):
        return True
    return all(_printable(c) for c in instance)


@_FORMAT_CHECKER.checks('base64')
def _is_base64(instance):
    if not isinstance(instance, str):
        return True
    try:
        base64.b64decode(instance.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


@_FORMAT_CHECKER.checks('ipv4')
def _is_ipv4(instance):
    if not isinstance(instance, str):
        return True
    try:
        return isinstance(ipaddress.ip_address(instance),
                          ipaddress.IPv4Address)
    except ValueError:
        return False


@_FORMAT_CHECKER.checks('ipv6')
def _is_ipv6(instance):
    if not isinstance(instance, str):
        return True
    try:
        return isinstance(ipaddress.ip_address(instance),
                          ipaddress.IPv6Address)
    except ValueError:
        return False


_Validator = js_validators.Draft4Validator


def _detail(error, is_body):
    if isinstance(error.cause, InvalidName):
        return error.cause.format_message()
    path = [p for p in error.path]
    if path:
        names = [p for p in path if isinstance(p, str)]
        where = names[-1] if names else path[-1]
        template = ('Invalid input for field/attribute %(path)s. Value: '
                    '%(value)s. %(message)s' if is_body else
                    'Invalid input for query parameters %(path)s. Value: '
                    '%(value)s. %(message)s')
        value = error.instance
        if not is_body and isinstance(value, list) and len(value) == 1:
            value = value[0]
        return template % {'path': where, 'value': value,
                           'message': error.message}
    return error.message


# Validators by schema, made once: the schemas are module constants and a
# validator keeps no state of its own between validations. The schema is
# kept with its validator, so its id is not reused while the entry lives.
_VALIDATORS = {}
# The keywords with which an empty object (a request without query
# parameters) is always valid.
_EMPTY_VALID = frozenset(['type', 'properties', 'patternProperties',
                          'additionalProperties'])


def _validator(schema):
    entry = _VALIDATORS.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = (schema, _Validator(schema, format_checker=_FORMAT_CHECKER))
        if len(_VALIDATORS) >= 4096:
            # Schemas made per call would each stay otherwise.
            _VALIDATORS.clear()
        _VALIDATORS[id(schema)] = entry
    return entry[1]


def validate(schema, instance, is_body=True):
    """Validate ``instance``; raise ValidationError with nova's message."""
    if not is_body and not instance and type(instance) is dict and \
            schema.get('type') == 'object' and _EMPTY_VALID.issuperset(
                schema):
        return
    validator = _validator(schema)
    try:
        validator.validate(instance)
    except jsonschema.ValidationError as error:
        raise exception.ValidationError(detail=_detail(error, is_body))
    except TypeError as error:
        raise exception.ValidationError(detail=str(error))


def check_content_type(req):
    content_type = req.content_type
    if not content_type or content_type == 'text/plain':
        return
    if content_type not in ALLOWED_CONTENT_TYPES:
        raise UnsupportedMediaType()


def request_body(req):
    """The JSON body of the request (cached); None when empty."""
    if _BODY_CACHE in req.environ:
        return req.environ[_BODY_CACHE]
    check_content_type(req)
    raw = req.body
    if not raw or not raw.strip():
        body = None
    else:
        try:
            body = jsonutils.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise MalformedRequestBody()
    req.environ[_BODY_CACHE] = body
    return body


def get_query_params(req):
    return {k: req.GET.getall(k) for k in req.GET.keys()}


def strip_unknown(query_schema, req):
    known = set(query_schema.get('properties', {}))
    patterns = [re.compile(p) for p in
                query_schema.get('patternProperties', {})]
    # A repeated parameter is listed once per value; delete it once.
    for key in set(req.GET.keys()):
        if key in known or any(p.search(key) for p in patterns):
            continue
        del req.GET[key]
