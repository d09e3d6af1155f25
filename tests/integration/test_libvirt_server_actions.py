"""Server actions on the libvirt driver against a real libvirtd with QEMU
(the fixtures of test_libvirt.py): pause and unpause suspend and resume
the domain, suspend saves it with managedSave and resume starts it from
the saved image, the console log is the serial file of the domain,
rebuild defines the guest again and soft delete powers it off.

Needs libvirtd on qemu:///system (tools/ensure-libvirt; run as root).
"""

from xml.etree import ElementTree as ET

from tests.integration.test_libvirt import IMAGE
from tests.integration.test_libvirt import libvirt_conn  # noqa: F401
from tests.integration.test_libvirt import stack  # noqa: F401

VIR_DOMAIN_RUNNING = 1
VIR_DOMAIN_PAUSED = 3
VIR_DOMAIN_SHUTOFF = 5


def _action(st, sid, body, token='demo:demo'):
    return st.request('POST', '/v2.1/servers/%s/action' % sid, json=body,
                      token=token)


def _state(conn, sid):
    return conn.lookupByUUIDString(sid).state()[0]


def test_pause_suspend_console_rebuild(stack, libvirt_conn):  # noqa: F811,E501
    resp = stack.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': 'actions', 'imageRef': IMAGE, 'flavorRef': '1',
                   'networks': 'none'}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE', timeout=120)
    assert _state(libvirt_conn, sid) == VIR_DOMAIN_RUNNING

    assert _action(stack, sid, {'pause': None}).status_code == 202
    shown = stack.wait_for_server(sid, 'PAUSED', timeout=60)
    assert shown['OS-EXT-STS:power_state'] == 3
    assert _state(libvirt_conn, sid) == VIR_DOMAIN_PAUSED
    assert _action(stack, sid, {'unpause': None}).status_code == 202
    stack.wait_for_server(sid, 'ACTIVE', timeout=60)
    assert _state(libvirt_conn, sid) == VIR_DOMAIN_RUNNING

    assert _action(stack, sid, {'suspend': None}).status_code == 202
    stack.wait_for_server(sid, 'SUSPENDED', timeout=120)
    dom = libvirt_conn.lookupByUUIDString(sid)
    assert dom.state()[0] == VIR_DOMAIN_SHUTOFF
    assert dom.hasManagedSaveImage(0) == 1
    assert _action(stack, sid, {'resume': None}).status_code == 202
    stack.wait_for_server(sid, 'ACTIVE', timeout=120)
    assert dom.state()[0] == VIR_DOMAIN_RUNNING
    assert dom.hasManagedSaveImage(0) == 0

    # The console log: the file-backed serial port of the domain.
    root = ET.fromstring(dom.XMLDesc(0))
    serial = root.find('./devices/serial')
    assert serial.get('type') == 'file'
    path = serial.find('source').get('path')
    assert path.endswith('/%s/console.log' % sid)
    resp = _action(stack, sid, {'os-getConsoleOutput': {'length': 5}})
    assert resp.status_code == 200, resp.text
    assert isinstance(resp.json()['output'], str)
    with open(path, 'rb') as f:
        logged = f.read().decode('ascii', 'replace')
    whole = _action(stack, sid, {'os-getConsoleOutput': {}}).json()['output']
    # What the guest wrote meanwhile may follow.
    assert whole.startswith(''.join(
        c for c in logged if c in '\n\t' or ' ' <= c))

    # Rebuild: the domain is defined again and runs.
    resp = _action(stack, sid, {'rebuild': {'imageRef': IMAGE,
                                            'name': 'rebuilt'}})
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(sid, 'ACTIVE', timeout=120)
    assert _state(libvirt_conn, sid) == VIR_DOMAIN_RUNNING
    assert 'rebuilt' in ET.fromstring(libvirt_conn.lookupByUUIDString(
        sid).XMLDesc(0)).findtext('description')

    # Soft delete powers the guest off; restore starts it again.
    stack.conf.set_override('reclaim_instance_interval', 3600)
    assert stack.request('DELETE', '/v2.1/servers/%s' % sid).\
        status_code == 204
    stack.wait_for_server(sid, 'SOFT_DELETED', timeout=60)
    assert _state(libvirt_conn, sid) == VIR_DOMAIN_SHUTOFF
    assert _action(stack, sid, {'restore': None}).status_code == 202
    stack.wait_for_server(sid, 'ACTIVE', timeout=60)
    assert _state(libvirt_conn, sid) == VIR_DOMAIN_RUNNING
    assert _action(stack, sid, {'forceDelete': None}).status_code == 202
    stack.wait_for_server(sid, 'DELETED', timeout=60)
    assert sid not in {d.UUIDString()
                       for d in libvirt_conn.listAllDomains(0)}
