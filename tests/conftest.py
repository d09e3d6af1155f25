import pytest

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
