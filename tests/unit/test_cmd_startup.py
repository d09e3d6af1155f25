"""The line a console script prints when its configuration cannot be used
(the processes themselves: tests/functional/test_clean_start.py)."""

import io

import pytest

from nova_lite.cmd import common
from nova_lite.cmd import startup


def _setup(tmp_path, text):
    path = tmp_path / 'nova-lite.conf'
    path.write_text(text)
    return path, lambda: common.setup(['--config-file', str(path)], 'test')


def test_passwords_are_masked():
    assert startup.mask('rabbit://guest:secret@h:5672/,guest:x@h2/') == \
        'rabbit://guest:****@h:5672/,guest:****@h2/'
    assert startup.mask('mysql+pymysql://nova:p4ss@db/nova') == \
        'mysql+pymysql://nova:****@db/nova'
    assert startup.mask('sqlite:////var/lib/nova.sqlite') == \
        'sqlite:////var/lib/nova.sqlite'


@pytest.mark.parametrize('line,reason', [
    ('[DEFAULT]\nreport_interval = 0\n', 'must be at least 1'),
    ('[DEFAULT]\nosapi_compute_listen_port = 70000\n',
     'must be at most 65535'),
    ('[api]\nallow_noauth_on_any_address = perhaps\n',
     'not a boolean (true or false)'),
    ('[DEFAULT]\nosapi_compute_listen = not an address\n',
     'not a valid host address'),
])
def test_bad_values_are_named_with_their_reason(tmp_path, line, reason):
    path, setup = _setup(tmp_path, line)
    with pytest.raises(startup.StartError) as error:
        setup()
    group, assignment = line.strip().split('\n')
    assert str(error.value) == '%s: %s %s: %s' % (
        path, group, assignment, reason)
    assert error.value.status == startup.USAGE


def test_the_environment_comes_before_the_files(tmp_path, monkeypatch):
    monkeypatch.setenv('OS_DEFAULT__REPORT_INTERVAL', 'often')
    path, setup = _setup(tmp_path, '[DEFAULT]\nreport_interval = 5\n')
    with pytest.raises(startup.StartError) as error:
        setup()
    assert str(error.value) == ('environment variable '
                                'OS_DEFAULT__REPORT_INTERVAL: [DEFAULT] '
                                'report_interval = often: not an integer')


def test_unknown_messaging_driver(tmp_path):
    path, setup = _setup(tmp_path, '[DEFAULT]\ntransport_url = '
                                   'rabit://guest:guest@localhost/\n')
    with pytest.raises(startup.StartError) as error:
        setup()
    assert str(error.value) == (
        '%s: [DEFAULT] transport_url = rabit://guest:****@localhost/: no '
        'messaging driver for rabit://' % path)


def test_progress_only_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    piped = io.StringIO()
    progress = common.Progress('Syncing', stream=piped)
    progress.update(0, 2, 'cell1')
    progress.finish()
    assert piped.getvalue() == ''

    terminal = Terminal()
    progress = common.Progress('Syncing', stream=terminal)
    progress.update(0, 2, 'cell1')
    progress.update(1, 2, 'cell2')
    progress.finish()
    assert terminal.getvalue() == ('\rSyncing: 0/2 (cell1)'
                                   '\rSyncing: 1/2 (cell2)'
                                   '\rSyncing: 2/2' + ' ' * 8 + '\n')


def test_configuration_file_not_readable():
    from oslo_config import cfg
    assert startup.describe(None, cfg.ConfigFilesPermissionDeniedError(
        ['/etc/nova-lite/nova-lite.conf'])) == (
        2, '/etc/nova-lite/nova-lite.conf: configuration file not readable '
           '(permission denied)')
