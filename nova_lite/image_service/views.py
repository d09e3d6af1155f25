"""How the image API renders images, members and the version document."""

CURRENT = 'v2.17'
SUPPORTED = ('v2.16', 'v2.15', 'v2.14', 'v2.13', 'v2.12', 'v2.11', 'v2.10',
             'v2.9', 'v2.8', 'v2.7', 'v2.6', 'v2.5', 'v2.4', 'v2.3', 'v2.2',
             'v2.1', 'v2.0')


def isotime(value):
    if value is None:
        return None
    return value.replace(tzinfo=None, microsecond=0).isoformat() + 'Z'


def image(record):
    body = dict(record['properties'])
    for key in ('name', 'disk_format', 'container_format', 'visibility',
                'size', 'virtual_size', 'status', 'checksum', 'protected',
                'min_ram', 'min_disk', 'owner', 'os_hidden', 'os_hash_algo',
                'os_hash_value'):
        body[key] = record[key]
    body['id'] = record['id']
    body['created_at'] = isotime(record['created_at'])
    body['updated_at'] = isotime(record['updated_at'])
    body['tags'] = list(record['tags'])
    body['self'] = '/v2/images/%s' % record['id']
    body['file'] = '/v2/images/%s/file' % record['id']
    body['schema'] = '/v2/schemas/image'
    return body


def member(image_id, member_id, info):
    return {'created_at': isotime(info['created_at']),
            'image_id': image_id, 'member_id': member_id,
            'schema': '/v2/schemas/member', 'status': info['status'],
            'updated_at': isotime(info['updated_at'])}


def versions(base_url):
    base = base_url.rstrip('/') + '/v2/'
    out = [{'id': CURRENT, 'status': 'CURRENT',
            'links': [{'rel': 'self', 'href': base}]}]
    for version in SUPPORTED:
        out.append({'id': version, 'status': 'SUPPORTED',
                    'links': [{'rel': 'self', 'href': base}]})
    return {'versions': out}
