"""``GET /v2/images``: Glance's filters, sorting and paging."""

import datetime

from oslo_utils import strutils
from oslo_utils import timeutils
import webob.exc

from nova_lite.image_service import schemas

SORT_KEYS = ('name', 'status', 'container_format', 'disk_format', 'size',
             'id', 'created_at', 'updated_at')
SORT_DIRS = ('asc', 'desc')
IN_FILTERS = ('id', 'name', 'status', 'container_format', 'disk_format',
              'owner')
TIME_OPS = ('gt', 'gte', 'lt', 'lte', 'eq', 'neq')
_RESERVED = ('limit', 'marker', 'sort_key', 'sort_dir', 'sort',
             'member_status', 'visibility', 'tag', 'size_min', 'size_max',
             'protected', 'os_hidden', 'created_at', 'updated_at', 'size',
             'min_ram', 'min_disk')


def _bad(message):
    return webob.exc.HTTPBadRequest(explanation=message)


def _limit(params, conf):
    value = params.get('limit')
    if value is None:
        return conf.image_service.limit_param_default
    try:
        limit = int(value)
    except ValueError:
        raise _bad('limit param must be an integer')
    if limit < 0:
        raise _bad('limit param must be positive')
    return min(limit, conf.image_service.api_limit_max)


def _sort(params):
    keys = params.getall('sort_key')
    dirs = params.getall('sort_dir')
    sort = params.get('sort')
    if sort is not None:
        if keys or dirs:
            raise _bad('The sort param is not compatible with sort_key or '
                       'sort_dir params.')
        keys, dirs = [], []
        for part in sort.split(','):
            key, _sep, direction = part.strip().partition(':')
            keys.append(key.strip())
            dirs.append(direction.strip() or 'desc')
    for key in keys:
        if key not in SORT_KEYS:
            raise _bad('Invalid sort key: %s. It should be one of the '
                       'following: %s.' % (key, ', '.join(SORT_KEYS)))
    for direction in dirs:
        if direction not in SORT_DIRS:
            raise _bad('Invalid sort direction: %s' % direction)
    if not keys:
        keys = ['created_at']
    if sort is None:
        if len(dirs) > 1 and len(dirs) != len(keys):
            raise _bad('Number of sort dirs does not match the number of '
                       'sort keys')
        if len(dirs) <= 1:
            dirs = [dirs[0] if dirs else 'desc'] * len(keys)
    if 'id' not in keys:
        keys = keys + ['id']
        dirs = dirs + [dirs[-1]]
    return list(zip(keys, dirs))


def _split_in(value):
    if not value.startswith('in:'):
        return None
    out, current, quoted = [], '', False
    for char in value[3:]:
        if char == '"':
            quoted = not quoted
        elif char == ',' and not quoted:
            out.append(current)
            current = ''
        else:
            current += char
    out.append(current)
    return out


def _time_filter(name, value):
    op, sep, stamp = value.partition(':')
    if not sep or op not in TIME_OPS:
        op, stamp = 'eq', value
    try:
        when = timeutils.normalize_time(timeutils.parse_isotime(stamp))
    except ValueError:
        raise _bad('Unable to filter on a %s: %s' % (name, value))
    compare = {'gt': lambda v: v > when, 'gte': lambda v: v >= when,
               'lt': lambda v: v < when, 'lte': lambda v: v <= when,
               'eq': lambda v: v == when, 'neq': lambda v: v != when}[op]
    return lambda image: image[name] is not None and compare(
        image[name].replace(microsecond=0))


def _bool_param(params, name, default=None):
    value = params.get(name)
    if value is None:
        return default
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise _bad('Invalid %s value: %s' % (name, value))


def _int_param(params, name):
    value = params.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise _bad('%s param must be an integer' % name)


def _base_set(ctx, images, visibility, member_status):
    """The images the caller may list, as Glance's default visibility
    rules have them."""
    project = ctx.project_id
    out = []
    for image in images:
        vis = image['visibility']
        if visibility not in (None, 'all') and vis != visibility:
            continue
        if ctx.is_admin:
            out.append(image)
            continue
        mine = image['owner'] == project
        if mine or vis == 'public':
            out.append(image)
        elif vis == 'community' and visibility in ('community', 'all'):
            out.append(image)
        elif vis == 'shared' and project in image['members']:
            status = image['members'][project]['status']
            if member_status == 'all' or status == member_status:
                out.append(image)
    return out


def _filters(params):
    checks = []
    for name in IN_FILTERS:
        value = params.get(name)
        if value is None:
            continue
        wanted = _split_in(value)
        if wanted is None:
            wanted = [value]
        if name == 'status':
            for status in wanted:
                if status not in schemas.STATUSES:
                    raise _bad('Invalid status value: %s' % status)
        checks.append(lambda i, n=name, w=set(wanted): i[n] in w)
    for tag in params.getall('tag'):
        checks.append(lambda i, t=tag: t in i['tags'])
    size = _int_param(params, 'size')
    if size is not None:
        checks.append(lambda i: i['size'] == size)
    size_min = _int_param(params, 'size_min')
    size_max = _int_param(params, 'size_max')
    if size_min is not None:
        checks.append(lambda i: i['size'] is not None and
                      i['size'] >= size_min)
    if size_max is not None:
        checks.append(lambda i: i['size'] is not None and
                      i['size'] <= size_max)
    for name in ('min_ram', 'min_disk'):
        value = _int_param(params, name)
        if value is not None:
            checks.append(lambda i, n=name, v=value: (i[n] or 0) == v)
    protected = _bool_param(params, 'protected')
    if protected is not None:
        checks.append(lambda i: i['protected'] == protected)
    hidden = _bool_param(params, 'os_hidden', False)
    checks.append(lambda i: i['os_hidden'] == hidden)
    for name in ('created_at', 'updated_at'):
        if params.get(name) is not None:
            checks.append(_time_filter(name, params[name]))
    for name, value in params.items():
        if name in _RESERVED or name in IN_FILTERS:
            continue
        checks.append(lambda i, n=name, v=value: i['properties'].get(n) == v)
    return checks


def _sort_value(image, key):
    value = image[key]
    if value is None:
        return (0, '')
    if isinstance(value, datetime.datetime):
        value = value.replace(tzinfo=None)
    return (1, value)


class _Reverse:
    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        return other.value < self.value

    def __eq__(self, other):
        return self.value == other.value


def list_images(svc, ctx, params):
    """(page of images, marker of the next page or None)."""
    limit = _limit(params, svc.conf)
    sort = _sort(params)
    visibility = params.get('visibility')
    if visibility is not None and visibility not in \
            schemas.VISIBILITIES + ('all',):
        raise _bad('Invalid visibility value: %s' % visibility)
    member_status = params.get('member_status', 'accepted')
    if member_status not in schemas.MEMBER_STATUSES + ('all',):
        raise _bad('Invalid status value: %s' % member_status)
    checks = _filters(params)
    images = [i for i in _base_set(ctx, svc.store.list(), visibility,
                                   member_status)
              if all(check(i) for check in checks)]
    images.sort(key=lambda i: [
        _sort_value(i, key) if direction == 'asc' else
        _Reverse(_sort_value(i, key)) for key, direction in sort])
    marker = params.get('marker')
    if marker is not None:
        ids = [i['id'] for i in images]
        if marker not in ids:
            raise _bad('Invalid marker. Image %s could not be found.'
                       % marker)
        images = images[ids.index(marker) + 1:]
    page = images[:limit]
    next_marker = page[-1]['id'] if page and len(page) == limit else None
    return page, next_marker
