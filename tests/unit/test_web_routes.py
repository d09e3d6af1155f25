"""The route table the block storage and the image service route with."""

from nova_lite.web import routes


def _handler(name):
    def handler(**kwargs):
        return name, kwargs
    return handler


TABLE = [('GET', '/volumes', _handler('list')),
         ('POST', '/volumes', _handler('create')),
         ('GET', '/volumes/{volume_id}', _handler('show')),
         ('DELETE', '/volumes/{volume_id}', _handler('delete'))]


def test_a_route_gets_its_segments():
    handler, args, allowed = routes.RouteTable(TABLE).match(
        'GET', '/volumes/abc')
    assert handler() == ('show', {})
    assert args == {'volume_id': 'abc'} and allowed is None


def test_other_methods_of_a_path_are_the_allowed_ones():
    handler, args, allowed = routes.RouteTable(TABLE).match(
        'PUT', '/volumes/abc')
    assert handler is None and args is None
    assert allowed == ['DELETE', 'GET']


def test_an_unknown_path_allows_nothing():
    assert routes.RouteTable(TABLE).match('GET', '/snapshots') == (
        None, None, [])
    # A segment never spans a slash.
    assert routes.RouteTable(TABLE).match('GET', '/volumes/a/b')[0] is None


def test_trailing_slash_only_where_asked():
    assert routes.RouteTable(TABLE).match('GET', '/volumes/')[0] is None
    handler, _args, _allowed = routes.RouteTable(
        TABLE, trailing_slash=True).match('GET', '/volumes/')
    assert handler()[0] == 'list'
