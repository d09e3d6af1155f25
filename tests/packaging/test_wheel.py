"""nova_lite as an operator installs it: from an sdist and a wheel.

The sdist is built from a copy of the files git tracks (nothing untracked
leaks in), the wheel from that sdist, as ``python -m build`` does; the wheel
goes into a virtualenv of its own with its dependencies (pinned to the
versions of the running virtualenv, so pip's cache or ``PIP_FIND_LINKS``
serve them), and ``nova-lite-all`` started from there creates its databases
under a temporary ``state_path`` and answers on free ports.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile

import pytest
import requests

from nova_lite.api import microversion
from tests.fixtures import processes

pytestmark = pytest.mark.packaging

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
VERSION = '0.0.1.dev0'


def _env():
    """The environment without anything pointing at the source tree."""
    env = {k: v for k, v in os.environ.items()
           if k not in ('PYTHONPATH', 'PYTHONHOME', 'VIRTUAL_ENV',
                        'PYTHONSTARTUP')}
    # There is no git repository in the copy: pbr takes the version here.
    env['PBR_VERSION'] = VERSION
    return env


def _run(argv, cwd=None, timeout=600):
    proc = subprocess.run(argv, cwd=cwd, env=_env(), timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    assert proc.returncode == 0, '%s failed:\n%s' % (
        ' '.join(map(str, argv)), proc.stdout[-6000:])
    return proc.stdout


def _tracked_files():
    try:
        out = subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT,
                             check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip('not a git checkout: the tracked files are unknown')
    return sorted(name for name in out.decode().split('\0')
                  if name and os.path.isfile(os.path.join(ROOT, name)))


def _venv(path):
    """A virtualenv from the interpreter below the running one."""
    base = getattr(sys, '_base_executable', sys.executable)
    _run([base, '-m', 'venv', str(path)])
    return os.path.join(str(path), 'bin')


def _constraints(path):
    """The running virtualenv's versions, nova_lite left out."""
    frozen = _run([sys.executable, '-m', 'pip', 'freeze',
                   '--exclude-editable'])
    lines = [line for line in frozen.splitlines()
             if line and not line.startswith(('-', '#')) and ' @ ' not in line
             and not line.lower().replace('-', '_').startswith('nova_lite')]
    path.write_text('\n'.join(lines) + '\n')
    return str(path)


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp('wheel')
    tracked = _tracked_files()
    src = work / 'src'
    for name in tracked:
        dest = src / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(os.path.join(ROOT, name), str(dest))

    tools = _venv(work / 'build-env')
    _run([os.path.join(tools, 'pip'), 'install', '-q', 'build'])
    dist = work / 'dist'
    # No flag: the sdist first, then the wheel from the unpacked sdist.
    _run([os.path.join(tools, 'python'), '-m', 'build', '--outdir',
          str(dist), str(src)])
    sdists = sorted(dist.glob('*.tar.gz'))
    wheels = sorted(dist.glob('*.whl'))
    assert len(sdists) == 1 and len(wheels) == 1, os.listdir(str(dist))

    bindir = _venv(work / 'venv')
    _run([os.path.join(bindir, 'pip'), 'install', '-q', '-c',
          _constraints(work / 'constraints.txt'), str(wheels[0])])
    return {'tracked': tracked, 'sdist': sdists[0], 'wheel': wheels[0],
            'bin': bindir, 'prefix': str(work / 'venv'), 'work': work}


def _site_info(installed):
    out = _run([os.path.join(installed['bin'], 'python'), '-c',
                'import json, nova_lite\n'
                'from nova_lite.db import migration\n'
                'print(json.dumps({"package": nova_lite.__file__,\n'
                '                  "migrations": migration.migrations_dir(),\n'
                '                  "trees": migration.trees()}))'],
               cwd=str(installed['work']))
    return json.loads(out.strip().splitlines()[-1])


def test_sdist_carries_the_tree(installed):
    with tarfile.open(str(installed['sdist'])) as tar:
        names = {name.split('/', 1)[1] for name in tar.getnames()
                 if '/' in name}
    wanted = [name for name in installed['tracked']
              if name.startswith(('migrations/', 'etc/', 'nova_lite/'))
              or name in ('setup.py', 'setup.cfg', 'pyproject.toml',
                          'requirements.txt', 'README.rst')]
    assert wanted
    assert [name for name in wanted if name not in names] == []


def test_wheel_carries_migrations_and_package_data(installed):
    with zipfile.ZipFile(str(installed['wheel'])) as whl:
        names = set(whl.namelist())
    # Every file of every alembic tree, under the package.
    migrations = [name for name in installed['tracked']
                  if name.startswith('migrations/')]
    assert any(name.endswith('/alembic.ini') for name in migrations)
    assert [name for name in migrations
            if 'nova_lite/' + name not in names] == []
    # Every file of the package, code and data alike.
    package = [name for name in installed['tracked']
               if name.startswith('nova_lite/')]
    assert [name for name in package if name not in names] == []
    # No top-level package other than nova_lite.
    assert {name.split('/')[0] for name in names
            if not name.startswith('nova_lite')} == set()


def test_installed_package_finds_its_migrations(installed):
    info = _site_info(installed)
    site = os.path.join(installed['prefix'], 'lib')
    assert info['package'].startswith(site), info
    assert info['migrations'].startswith(site), info
    expected = sorted({name.split('/')[1] for name in installed['tracked']
                       if name.startswith('migrations/')
                       and name.endswith('/alembic.ini')})
    assert info['trees'] == expected


def test_etc_files_land_under_the_prefix(installed):
    etc = [name for name in installed['tracked']
           if name.startswith('etc/nova-lite/')]
    assert 'etc/nova-lite/nova-lite.conf.sample' in etc
    assert 'etc/nova-lite/policy.yaml.sample' in etc
    for name in etc:
        landed = os.path.join(installed['prefix'], name)
        assert os.path.isfile(landed), name
        with open(landed, 'rb') as a, open(os.path.join(ROOT, name),
                                           'rb') as b:
            assert a.read() == b.read(), name


def test_nova_lite_all_serves_from_the_wheel(installed, tmp_path):
    state = tmp_path / 'state'
    state.mkdir()
    port, volume_port, image_port = (processes.free_port(),
                                     processes.free_port(),
                                     processes.free_port())
    log_file = state / 'nova-lite-all.log'
    conf = state / 'nova-lite.conf'
    conf.write_text('[DEFAULT]\n'
                    'state_path = %s\n'
                    'osapi_compute_listen = 127.0.0.1\n'
                    'osapi_compute_listen_port = %d\n'
                    'osapi_volume_listen = 127.0.0.1\n'
                    'osapi_volume_listen_port = %d\n'
                    'log_file = %s\n'
                    '[image_service]\nlisten_port = %d\n'
                    % (state, port, volume_port, log_file, image_port))
    base = 'http://127.0.0.1:%d' % port
    with open(str(state / 'stdout.log'), 'w') as out:
        proc = subprocess.Popen(
            [os.path.join(installed['bin'], 'nova-lite-all'),
             '--config-file', str(conf)],
            cwd=str(tmp_path), env=_env(), stdout=out,
            stderr=subprocess.STDOUT)
        try:
            root = _wait_for_root(proc, base, state)
            flavors = requests.get(
                base + '/v2.1/flavors', timeout=30,
                headers={'X-Auth-Token': 'demo:demo'})
            volume_root = requests.get(
                'http://127.0.0.1:%d/' % volume_port, timeout=30)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)

    versions = {v['id']: v for v in root['versions']}
    assert versions['v2.1']['status'] == 'CURRENT'
    assert versions['v2.1']['version'] == microversion.MAX_VERSION
    assert versions['v2.1']['min_version'] == microversion.MIN_VERSION
    # The API database was created by the packaged migrations.
    assert flavors.status_code == 200, flavors.text
    assert flavors.json()['flavors']
    # So was the block storage's.
    assert volume_root.status_code == 300, volume_root.text


def _wait_for_root(proc, base, state, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise AssertionError('nova-lite-all exited with %s:\n%s' % (
                proc.returncode, _tail(state)))
        try:
            resp = requests.get(base + '/', timeout=2)
            if resp.status_code == 200:
                return resp.json()
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError('nova-lite-all did not answer in %ss:\n%s'
                                 % (timeout, _tail(state)))
        time.sleep(0.2)


def _tail(state, chars=4000):
    text = ''
    for name in ('nova-lite-all.log', 'stdout.log'):
        path = state / name
        if path.exists():
            text += path.read_text(errors='replace')[-chars:]
    return text
