"""A clean start: the console scripts, run as processes.

A configuration that cannot be used is answered with one line on standard
error naming the file, the option and the value, and exit status 2 (the
configuration is wrong) or 1 (it cannot be used now); the process ends
within seconds whatever part failed, with no traceback and no warning.
A start that succeeds prints the service's own log lines only.
"""

import os
import pathlib
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

import pytest

from tests.fixtures import processes
from tests.fixtures import rabbit

ROOT = pathlib.Path(__file__).resolve().parents[2]
# A process that has not ended by then is taken as hanging.
DEADLINE = 10
LOG_LINE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \d+ INFO '
                      r'nova_lite\.\S+ \[')


def _env(**extra):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop('PYTHONWARNINGS', None)
    env.update(extra)
    return env


def _run(binary, *args, env=None, stdin=subprocess.DEVNULL):
    try:
        return subprocess.run(
            [processes.binary(binary)] + [str(a) for a in args],
            capture_output=True, text=True, timeout=DEADLINE,
            env=env or _env(), stdin=stdin)
    except subprocess.TimeoutExpired as hung:
        raise AssertionError('%s %s still running after %ss:\n%s' % (
            binary, ' '.join(map(str, args)), DEADLINE,
            hung.stdout)) from None


def _assert_refused(result, status, message):
    """Exactly ``message`` on standard error, ``status``, and nothing
    else that is not one of the service's log lines."""
    assert result.stderr == message + '\n', result.stderr
    assert result.returncode == status, (result.returncode, result.stderr)
    for line in result.stdout.splitlines():
        assert LOG_LINE.match(line), line
    output = result.stdout + result.stderr
    assert 'Traceback' not in output
    assert not re.search(r'(?i)warning', output), output


def _conf(tmp_path, text, name='nova-lite.conf'):
    path = tmp_path / name
    # The image service of nova-lite-all on a free port; a section of its
    # own at the end leaves the options of ``text`` where they are.
    path.write_text('[DEFAULT]\nstate_path = %s\nhost = clean-start\n'
                    % (tmp_path / 'state') + text +
                    '\n[image_service]\nlisten_port = 0\n')
    return path


def _free_port():
    """A port nothing listens on."""
    return processes.free_port()


@pytest.fixture
def busy_port():
    """A port a socket of this test listens on."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        sock.listen()
        yield sock.getsockname()[1]


# -- the configuration is wrong: status 2, before anything starts -------------

def test_configuration_file_not_found(tmp_path):
    missing = tmp_path / 'missing.conf'
    result = _run('nova-lite-all', '--config-file', missing)
    _assert_refused(result, 2, 'nova-lite-all: error: %s: configuration '
                               'file not found' % missing)


def test_configuration_file_not_readable(tmp_path):
    result = _run('nova-lite-compute', '--config-file', tmp_path)
    _assert_refused(result, 2, 'nova-lite-compute: error: %s: '
                               'configuration file not readable (Is a '
                               'directory)' % tmp_path)
    if os.geteuid() == 0:
        return  # root reads any file
    path = _conf(tmp_path, '')
    path.chmod(0)
    result = _run('nova-lite-compute', '--config-file', path)
    _assert_refused(result, 2, 'nova-lite-compute: error: %s: '
                               'configuration file not readable (permission '
                               'denied)' % path)


def test_configuration_file_that_does_not_parse(tmp_path):
    path = tmp_path / 'broken.conf'
    path.write_text('[DEFAULT]\nstate_path\n')
    result = _run('nova-lite-manage', '--config-file', path, 'db', 'sync')
    _assert_refused(result, 2, "nova-lite-manage: error: %s:2: No ':' or "
                               "'=' found in assignment: 'state_path'"
                    % path)


def test_bad_value_stops_the_all_in_one_before_anything_starts(tmp_path):
    """The all-in-one used to start the conductor and compute, log the
    error of the API's port and never exit."""
    path = _conf(tmp_path, 'osapi_compute_listen_port = notaport\n')
    result = _run('nova-lite-all', '--config-file', path)
    _assert_refused(result, 2, 'nova-lite-all: error: %s: [DEFAULT] '
                               'osapi_compute_listen_port = notaport: not '
                               'an integer' % path)
    assert result.stdout == ''
    assert not (tmp_path / 'state').exists()


def test_debug_keeps_the_traceback(tmp_path):
    path = _conf(tmp_path, 'osapi_compute_listen_port = notaport\n')
    result = _run('nova-lite-all', '--config-file', path, '--debug')
    assert result.returncode == 2
    assert 'Traceback (most recent call last)' in result.stderr
    assert result.stderr.splitlines()[-1] == (
        'nova-lite-all: error: %s: [DEFAULT] osapi_compute_listen_port = '
        'notaport: not an integer' % path)


def test_unknown_choice(tmp_path):
    path = _conf(tmp_path, '[api]\nauth_strategy = noauth3\n')
    result = _run('nova-lite-api', '--config-file', path)
    _assert_refused(result, 2, 'nova-lite-api: error: %s: [api] '
                               'auth_strategy = noauth3: must be one of '
                               'keystone, noauth2' % path)


def test_unknown_virt_driver_stops_what_started(tmp_path):
    """Found once the block storage has started: it stops too."""
    path = _conf(tmp_path, 'compute_driver = nosuch.Driver\n'
                           'osapi_compute_listen_port = 0\n'
                           'osapi_volume_listen_port = 0\n')
    result = _run('nova-lite-all', '--config-file', path)
    _assert_refused(result, 2, 'nova-lite-all: error: %s: [DEFAULT] '
                               'compute_driver = nosuch.Driver: no such '
                               'virt driver under nova_lite.virt' % path)


def test_transport_url_that_does_not_parse(tmp_path):
    path = _conf(tmp_path, 'transport_url = rabbit//guest@localhost\n')
    result = _run('nova-lite-conductor', '--config-file', path)
    _assert_refused(result, 2, 'nova-lite-conductor: error: %s: [DEFAULT] '
                               'transport_url = rabbit//guest@localhost: '
                               'not a transport URL (No scheme specified)'
                    % path)


def test_in_process_transport_outside_the_all_in_one(tmp_path):
    path = _conf(tmp_path, '')
    result = _run('nova-lite-conductor', '--config-file', path)
    _assert_refused(result, 2, 'nova-lite-conductor: error: [DEFAULT] '
                               'transport_url = inproc:/: '
                               'nova-lite-conductor needs a message bus '
                               'shared with the other services, for '
                               'example rabbit://guest:guest@127.0.0.1:5672/'
                               ' (the in-process transport only works '
                               'inside nova-lite-all).')


def test_database_url_that_is_not_one(tmp_path):
    path = _conf(tmp_path, '[database]\nconnection = nova_lite.sqlite\n')
    result = _run('nova-lite-manage', '--config-file', path, 'db', 'sync')
    _assert_refused(result, 2, 'nova-lite-manage: error: %s: [database] '
                               'connection = nova_lite.sqlite: not a '
                               'database URL' % path)


# -- the configuration cannot be used now: status 1 ---------------------------

def test_database_that_does_not_answer(tmp_path):
    port = _free_port()
    path = _conf(tmp_path, '[database]\nconnection = mysql+pymysql://nova:'
                           'secret@127.0.0.1:%d/nova\n' % port)
    result = _run('nova-lite-all', '--config-file', path)
    _assert_refused(result, 1, "nova-lite-all: error: %s: [database] "
                               "connection = mysql+pymysql://nova:****@"
                               "127.0.0.1:%d/nova: cannot connect to the "
                               "database: Can't connect to MySQL server on "
                               "'127.0.0.1' ([Errno 111] Connection refused)"
                    % (path, port))


def test_message_bus_that_does_not_answer(tmp_path):
    port = _free_port()
    path = _conf(tmp_path, 'transport_url = rabbit://guest:secret@'
                           '127.0.0.1:%d/\n' % port)
    result = _run('nova-lite-compute', '--config-file', path)
    _assert_refused(result, 1, 'nova-lite-compute: error: %s: [DEFAULT] '
                               'transport_url = rabbit://guest:****@'
                               '127.0.0.1:%d/: cannot reach the message bus '
                               '(127.0.0.1:%d: Connection refused)'
                    % (path, port, port))


def test_database_not_synced(tmp_path):
    bus = urllib.parse.urlsplit(rabbit.URL)
    try:
        socket.create_connection((bus.hostname, bus.port or 5672),
                                 timeout=2).close()
    except OSError:
        pytest.skip('no RabbitMQ at %s' % rabbit.URL)
    path = _conf(tmp_path, 'transport_url = %s\n' % rabbit.URL)
    result = _run('nova-lite-compute', '--config-file', path)
    _assert_refused(result, 1, 'nova-lite-compute: error: a database has '
                               'no table services: run nova-lite-manage '
                               'api_db sync and db sync first')


def test_compute_api_port_in_use_stops_the_all_in_one(tmp_path, busy_port):
    """The API listens last: the block storage, conductor and compute
    started before it stop, and the process ends."""
    path = _conf(tmp_path, 'osapi_compute_listen_port = %d\n'
                           'osapi_volume_listen_port = 0\n' % busy_port)
    result = _run('nova-lite-all', '--config-file', path)
    _assert_refused(result, 1, 'nova-lite-all: error: %s: [DEFAULT] '
                               'osapi_compute_listen_port = %d: cannot '
                               'listen on 127.0.0.1:%d: Address already in '
                               'use' % (path, busy_port, busy_port))
    assert 'nova-compute started' in result.stdout


def test_block_storage_port_in_use(tmp_path, busy_port):
    path = _conf(tmp_path, 'osapi_volume_listen_port = %d\n' % busy_port)
    result = _run('nova-lite-block-storage', '--config-file', path)
    _assert_refused(result, 1, 'nova-lite-block-storage: error: %s: '
                               '[DEFAULT] osapi_volume_listen_port = %d: '
                               'cannot listen on 127.0.0.1:%d: Address '
                               'already in use' % (path, busy_port,
                                                   busy_port))


# -- a start that succeeds ------------------------------------------------------

def test_image_service_port_in_use(tmp_path, busy_port):
    path = tmp_path / 'nova-lite.conf'
    path.write_text('[DEFAULT]\nstate_path = %s\n[image_service]\n'
                    'listen_port = %d\n' % (tmp_path / 'state', busy_port))
    result = _run('nova-lite-image', '--config-file', path)
    _assert_refused(result, 1, 'nova-lite-image: error: %s: '
                               '[image_service] listen_port = %d: '
                               'cannot listen on 127.0.0.1:%d: Address '
                               'already in use' % (path, busy_port,
                                                   busy_port))


def test_eventlet_is_not_imported():
    """futurist imports eventlet whenever it is installed, and eventlet
    dnspython: deprecation warnings at every start, for nothing."""
    code = ('import sys\n'
            'from nova_lite.cmd import all, api, block_storage, compute, '
            'conductor, image, manage\n'
            'print(sorted(m for m in ("eventlet", "dns") '
            'if m in sys.modules))\n')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, timeout=60, env=_env())
    assert (out.returncode, out.stdout, out.stderr) == (0, '[]\n', '')


def test_run_aio_prints_the_service_log_lines_only(tmp_path):
    """tools/run-aio as on a fresh checkout whose .venv exists: no state,
    no configuration (the ports come from the environment: 0, any free
    one)."""
    checkout = tmp_path / 'checkout'
    (checkout / 'tools').mkdir(parents=True)
    shutil.copy(ROOT / 'tools' / 'run-aio', checkout / 'tools' / 'run-aio')
    (checkout / '.venv').symlink_to(sys.prefix)
    home = tmp_path / 'home'
    home.mkdir()
    env = _env(HOME=str(home), OS_DEFAULT__OSAPI_COMPUTE_LISTEN_PORT='0',
               OS_DEFAULT__OSAPI_VOLUME_LISTEN_PORT='0')
    proc = subprocess.Popen([str(checkout / 'tools' / 'run-aio')], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True)
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line.rstrip('\n'))
            if 'Built-in block storage on' in line:
                break
        proc.terminate()
        rest, _ = proc.communicate(timeout=DEADLINE)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lines += rest.splitlines()
    # stopped by SIGTERM, before or after it waits for it
    assert proc.returncode in (0, -signal.SIGTERM), lines
    assert any('nova-lite-all is running' in line for line in lines), lines
    for line in lines:
        assert LOG_LINE.match(line), lines
    assert (home / '.nova-lite' / 'nova_lite.sqlite').exists()


# -- nova-lite-manage's progress ----------------------------------------------------

CELLS = 3


@pytest.fixture
def cells(tmp_path):
    """An API database with cell0 and three cells, none synced."""
    from nova_lite.cmd import common
    from nova_lite import context as nl_context
    from nova_lite.db import api as db_api
    from nova_lite.cmd import db_sync as sync
    from nova_lite.objects import cell_mapping
    path = _conf(tmp_path, '[database]\nconnection = sqlite:///%s\n'
                 % (tmp_path / 'cell1.sqlite'))
    db_api.reset()
    try:
        conf = common.setup(['--config-file', str(path)], 'test')
        common.configure_databases(conf)
        sync.sync_api_db(conf)
        sync.map_cell0(conf)
        for n in range(1, CELLS + 1):
            cell_mapping.create_cell(
                nl_context.get_admin_context(), 'cell%d' % n,
                'sqlite:///%s' % (tmp_path / ('cell%d.sqlite' % n)))
    finally:
        db_api.reset()
    return path


def _run_tty_stderr(binary, *args):
    """Run with standard error on a terminal: ``(status, standard output,
    what the terminal got)``."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [processes.binary(binary)] + [str(a) for a in args],
        stdout=subprocess.PIPE, stderr=terminal, stdin=subprocess.DEVNULL,
        env=_env(), text=True)
    os.close(terminal)
    seen = b''
    try:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the child closed the terminal: it ended
                break
            if not chunk:
                break
            seen += chunk
        out, _ = proc.communicate(timeout=DEADLINE)
    finally:
        os.close(controller)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, seen.decode()


def test_manage_shows_progress_on_a_terminal_only(cells):
    status, out, terminal = _run_tty_stderr(
        'nova-lite-manage', '--config-file', cells, 'db', 'sync')
    assert status == 0, terminal
    assert out == ''
    # three cells and cell0, one per line update, the last one kept
    assert 'Syncing cell databases: 0/%d (cell1)' % (CELLS + 1) in terminal
    assert terminal.rstrip().endswith(
        'Syncing cell databases: %d/%d' % (CELLS + 1, CELLS + 1))
    assert 'Traceback' not in terminal and 'arning' not in terminal

    quiet = _run('nova-lite-manage', '--config-file', cells, 'db', 'sync')
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, '', '')

    status, out, terminal = _run_tty_stderr(
        'nova-lite-manage', '--config-file', cells, 'cell_v2',
        'discover_hosts')
    assert (status, out) == (0, '')
    assert terminal.rstrip().endswith(
        'Discovering hosts in cells: %d/%d' % (CELLS, CELLS))
    quiet = _run('nova-lite-manage', '--config-file', cells, 'cell_v2',
                 'discover_hosts')
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, '', '')
