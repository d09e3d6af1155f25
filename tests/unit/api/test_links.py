"""Links built from the request: each request's own host, scheme, path,
project and link prefix, however many requests came before."""

import types

import webob

from nova_lite.api.views import links


def _req(host='api.example.com', scheme='http', script='/v2.1',
         project=None, prefix=None):
    environ = webob.Request.blank(script + '/servers', base_url='%s://%s' % (
        scheme, host)).environ
    environ['SCRIPT_NAME'] = script
    environ['nova_lite.url_project_id'] = project
    if prefix is not None or project is not None:
        environ['nova_lite.conf'] = types.SimpleNamespace(
            api=types.SimpleNamespace(compute_link_prefix=prefix))
    return webob.Request(environ)


def test_each_request_gets_its_own_bases():
    cases = [
        (_req(), 'http://api.example.com/v2.1/servers/s1',
         'http://api.example.com/servers/s1'),
        (_req(host='other:8774'), 'http://other:8774/v2.1/servers/s1',
         'http://other:8774/servers/s1'),
        (_req(scheme='https'), 'https://api.example.com/v2.1/servers/s1',
         'https://api.example.com/servers/s1'),
        (_req(script='/compute/v2.1'),
         'http://api.example.com/compute/v2.1/servers/s1',
         'http://api.example.com/compute/servers/s1'),
        (_req(project='p1'), 'http://api.example.com/v2.1/p1/servers/s1',
         'http://api.example.com/p1/servers/s1'),
        (_req(prefix='https://public.example.org/nova'),
         'https://public.example.org/nova/v2.1/servers/s1',
         'https://public.example.org/nova/servers/s1'),
    ]
    for _round in range(2):
        for req, own, bookmark in cases:
            assert links.links(req, 'servers', 's1') == [
                {'rel': 'self', 'href': own},
                {'rel': 'bookmark', 'href': bookmark}]


def test_a_changed_link_prefix_is_used_at_once():
    conf = types.SimpleNamespace(api=types.SimpleNamespace(
        compute_link_prefix=None))

    def href():
        req = _req()
        req.environ['nova_lite.conf'] = conf
        return links.self_link(req, 'flavors', '1')
    assert href() == 'http://api.example.com/v2.1/flavors/1'
    conf.api.compute_link_prefix = 'https://edge.example.org'
    assert href() == 'https://edge.example.org/v2.1/flavors/1'


def test_remembered_bases_are_bounded():
    links._KNOWN_BASES.clear()
    for i in range(links._MAX_KNOWN_BASES * 3):
        req = _req(host='h%d.example.com' % i)
        assert links.self_link(req, 'servers', 'x') == \
            'http://h%d.example.com/v2.1/servers/x' % i
        assert links.bookmark_link(req, 'flavors', '1') == \
            'http://h%d.example.com/flavors/1' % i
        assert len(links._KNOWN_BASES) <= links._MAX_KNOWN_BASES
        assert len(links._KNOWN_PREFIXES) <= 4 * links._MAX_KNOWN_BASES


def test_member_prefixes_per_collection_and_bases():
    for collection in ('servers', 'flavors', 'images'):
        for project in (None, 'p1', 'p2'):
            req = _req(project=project)
            middle = '/' + project if project else ''
            assert links.links(req, collection, 'x') == [
                {'rel': 'self', 'href': 'http://api.example.com/v2.1%s/%s/x'
                 % (middle, collection)},
                {'rel': 'bookmark', 'href': 'http://api.example.com%s/%s/x'
                 % (middle, collection)}]
