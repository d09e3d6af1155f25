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


_BASES = 'nova_lite.link_bases'
# Link bases by what they are made of; the Host header is the caller's,
# so the memory is bounded.
_KNOWN_BASES = {}
_MAX_KNOWN_BASES = 256


def _bases(req):
    """(version base, bookmark base, project) of this request, computed
    once per request (a server list renders them for every server) and
    remembered for the next request to the same host, path and project."""
    environ = req.environ
    bases = environ.get(_BASES)
    if bases is None:
        conf = environ.get('nova_lite.conf')
        key = (environ.get('wsgi.url_scheme'), environ.get('HTTP_HOST'),
               environ.get('SERVER_NAME'), environ.get('SERVER_PORT'),
               environ.get('SCRIPT_NAME'),
               environ.get('nova_lite.url_project_id'),
               conf.api.compute_link_prefix if conf is not None else None)
        bases = _KNOWN_BASES.get(key)
        if bases is None:
            bases = _compute_bases(req)
            if len(_KNOWN_BASES) >= _MAX_KNOWN_BASES:
                _KNOWN_BASES.clear()
            _KNOWN_BASES[key] = bases
        environ[_BASES] = bases
    return bases


def _compute_bases(req):
    url = req.application_url
    bookmark = url
    if bookmark.rstrip('/').endswith('/v2.1'):
        bookmark = bookmark.rstrip('/')[:-len('/v2.1')]
    return (_prefixed(req, url), _prefixed(req, bookmark),
            req.environ.get('nova_lite.url_project_id') or '')


def _project(req):
    return _bases(req)[2]


def _version_base(req):
    return _bases(req)[0]


def _bookmark_base(req):
    return _bases(req)[1]


# Member link prefixes by link bases and collection, bounded as the bases.
_KNOWN_PREFIXES = {}


def _prefixes(req, collection):
    """(self prefix, bookmark prefix) of a collection's members, each
    ending in '/', computed once per link bases and collection."""
    key = (_bases(req), collection)
    pair = _KNOWN_PREFIXES.get(key)
    if pair is None:
        version, bookmark, project = key[0]
        pair = (_join(version, project, collection) + '/',
                _join(bookmark, project, collection) + '/')
        if len(_KNOWN_PREFIXES) >= 4 * _MAX_KNOWN_BASES:
            _KNOWN_PREFIXES.clear()
        _KNOWN_PREFIXES[key] = pair
    return pair


def self_link(req, collection, identifier):
    if identifier == '' or identifier is None:
        version, _bookmark, project = _bases(req)
        return _join(version, project, collection)
    return _prefixes(req, collection)[0] + str(identifier).strip('/')


def bookmark_link(req, collection, identifier):
    if identifier == '' or identifier is None:
        _version, bookmark, project = _bases(req)
        return _join(bookmark, project, collection)
    return _prefixes(req, collection)[1] + str(identifier).strip('/')


def links(req, collection, identifier):
    if identifier == '' or identifier is None:
        version, bookmark, project = _bases(req)
        return [{'rel': 'self',
                 'href': _join(version, project, collection)},
                {'rel': 'bookmark',
                 'href': _join(bookmark, project, collection)}]
    own, bookmark = _prefixes(req, collection)
    identifier = str(identifier).strip('/')
    return [{'rel': 'self', 'href': own + identifier},
            {'rel': 'bookmark', 'href': bookmark + identifier}]


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
