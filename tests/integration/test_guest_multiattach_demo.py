"""The multi-attach walk-through on real guests, through the openstack CLI.

``nova-lite-all`` runs the libvirt driver against the real libvirtd with
QEMU (TCG); the guests boot the small Debian kernel and busybox initramfs
of ``tools/build-guest-image``, whose init mounts the config drive and runs
the server's user data:

* vm1 boots from a volume made from the image (tag ``cirros``) with the
  multiattach volume (``boot_index -1``, tag ``multiattach``) and a config
  drive; its user data finds the tagged volume from the drive's
  ``meta_data.json``, makes an ext2 file system on it and writes
  ``hello from vm1``;
* vm2 gets the volume with ``openstack server add volume``; its user data
  waits for the disk, reads vm1's line and appends its own;
* the volume is detached from vm1 (virtio-blk hot-unplug, which vm1's
  kernel completes) while vm2 keeps it, and vm2, rebooted, still reads
  both lines;
* with a volume type whose ``multiattach_subsequent_mode`` is ``ro``, vm2
  gets the volume read-only: it reads vm1's line and its write is refused.

Both console logs are read with ``openstack console log show``.
"""

import os
import shutil
import subprocess
import time
import uuid

import pytest

from nova_lite.virt.libvirt import config as libvirt_config
from tests.clients import conftest as clients

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TESTS_DIR = '/var/lib/nova-lite-tests'
IMAGE_DIR = os.path.join(TESTS_DIR, 'guest-image')
GUEST_IMAGE = 'c0ffee00-5e1f-4c3a-9d2b-6e7f8a9b0c1d'
TIMEOUT = 240

VM1_USER_DATA = r'''#!/bin/sh
# Find the volume tagged "multiattach" in the config drive's metadata.
meta=/mnt/config/openstack/latest/meta_data.json
serial=$(tr '{}' '\n\n' < $meta | grep '"multiattach"' |
         sed -n 's/.*"serial": *"\([^"]*\)".*/\1/p')
echo "tagged multiattach: $serial"
echo "device tags: $(grep -o '"tags": *\[[^]]*\]' $meta | tr '\n' ' ')"
dev=
for b in /sys/block/vd*; do
    [ "$(cat $b/serial)" = "$(echo $serial | cut -c1-20)" ] && dev=/dev/${b##*/}
done
echo "multiattach volume is $dev"
mke2fs $dev >/dev/null 2>&1 && echo "made ext2 on $dev"
mkdir -p /mnt/shared
mount -t ext2 $dev /mnt/shared
echo "hello from $(hostname)" > /mnt/shared/hello.txt
umount /mnt/shared
mount -t ext2 -o ro $dev /mnt/shared
while read line; do echo "vm1 reads: $line"; done < /mnt/shared/hello.txt
umount /mnt/shared
(
    while [ -e /sys/block/${dev#/dev/} ]; do sleep 1; done
    echo "$dev was unplugged"
) &
'''

VM2_USER_DATA = r'''#!/bin/sh
# Wait for the volume (its serial is the volume id), then read and write.
want=$(echo %(volume)s | cut -c1-20)
dev=
echo "waiting for volume %(volume)s"
while [ -z "$dev" ]; do
    for b in /sys/block/vd*; do
        [ "$(cat $b/serial 2>/dev/null)" = "$want" ] && dev=/dev/${b##*/}
    done
    [ -n "$dev" ] || sleep 1
done
echo "volume is $dev, read-only flag $(cat /sys/block/${dev#/dev/}/ro)"
mkdir -p /mnt/shared
mount -t ext2 $dev /mnt/shared
while read line; do echo "vm2 reads: $line"; done < /mnt/shared/hello.txt
if grep -q "hello from $(hostname)" /mnt/shared/hello.txt; then
    echo "$(hostname) line already there"
elif echo "hello from $(hostname)" >> /mnt/shared/hello.txt; then
    echo "$(hostname) wrote its line"
else
    echo "$(hostname) write refused"
fi
umount /mnt/shared
mount -t ext2 -o ro $dev /mnt/shared
while read line; do echo "vm2 now reads: $line"; done < /mnt/shared/hello.txt
umount /mnt/shared
'''


def _have_libvirt():
    return shutil.which('libvirtd') and shutil.which('qemu-system-x86_64')


pytestmark = pytest.mark.skipif(
    not _have_libvirt(), reason='libvirtd and QEMU (qemu-system-x86_64) are '
    'not installed: tools/run-tests installs them')


@pytest.fixture(scope='module')
def libvirt_conn():
    libvirt = pytest.importorskip('libvirt')
    try:
        conn = libvirt.open('qemu:///system')
    except libvirt.libvirtError as error:
        pytest.fail('libvirtd is not reachable on qemu:///system (%s); '
                    'start it with tools/ensure-libvirt' % error)
    yield conn
    conn.close()


@pytest.fixture(scope='module')
def guest_image():
    """The guest disk of tools/build-guest-image, built once."""
    path = os.path.join(IMAGE_DIR, 'nova-lite-guest.raw')
    script = os.path.join(ROOT, 'tools', 'build-guest-image')
    if not os.path.exists(path) or \
            os.path.getmtime(path) < os.path.getmtime(script):
        out = subprocess.run([script, '--output', IMAGE_DIR],
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr
    os.chmod(TESTS_DIR, 0o755)
    return path


@pytest.fixture(scope='module')
def aio(libvirt_conn, guest_image):
    run = uuid.uuid4().hex
    state = os.path.join(TESTS_DIR, run)
    os.makedirs(state, mode=0o755)
    server = clients.AllInOne(
        state,
        defaults='compute_driver = libvirt.LibvirtDriver\n'
                 # Domains of their own on a libvirtd that others share.
                 'instance_name_template = demo-%s-%%08x\n' % run[:8],
        extra='[libvirt]\nvirt_type = qemu\n'
              'connection_uri = qemu:///system\n'
              'device_detach_timeout = 10\n'
              '[image_catalog]\nimages = %s:nova-lite-guest:%s\n'
              % (GUEST_IMAGE, guest_image))
    server.start()
    try:
        yield server
    finally:
        server.stop()
        # This run's guests only: other runs may share the libvirtd.
        for dom in libvirt_conn.listAllDomains():
            if not dom.name().startswith('demo-%s-' % run[:8]):
                continue
            try:
                if dom.isActive():
                    dom.destroy()
                dom.undefineFlags(1)
            except Exception:
                pass
        if os.environ.get('NOVA_LITE_TEST_KEEP_LOGS') is None:
            shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope='module')
def env(aio, tmp_path_factory):
    path = aio.clouds_yaml(tmp_path_factory.mktemp('osc'))
    out = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    out.update(OS_CLIENT_CONFIG_FILE=path, OS_CLOUD='nova-lite-admin',
               OS_COMPUTE_API_VERSION='2.60')
    return out


def _osc(env, *args):
    return clients.osc(env, *args).stdout


def _json(env, *args):
    return clients.osc_json(env, *args)


def _console(aio, server_id):
    resp = aio.request('POST', '/v2.1/servers/%s/action' % server_id,
                       json={'os-getConsoleOutput': {}})
    assert resp.status_code == 200, resp.text
    return resp.json()['output']


def _wait_console(aio, server_id, text, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    output = ''
    while time.monotonic() < deadline:
        output = _console(aio, server_id)
        if text in output:
            return output
        time.sleep(1)
    raise AssertionError('%r never showed on the console of %s:\n%s' % (
        text, server_id, output[-3000:]))


def _wait_status(aio, server_id, status, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server = aio.request('GET', '/v2.1/servers/%s' %
                             server_id).json()['server']
        if server['status'] == status and not server.get(
                'OS-EXT-STS:task_state'):
            return server
        assert server['status'] != 'ERROR', server
        time.sleep(0.5)
    raise AssertionError('%s never became %s' % (server_id, status))


def _attachments(aio, volume_id):
    volume = aio.volume_request('GET', '/v3/volumes/%s' %
                                volume_id).json()['volume']
    return sorted(a['server_id'] for a in volume['attachments'])


def _wait_attachments(aio, volume_id, expected, timeout=120):
    clients.wait_for(lambda: _attachments(aio, volume_id),
                     sorted(expected), timeout=timeout, interval=0.5)


def _lines(log, prefix):
    return [line.strip() for line in log.splitlines()
            if line.strip().startswith(prefix)]


def _volume_type(env, name, **specs):
    args = ['volume', 'type', 'create']
    for key, value in specs.items():
        args += ['--property', '%s=%s' % (key, value)]
    return _json(env, *(args + [name]))


def _vm1(aio, env, tmp_path, name, volume_id):
    user_data = tmp_path / ('%s.sh' % name)
    user_data.write_text(VM1_USER_DATA)
    vm1 = _json(
        env, 'server', 'create', '--flavor', '1', '--nic', 'none',
        '--config-drive', 'True', '--user-data', str(user_data),
        '--block-device', 'source_type=image,uuid=%s,destination_type='
        'volume,volume_size=1,boot_index=0,tag=cirros,'
        'delete_on_termination=true' % GUEST_IMAGE,
        '--block-device', 'source_type=volume,uuid=%s,destination_type='
        'volume,boot_index=-1,tag=multiattach' % volume_id,
        '--wait', name)
    assert vm1['status'] == 'ACTIVE'
    assert vm1['config_drive'] == 'True'
    return vm1['id']


def _vm2(aio, env, tmp_path, name, volume_id):
    user_data = tmp_path / ('%s.sh' % name)
    user_data.write_text(VM2_USER_DATA % {'volume': volume_id})
    vm2 = _json(env, 'server', 'create', '--flavor', '1', '--nic', 'none',
                '--image', 'nova-lite-guest', '--config-drive', 'True',
                '--user-data', str(user_data), '--wait', name)
    assert vm2['status'] == 'ACTIVE'
    return vm2['id']


def test_data_written_by_one_server_read_by_another(aio, env, tmp_path,
                                                    libvirt_conn):
    _volume_type(env, 'multiattach', multiattach='<is> True')
    volume = _json(env, 'volume', 'create', '--size', '1', '--type',
                   'multiattach', 'shared')
    volume_id = volume['id']
    clients.wait_for(lambda: aio.volume_request(
        'GET', '/v3/volumes/%s' % volume_id).json()['volume']['status'],
        'available')

    vm1 = _vm1(aio, env, tmp_path, 'vm1', volume_id)
    _wait_console(aio, vm1, 'nova-lite-guest: ready')
    log1 = _osc(env, 'console', 'log', 'show', 'vm1')
    assert 'nova-lite-guest: hostname vm1' in log1
    assert 'tagged multiattach: %s' % volume_id in log1
    # Both tagged volumes of the boot request, as the guest read them.
    (tags,) = _lines(log1, 'device tags:')
    assert '"tags": ["cirros"]' in tags and '"tags": ["multiattach"]' in tags
    assert 'multiattach volume is /dev/vdb' in log1
    assert _lines(log1, 'vm1 reads:') == ['vm1 reads: hello from vm1']

    vm2 = _vm2(aio, env, tmp_path, 'vm2', volume_id)
    _wait_console(aio, vm2, 'waiting for volume')
    _osc(env, 'server', 'add', 'volume', 'vm2', 'shared')
    _wait_attachments(aio, volume_id, [vm1, vm2])
    _wait_console(aio, vm2, 'nova-lite-guest: ready')
    log2 = _osc(env, 'console', 'log', 'show', 'vm2')
    assert 'read-only flag 0' in log2
    assert _lines(log2, 'vm2 reads:') == ['vm2 reads: hello from vm1']
    assert 'vm2 wrote its line' in log2
    assert _lines(log2, 'vm2 now reads:') == [
        'vm2 now reads: hello from vm1', 'vm2 now reads: hello from vm2']
    # The last lines only, as the CLI asks for them.
    tail = _osc(env, 'console', 'log', 'show', '--lines', '2', 'vm2')
    assert tail.strip().splitlines()[-1].endswith('nova-lite-guest: ready')

    # Detach from vm1: its kernel releases the virtio disk; vm2 keeps it.
    _osc(env, 'server', 'remove', 'volume', 'vm1', 'shared')
    _wait_attachments(aio, volume_id, [vm2])
    _wait_console(aio, vm1, '/dev/vdb was unplugged', timeout=60)
    shown = _json(env, 'volume', 'show', 'shared')
    assert shown['status'] == 'in-use'
    assert [a['server_id'] for a in shown['attachments']] == [vm2]
    # vm2 still reads the volume (after a hard reboot its user data runs
    # again on the disk it kept).
    _osc(env, 'server', 'reboot', '--hard', '--wait', 'vm2')
    _wait_console(aio, vm2, 'vm2 line already there')
    log2 = _osc(env, 'console', 'log', 'show', 'vm2')
    assert _lines(log2, 'vm2 now reads:')[-2:] == [
        'vm2 now reads: hello from vm1', 'vm2 now reads: hello from vm2']

    for name in ('vm1', 'vm2'):
        _osc(env, 'server', 'delete', '--wait', name)
    _wait_attachments(aio, volume_id, [])
    for server_id in (vm1, vm2):
        assert server_id not in {d.UUIDString() for d in
                                 libvirt_conn.listAllDomains()}


def test_read_only_subsequent_attachment(aio, env, tmp_path, libvirt_conn):
    _volume_type(env, 'multiattach-ro', multiattach='<is> True',
                 multiattach_subsequent_mode='ro')
    volume = _json(env, 'volume', 'create', '--size', '1', '--type',
                   'multiattach-ro', 'shared-ro')
    volume_id = volume['id']
    clients.wait_for(lambda: aio.volume_request(
        'GET', '/v3/volumes/%s' % volume_id).json()['volume']['status'],
        'available')
    vm1 = _vm1(aio, env, tmp_path, 'writer', volume_id)
    _wait_console(aio, vm1, 'nova-lite-guest: ready')
    assert _lines(_osc(env, 'console', 'log', 'show', 'writer'),
                  'vm1 reads:') == ['vm1 reads: hello from writer']
    vm2 = _vm2(aio, env, tmp_path, 'reader', volume_id)
    _wait_console(aio, vm2, 'waiting for volume')
    _osc(env, 'server', 'add', 'volume', 'reader', 'shared-ro')
    _wait_attachments(aio, volume_id, [vm1, vm2])
    _wait_console(aio, vm2, 'nova-lite-guest: ready')
    log2 = _osc(env, 'console', 'log', 'show', 'reader')
    # The guest sees a read-only disk: it reads the writer's line, and its
    # own write is refused.
    assert 'read-only flag 1' in log2
    assert _lines(log2, 'vm2 reads:') == ['vm2 reads: hello from writer']
    assert 'reader write refused' in log2
    assert _lines(log2, 'vm2 now reads:') == [
        'vm2 now reads: hello from writer']
    dom = libvirt_conn.lookupByUUIDString(vm2)
    (disk,) = [d for _t, serial, d in libvirt_config.parse_disks(
        dom.XMLDesc(0)) if serial == volume_id]
    assert disk.find('readonly') is not None
    dom = libvirt_conn.lookupByUUIDString(vm1)
    (disk,) = [d for _t, serial, d in libvirt_config.parse_disks(
        dom.XMLDesc(0)) if serial == volume_id]
    assert disk.find('readonly') is None
    for name in ('writer', 'reader'):
        _osc(env, 'server', 'delete', '--wait', name)
    _wait_attachments(aio, volume_id, [])
