"""Policy matrix entries of /images and /images/{image_id}/metadata (the
image proxy, before 2.36 and 2.39): nova has no rules of its own for
them, the image service decides with the caller's token and roles."""

import requests

from tests.security import personas as p

C = 'compute'
READ = frozenset(['admin', 'member', 'reader'])
WRITE = frozenset(['admin', 'member'])
ALL = frozenset(['admin', 'member', 'reader', 'other'])
ONE = '/images/{image_id}'
META = ONE + '/metadata'


def _image(env):
    """A private image of the member's project, with one property."""
    resp = requests.post(env.stack.image_base + '/v2/images', json={
        'name': 'matrix', 'disk_format': 'raw', 'container_format': 'bare',
        'visibility': 'private', 'key': 'value'},
        headers=p.PERSONAS['member'], timeout=p.TIMEOUT)
    assert resp.status_code == 201, resp.text
    return {'image_id': resp.json()['id'], 'key': 'key'}


def _meta(params):
    return {'metadata': {'added': 'yes'}}


def entries(Entry):
    def entry(*args, **kwargs):
        made = Entry(C, *args, prep=_image, version='2.35', **kwargs)
        # nova's fault names no id: "Image not found."
        made.not_found_message = 'Image not found.'
        return made

    out = {
        ('GET', '/images', None): entry(200, ALL, visible='image_id'),
        ('GET', '/images/detail', None): entry(
            200, ALL, visible='image_id'),
        ('GET', ONE, None): entry(200, READ),
        ('DELETE', ONE, None): entry(204, WRITE, fresh=True),
        ('GET', META, None): entry(200, READ),
        ('POST', META, None): entry(200, WRITE, fresh=True, body=_meta),
        ('PUT', META, None): entry(200, WRITE, fresh=True, body=_meta),
        ('GET', META + '/{key}', None): entry(200, READ),
        ('PUT', META + '/{key}', None): entry(
            200, WRITE, fresh=True,
            body=lambda params: {'meta': {'key': 'changed'}}),
        ('DELETE', META + '/{key}', None): entry(204, WRITE, fresh=True),
    }
    for route in out:
        out[route].forbidden_message = (
            'You are not allowed to delete the image.'
            if route == ('DELETE', ONE, None) else
            'Not authorized for image {image_id}.')
    return out
