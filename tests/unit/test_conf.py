from nova_lite import conf as nl_conf
from nova_lite.conf import opts


def test_confs_do_not_share_overrides():
    first = nl_conf.new_conf()
    first([])
    first.set_override('shelved_offload_time', -1)
    first.set_override('auth_strategy', 'keystone', group='api')
    second = nl_conf.new_conf()
    second([])
    assert second.shelved_offload_time == 0
    assert second.api.auth_strategy == 'noauth2'


def test_defaults_are_the_embedded_default():
    conf = nl_conf.new_conf()
    conf([])
    assert (conf.osapi_compute_listen, conf.osapi_compute_listen_port) == (
        '127.0.0.1', 8774)
    assert conf.compute_driver == 'fake.FakeDriver'
    assert conf.api.auth_strategy == 'noauth2'
    # A database that does not answer stops a service at once.
    assert conf.database.max_retries == 0
    assert conf.api_database.max_retries == 0


def test_list_opts_covers_every_group():
    groups = {getattr(g, 'name', g) for g, _opts in opts.list_opts()}
    assert {'DEFAULT', 'api', 'api_database', 'compute', 'conductor',
            'scheduler', 'wsgi', 'image_catalog',
            'fake_driver', 'image_service', 'glance'} <= groups
