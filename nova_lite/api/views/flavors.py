"""Flavor bodies as nova renders them at each microversion."""

from nova_lite.api import microversion
from nova_lite.api.views import links


def _basic(req, flavor):
    body = {'id': flavor.flavorid, 'name': flavor.name,
            'links': links.flavor_links(req, flavor.flavorid)}
    if microversion.is_supported(req, '2.55'):
        body['description'] = flavor.description
    return body


def _full(req, flavor, show_extra_specs):
    body = {
        'id': flavor.flavorid,
        'name': flavor.name,
        'ram': flavor.memory_mb,
        'disk': flavor.root_gb,
        'swap': flavor.swap or '',
        'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeral_gb,
        'OS-FLV-DISABLED:disabled': bool(flavor.disabled),
        'vcpus': flavor.vcpus,
        'os-flavor-access:is_public': bool(flavor.is_public),
        'rxtx_factor': flavor.rxtx_factor or '',
        'links': links.flavor_links(req, flavor.flavorid),
    }
    if microversion.is_supported(req, '2.55'):
        body['description'] = flavor.description
    if show_extra_specs:
        body['extra_specs'] = dict(flavor.extra_specs or {})
    if microversion.is_supported(req, '2.75'):
        body['swap'] = flavor.swap or 0
    if microversion.is_supported(req, '2.102'):
        # Gone from 2.102.
        del body['OS-FLV-DISABLED:disabled']
        del body['rxtx_factor']
    return body


def index(req, flavors, next_marker=None):
    body = {'flavors': [_basic(req, f) for f in flavors]}
    if next_marker:
        body['flavors_links'] = links.collection_next_link(
            req, 'flavors', next_marker)
    return body


def detail(req, flavors, *, show_extra_specs, next_marker=None):
    body = {'flavors': [_full(req, f, show_extra_specs) for f in flavors]}
    if next_marker:
        body['flavors_links'] = links.collection_next_link(
            req, 'flavors/detail', next_marker)
    return body


def show(req, flavor, *, show_extra_specs):
    return {'flavor': _full(req, flavor, show_extra_specs)}
