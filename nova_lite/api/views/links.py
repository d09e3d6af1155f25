"""Links in responses, built as nova builds them.

The project id appears in links only when the request URL carried it.
``[api] compute_link_prefix`` replaces scheme, host and leading path.
"""

from urllib import parse as urlparse


def _prefixed(req, url):
    conf = req.environ.get('nova_lite.conf')
    prefix = conf.api.compute_link_prefix if conf is not None else None
    if not prefix:
        return url
    parts = list(urlparse.urlsplit(url))
    prefix_parts = list(urlparse.urlsplit(prefix))
    parts[0:2] = prefix_parts[0:2]
    parts[2] = prefix_parts[2] + parts[2]
    return urlparse.urlunsplit(parts).rstrip('/')


def _join(*parts):
    return '/'.join(str(p).strip('/') for p in parts if p != '' and
                    p is not None)


def _project(req):
    return req.environ.get('nova_lite.url_project_id') or ''


def _version_base(req):
    return _prefixed(req, req.application_url)


def _bookmark_base(req):
    url = req.application_url
    if url.rstrip('/').endswith('/v2.1'):
        url = url.rstrip('/')[:-len('/v2.1')]
    return _prefixed(req, url)


def self_link(req, collection, identifier):
    return _join(_version_base(req), _project(req), collection, identifier)


def bookmark_link(req, collection, identifier):
    return _join(_bookmark_base(req), _project(req), collection, identifier)


def links(req, collection, identifier):
    return [{'rel': 'self', 'href': self_link(req, collection, identifier)},
            {'rel': 'bookmark',
             'href': bookmark_link(req, collection, identifier)}]


def server_links(req, server_id):
    return links(req, 'servers', server_id)


def flavor_links(req, flavor_id):
    return links(req, 'flavors', flavor_id)


def collection_next_link(req, collection_name, marker):
    params = {k: req.GET.getall(k)[-1] for k in req.GET.keys()}
    params = dict(sorted(params.items()))
    params['marker'] = marker
    url = _join(_version_base(req), _project(req), collection_name)
    return [{'rel': 'next',
             'href': '%s?%s' % (url, urlparse.urlencode(params))}]
