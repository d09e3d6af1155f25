import pytest

from tests.reliability import broker as broker_mod
from tests.reliability import deployment as deployment_mod


@pytest.fixture(scope='session')
def broker(tmp_path_factory):
    """A private RabbitMQ node, which tests may restart."""
    if not broker_mod.available():
        pytest.skip('rabbitmq-server is not installed')
    node = broker_mod.PrivateBroker(tmp_path_factory.mktemp('broker'))
    node.start()
    try:
        yield node
    finally:
        node.destroy()


@pytest.fixture
def make_deployment(tmp_path, broker):
    made = []

    def make(**kwargs):
        dep = deployment_mod.Deployment(tmp_path, broker.url, **kwargs)
        made.append(dep)
        return dep.start()

    try:
        yield make
    finally:
        for dep in made:
            dep.stop()


def pytest_terminal_summary(terminalreporter):
    from tests.reliability import figures
    lines = figures.lines()
    if lines:
        terminalreporter.write_sep('=', 'reliability figures')
        for line in lines:
            terminalreporter.write_line(line)
