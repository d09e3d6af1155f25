"""Endpoints from the catalog of a request context, in both forms: the v3
form of a token and the v2 form keystonemiddleware passes on in
X-Service-Catalog."""

from oslo_config import cfg

from nova_lite.block_storage import compute
from nova_lite.conf import block_storage as bs_conf
from nova_lite import context as nl_context
from nova_lite.volume import cinder

V3 = [{'type': 'volumev3', 'name': 'cinderv3', 'endpoints': [
          {'interface': 'internal', 'region': 'RegionOne',
           'url': 'http://internal/v3/p'},
          {'interface': 'public', 'region': 'RegionOne',
           'url': 'http://public/v3/p'}]},
      {'type': 'compute', 'name': 'nova', 'endpoints': [
          {'interface': 'public', 'region': 'RegionOne',
           'url': 'http://compute/v2.1/'}]}]
# keystonemiddleware's _v3_to_v2_catalog of V3.
V2 = [{'type': 'volumev3', 'name': 'cinderv3', 'endpoints': [
          {'region': 'RegionOne', 'internalURL': 'http://internal/v3/p',
           'publicURL': 'http://public/v3/p'}]},
      {'type': 'compute', 'name': 'nova', 'endpoints': [
          {'region': 'RegionOne', 'publicURL': 'http://compute/v2.1/'}]}]


def test_block_storage_endpoint_in_both_forms():
    for catalog in (V3, V2):
        auth = cinder.ContextAuth('tok', catalog)
        for interface, url in (('publicURL', 'http://public/v3/p'),
                               ('public', 'http://public/v3/p'),
                               ('internalURL', 'http://internal/v3/p')):
            assert auth.get_endpoint(
                None, service_type='volumev3', interface=interface,
                region_name='RegionOne') == url, (catalog, interface)


def test_compute_endpoint_in_both_forms():
    conf = cfg.ConfigOpts()
    bs_conf.register_opts(conf)
    for catalog in (V3, V2):
        ctx = nl_context.RequestContext(user_id='u', project_id='p',
                                        service_catalog=catalog)
        assert compute._endpoint(conf, ctx) == 'http://compute/v2.1'


def test_an_endpoint_is_looked_up_once_per_plugin(monkeypatch):
    from keystoneauth1.access import service_catalog as ks_catalog
    calls = []
    real = ks_catalog.ServiceCatalog.url_for

    def counting(self, **kwargs):
        calls.append(kwargs)
        return real(self, **kwargs)
    monkeypatch.setattr(ks_catalog.ServiceCatalog, 'url_for', counting)
    for catalog in (V3, V2):
        calls.clear()
        auth = cinder.ContextAuth('tok', catalog)
        for _ in range(3):
            assert auth.get_endpoint(
                None, service_type='volumev3', interface='publicURL',
                region_name='RegionOne') == 'http://public/v3/p'
        assert auth.get_endpoint(
            None, service_type='volumev3', interface='internalURL',
            region_name='RegionOne') == 'http://internal/v3/p'
        assert len(calls) == 2
        # a new plugin (a new context's catalog) looks again
        assert cinder.ContextAuth('tok', catalog).get_endpoint(
            None, service_type='volumev3', interface='publicURL',
            region_name='RegionOne') == 'http://public/v3/p'
        assert len(calls) == 3
