import pytest

from tests.fixtures import keystone as keystone_fixture
from tests.fixtures import stack as stack_fixture


@pytest.fixture
def stack(tmp_path):
    """A started all-in-one on SQLite under a temporary state_path."""
    conf = stack_fixture.make_conf(tmp_path)
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


@pytest.fixture(scope='session')
def keystone(tmp_path_factory):
    """A real Keystone, seeded with nova_lite's users, projects and roles
    (tests/fixtures/keystone.py); shared by the whole test run."""
    ks = keystone_fixture.Keystone(
        tmp_path_factory.mktemp('keystone')).start()
    try:
        yield ks
    finally:
        ks.stop()
