"""Checks of image attributes as Glance's image schema makes them; errors
are Glance's webob answers."""

from oslo_utils import uuidutils
import webob.exc

from nova_lite.image_service import schemas

MAX_TAGS = 128
MAX_PROPERTIES = 128


def schema_error(detail):
    return webob.exc.HTTPBadRequest(
        explanation="Provided object does not match schema 'image': %s"
        % detail)


def forbidden(message):
    return webob.exc.HTTPForbidden(explanation=message)


def check_writable(key):
    if key in schemas.READ_ONLY or key == 'id':
        raise forbidden("Attribute '%s' is read-only." % key)
    if key in schemas.RESERVED or key.startswith(schemas.RESERVED_PREFIX):
        raise forbidden("Attribute '%s' is reserved." % key)


def _string(key, value, max_len=255, nullable=False):
    if value is None and nullable:
        return value
    if not isinstance(value, str):
        raise schema_error('%r is not of type %s' % (
            value, "'null', 'string'" if nullable else "'string'"))
    if max_len and len(value) > max_len:
        raise schema_error('%r is too long' % value)
    return value


def _enum(key, value, choices, nullable=True):
    if value is None and nullable:
        return None
    if value not in choices:
        raise schema_error('%r is not one of %r' % (
            value, ([None] if nullable else []) + list(choices)))
    return value


def _bool(key, value):
    if not isinstance(value, bool):
        raise schema_error('%r is not of type \'boolean\'' % (value,))
    return value


def _int(key, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise schema_error('%r is not of type \'integer\'' % (value,))
    if value < 0:
        raise schema_error('%r is less than the minimum of 0' % value)
    if value > 2 ** 31 - 1:
        raise schema_error('%r is greater than the maximum of %d'
                           % (value, 2 ** 31 - 1))
    return value


def tags(value):
    if not isinstance(value, list):
        raise schema_error('%r is not of type \'array\'' % (value,))
    out = []
    for tag in value:
        _string('tags', tag)
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise webob.exc.HTTPRequestEntityTooLarge(
            explanation='Maximum number of tags exceeded (%d)' % MAX_TAGS)
    return out


def base_value(key, value):
    """The checked value of base attribute ``key``."""
    if key == 'name':
        return _string(key, value, nullable=True)
    if key == 'visibility':
        return _enum(key, value, schemas.VISIBILITIES, nullable=False)
    if key in ('protected', 'os_hidden'):
        return _bool(key, value)
    if key == 'container_format':
        return _enum(key, value, schemas.CONTAINER_FORMATS)
    if key == 'disk_format':
        return _enum(key, value, schemas.DISK_FORMATS)
    if key in ('min_ram', 'min_disk'):
        return _int(key, value)
    if key == 'owner':
        return _string(key, value, nullable=True)
    if key == 'tags':
        return tags(value)
    raise KeyError(key)


_UUID_PROPS = ('kernel_id', 'ramdisk_id')


def property_value(key, value):
    """The checked value of custom property ``key`` (strings only)."""
    if len(key) > 255:
        raise schema_error('%r does not match any of the regexes' % key)
    if key in _UUID_PROPS:
        if value is None:
            return None
        _string(key, value)
        if not uuidutils.is_uuid_like(value):
            raise schema_error('%r does not match %r' % (
                value, schemas.IMAGE['properties'][key]['pattern']))
        return value
    return _string(key, value, max_len=65535)


def image_id(value):
    if not isinstance(value, str) or not uuidutils.is_uuid_like(value):
        raise schema_error('%r does not match %r' % (
            value, schemas.IMAGE['properties']['id']['pattern']))
    return value
