"""pecan as the compute API runs it: custom path segments are still found
after their controller's class has been scanned (and the scan is not
repeated per request), and the request pecan builds is webob's own."""

import pecan
import pecan.core
import pytest
import pecan.routing
import webob

from nova_lite.api import app as api_app


class _Things:
    @pecan.expose('json', route='some-thing')
    def some_thing(self):
        return {'route': 'custom'}

    @pecan.expose('json')
    def plain(self):
        return {'route': 'plain',
                'pecan_request': isinstance(pecan.core.state.request,
                                            pecan.core.Request),
                'path': pecan.request.path}


class _Root:
    things = _Things()


def _app():
    return pecan.make_app(_Root(), request_cls=api_app._Request,
                          guess_content_type_from_ext=False)


def test_custom_routes_found_and_classes_scanned_once(monkeypatch):
    listed = []

    def counting_dir(obj):
        listed.append(type(obj).__name__)
        return dir(obj)
    monkeypatch.setattr(pecan.routing, 'dir', counting_dir, raising=False)
    app = _app()
    for _ in range(3):
        resp = webob.Request.blank('/things/some-thing').get_response(app)
        assert resp.status_int == 200
        assert resp.json == {'route': 'custom'}
    # Each controller class was listed when first scanned, never again.
    assert sorted(listed) == ['_Root', '_Things']
    resp = webob.Request.blank('/things/plain').get_response(app)
    assert resp.json == {'route': 'plain', 'pecan_request': False,
                         'path': '/things/plain'}
    assert sorted(listed) == ['_Root', '_Things']
    assert webob.Request.blank('/things/nothing').get_response(
        app).status_int == 404


def test_conflicting_custom_route_still_detected():
    class Clash:
        taken = object()

        @pecan.expose('json', route='taken')
        def other(self):
            return {}

    class Root:
        clash = Clash()
    app = pecan.make_app(Root(), request_cls=api_app._Request)
    with pytest.raises(RuntimeError, match='custom path segment'):
        webob.Request.blank('/clash/taken').get_response(app)


def test_request_accept_header():
    any_ = api_app._Request.blank('/', headers={'Accept': '*/*'})
    assert any_.accept.header_value == '*/*'
    assert any_.accept is api_app._Request.blank(
        '/', headers={'Accept': '*/*'}).accept
    assert any_.accept.acceptable_offers(['application/json']) == [
        ('application/json', 1.0)]
    asked = api_app._Request.blank('/', headers={
        'Accept': 'application/json;q=0.5, text/html'})
    assert asked.accept.header_value == 'application/json;q=0.5, text/html'
    assert asked.accept.acceptable_offers(
        ['application/json', 'text/html'])[0][0] == 'text/html'
    none = api_app._Request.blank('/')
    assert not none.accept
    assert none.accept.acceptable_offers(['application/json'])


def _items(base):
    """A collection on ``base`` with its list and its members."""
    class Items(base):
        @pecan.expose('json')
        def get_one(self, item_id):
            return {'id': item_id}

        @pecan.expose('json')
        def get_all(self):
            return {'all': True}
    return Items


def test_rest_controller_argument_names_worked_out_once(monkeypatch):
    from pecan import rest

    from nova_lite.api.controllers import common

    Items = _items(common.RestController)

    class Root:
        items = Items()

    worked_out = []
    original = rest.RestController._get_args_for_controller

    def counting(self, controller):
        worked_out.append(controller.__name__)
        return original(self, controller)
    monkeypatch.setattr(rest.RestController, '_get_args_for_controller',
                        counting)
    monkeypatch.setattr(common.RestController, '_ARGS', {})
    app = pecan.make_app(Root(), request_cls=api_app._Request,
                         guess_content_type_from_ext=False)
    for _ in range(3):
        assert webob.Request.blank('/items/7').get_response(
            app).json == {'id': '7'}
        assert webob.Request.blank('/items').get_response(
            app).json == {'all': True}
    first = sorted(set(worked_out))
    assert first and len(worked_out) == len(first)
    # The names are pecan's own: a path with one argument too many or a
    # missing one still gets pecan's 404.
    assert webob.Request.blank('/items/7/8').get_response(
        app).status_int == 404
    assert common.RestController._ARGS[Items.get_one] == ('item_id',)


def test_empty_200_still_204_and_json_bodies_not_decoded(monkeypatch):
    from nova_lite.api import expose

    class Root:
        @pecan.expose()
        def empty(self):
            return webob.Response(status=200, body=b'')

        @pecan.expose()
        def body(self):
            return expose._json_response(200, {'a': 'é'})

    checked = []
    original = pecan.core.Pecan._handle_empty_response_body

    def counting(self, state):
        checked.append(state.response.status_int)
        return original(self, state)
    monkeypatch.setattr(pecan.core.Pecan, '_handle_empty_response_body',
                        counting)
    app = api_app._make_pecan_app(Root(), request_cls=api_app._Request,
                                  guess_content_type_from_ext=False)
    resp = webob.Request.blank('/empty').get_response(app)
    assert resp.status_int == 204 and resp.body == b''
    resp = webob.Request.blank('/body').get_response(app)
    assert resp.status_int == 200 and resp.json == {'a': 'é'}
    # pecan's check (which decodes the body) ran for the empty one only.
    assert checked == [200]


def _routing_app(base):
    """Controllers on ``base``: members, a custom action, a sub-controller,
    GET pages and a nested collection with two ids."""

    class Children(base):
        @pecan.expose('json')
        def get_one(self, parent_id, child_id):
            return {'child': [parent_id, child_id]}

        @pecan.expose('json')
        def get_all(self, parent_id):
            return {'children of': parent_id}

    class Sub(base):
        @pecan.expose('json')
        def get_all(self):
            return {'sub': True}

    class Items(_items(base)):
        _custom_actions = {'detail': ['GET']}
        sub = Sub()

        @pecan.expose('json')
        def detail(self):
            return {'detail': True}

        @pecan.expose('json')
        def edit(self, item_id=None):
            return {'edit': item_id}

        @pecan.expose('json')
        def get_delete(self, item_id=None):
            return {'delete page': item_id}

    class Pairs(base):
        # Two ids at the top: GET /pairs/1 is pecan's 404.
        @pecan.expose('json')
        def get_one(self, first, second):
            return {'pair': [first, second]}

    pecan.route(Items, 'children', Children())

    class Root:
        items = Items()
        pairs = Pairs()

    return pecan.make_app(Root(), request_cls=api_app._Request,
                          guess_content_type_from_ext=False)


def test_get_of_one_member_routed_straight_as_pecan_would(monkeypatch):
    from pecan import rest

    from nova_lite.api.controllers import common

    ours = _routing_app(common.RestController)
    pecans = _routing_app(rest.RestController)
    paths = ['/items', '/items/', '/items/7', '/items/detail', '/items/sub',
             '/items/7/edit', '/items/new', '/items/edit', '/items/delete',
             '/items/7/children', '/items/7/children/9',
             '/items/7/children/9/x', '/items/7/8', '/items/get_one',
             '/items/get_all', '/items/%C3%A9', '/items/7?_method=DELETE',
             '/items/7?_method=GET', '/pairs/1', '/pairs/1/2']
    for path in paths:
        for method in ('GET', 'HEAD', 'POST'):
            want = webob.Request.blank(path, method=method).get_response(
                pecans)
            got = webob.Request.blank(path, method=method).get_response(ours)
            assert (got.status_int, got.body) == (
                want.status_int, want.body), (method, path)

    # pecan's own GET routing is not needed for a member, at either depth.
    handled = []
    original = rest.RestController._handle_get

    def counting(self, method, remainder, request=None):
        handled.append(remainder)
        return original(self, method, remainder, request)
    monkeypatch.setattr(rest.RestController, '_handle_get', counting)
    assert webob.Request.blank('/items/7').get_response(ours).json == {
        'id': '7'}
    assert webob.Request.blank('/items/7/children/9').get_response(
        ours).json == {'child': ['7', '9']}
    assert handled == []
    assert webob.Request.blank('/items/detail').get_response(ours).json == {
        'detail': True}
    assert handled == [['detail']]
