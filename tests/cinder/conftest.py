import pytest

from tests.fixtures import cinder as cinder_fixture
from tests.fixtures import rabbit


@pytest.fixture(scope='module')
def cinder(keystone, tmp_path_factory):
    """A real Cinder 29 behind the test run's Keystone, on a MariaDB
    database and a RabbitMQ virtual host of its own; skipped, saying why,
    only where Cinder cannot be installed."""
    try:
        cinder_fixture.ensure_installed()
    except cinder_fixture.NotInstallable as error:
        pytest.skip('Cinder 29 could not be installed in .venv-cinder: %s'
                    % error)
    with rabbit.vhost(prefix='nova_lite_cinder') as url:
        service = cinder_fixture.Cinder(
            keystone, tmp_path_factory.mktemp('cinder'), url).start()
        try:
            yield service
        finally:
            service.stop()


@pytest.fixture(scope='module')
def cinder_stack(keystone, cinder, tmp_path_factory):
    """nova-lite-all with [block_storage] enabled = False against it, and
    the configuration file it was started with."""
    st, conf_file = cinder_fixture.start_stack(
        keystone, tmp_path_factory.mktemp('nova-lite'))
    try:
        yield st, conf_file
    finally:
        st.stop()
