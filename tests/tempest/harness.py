"""Runs tempest against nova-lite-all in Keystone mode.

The harness (not the product) answers the only networking call tempest
makes -- ``GET /v2.0/security-groups`` while it cleans up dynamic
credentials -- from a small HTTP server registered in the catalog as
``network``.
"""

import http.server
import json
import os
import re
import subprocess
import sys
import textwrap
import threading

import requests

from tests.fixtures import keystone as ks_fixture

HERE = os.path.dirname(os.path.abspath(__file__))
# Another list (e.g. to try more tests) can be given in the environment.
INCLUDE_LIST = os.environ.get('NOVA_LITE_TEMPEST_INCLUDE_LIST',
                              os.path.join(HERE, 'include-list.txt'))
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
# A second image, for rebuilds to another image and the image filters.
IMAGE_ALT = '5d0a3c8e-6f4b-4e2a-9c71-b8e0f3a2d614'


def stack_overrides(base):
    """What nova-lite-all is started with for tempest: the two images,
    with data (tempest downloads an image's data to make images of its
    own), written under ``base``, and nova's default scheduler filters
    with SameHostFilter and DifferentHostFilter (as ``tempest.conf`` says).
    ``allow_resize_to_same_host`` keeps its default (False): with two
    compute hosts a resize or a cold migration always lands on the other
    one, as tempest's checks of the host expect."""
    os.makedirs(base, exist_ok=True)
    data = os.path.join(str(base), 'tempest-image.img')
    with open(data, 'wb') as f:
        f.write(b'nova_lite tempest image\n' * 64)
    return [
        ('image_catalog', 'images',
         [IMAGE + ':cirros-0.6.2-x86_64-disk:' + data,
          IMAGE_ALT + ':cirros-0.6.2-x86_64-disk-alt:' + data]),
        ('filter_scheduler', 'enabled_filters', SCHEDULER_FILTERS),
    ]


SCHEDULER_FILTERS = ['ComputeFilter', 'ComputeCapabilitiesFilter',
                     'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter',
                     'ServerGroupAffinityFilter', 'SameHostFilter',
                     'DifferentHostFilter']


# The compute hosts of the stack: nova-lite-all's own and a second one,
# which the moves between hosts (cold and live migration, unshelve to a
# host) and the server group (anti-)affinity tests need.
COMPUTE_HOSTS = ('compute1', 'compute2')


def start_stack(keystone, base):
    """nova-lite-all behind ``keystone`` (state under ``base``), with a
    second compute host (fake driver, zone ``nova``) in the same cell."""
    stack = ks_fixture.start_stack(keystone,
                                   os.path.join(str(base), 'nova-lite'),
                                   stack_overrides(base))
    try:
        for host in COMPUTE_HOSTS[1:]:
            stack.add_compute(host)
    except Exception:
        stack.stop()
        raise
    return stack


class _NetworkHandler(http.server.BaseHTTPRequestHandler):

    def do_GET(self):
        if self.path.split('?')[0].rstrip('/') == '/v2.0/security-groups':
            body = json.dumps({'security_groups': []}).encode()
            self.send_response(200)
        else:
            body = json.dumps({'NeutronError': {
                'type': 'HTTPNotFound', 'detail': '',
                'message': 'The resource could not be found.'}}).encode()
            self.send_response(404)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class NetworkStub:

    def start(self):
        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                                      _NetworkHandler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def tempest_conf(keystone):
    return textwrap.dedent('''\
        [DEFAULT]
        log_file = tempest.log
        [auth]
        use_dynamic_credentials = True
        admin_username = admin
        admin_password = {admin_password}
        admin_project_name = admin
        admin_domain_name = Default
        tempest_roles = member
        create_isolated_networks = False
        [identity]
        uri_v3 = {identity}
        auth_version = v3
        region = {region}
        [identity-feature-enabled]
        api_v2 = False
        [service_available]
        nova = True
        cinder = True
        glance = True
        neutron = True
        swift = False
        placement = False
        [compute]
        image_ref = {image}
        image_ref_alt = {image_alt}
        flavor_ref = 1
        flavor_ref_alt = 2
        min_compute_nodes = {compute_nodes}
        min_microversion = 2.1
        max_microversion = 2.104
        build_timeout = 30
        build_interval = 1
        [compute-feature-enabled]
        volume_multiattach = True
        resize = True
        snapshot = True
        console_output = True
        change_password = True
        rebuild = True
        pause = True
        suspend = True
        rescue = True
        stable_rescue = True
        shelve = True
        shelve_migrate = False
        interface_attach = False
        metadata_service = False
        config_drive = True
        personality = True
        cold_migration = True
        live_migration = True
        block_migration_for_live_migration = True
        volume_backed_live_migration = True
        vnc_console = False
        serial_console = False
        spice_console = False
        hostname_fqdn_sanitization = False
        scheduler_enabled_filters = {filters}
        [volume]
        catalog_type = volumev3
        volume_type_multiattach = multiattach
        min_microversion = 3.0
        max_microversion = 3.71
        build_timeout = 30
        build_interval = 1
        [validation]
        run_validation = False
        [image-feature-enabled]
        api_v2 = True
        image_format_enforcement = False
        ''').format(admin_password=ks_fixture.ADMIN_PASSWORD,
                    identity=keystone.url, region=ks_fixture.REGION,
                    image=IMAGE, image_alt=IMAGE_ALT,
                    compute_nodes=len(COMPUTE_HOSTS),
                    filters=','.join(SCHEDULER_FILTERS))


def register_images(keystone, stack):
    """The built-in image service (served at ``/image`` of the compute
    endpoint, Image API v2) as the ``image`` service: tempest's compute
    classes need an image client, and the image tests run against it."""
    keystone.register('image', stack.base + '/image', name='glance')


def create_multiattach_type(keystone, stack):
    token, body = keystone.token('admin', ks_fixture.ADMIN_PASSWORD,
                                 project='admin')
    url = '%s/v3/%s/types' % (stack.volume_base, body['project']['id'])
    headers = {'X-Auth-Token': token}
    types = requests.get(url, headers=headers, timeout=30).json()
    if 'multiattach' in [t['name'] for t in types['volume_types']]:
        return
    resp = requests.post(url, headers=headers, timeout=30, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    assert resp.status_code == 200, resp.text


def tempest_binary():
    return os.path.join(os.path.dirname(sys.executable), 'tempest')


def init_workspace(keystone, path):
    path = str(path)
    subprocess.run([tempest_binary(), 'init', '--workspace-path',
                    os.path.join(os.path.dirname(path), 'workspace.yaml'),
                    path], check=True, timeout=120,
                   stdout=subprocess.DEVNULL)
    with open(os.path.join(path, 'etc', 'tempest.conf'), 'w') as f:
        f.write(tempest_conf(keystone))
    return path


# "{0} tempest.api....test_x [1.234567s] ... ok"
# "{0} tempest.api....test_y ... SKIPPED: reason"
# "{0} setUpClass (tempest.api....TestClass) ... FAILED" (a class set-up:
# reported as "tempest.api....TestClass.setUpClass")
_RESULT = re.compile(
    r'^\{\d+\} (?:(?P<fixture>setUpClass|tearDownClass) '
    r'\((?P<cls>[\w.]+)\)|(?P<test>[\w.]+)(?:\[[^\]]*\])?)'
    r'(?: \[[\d.]+s\])? \.\.\. '
    r'(?P<status>ok|FAILED|SKIPPED(?::\s*(?P<reason>.*))?)\s*$')


def parse_results(output):
    """``{test id: ('ok' | 'FAILED' | 'SKIPPED', reason)}``; a class set-up
    or tear-down counts as one result of its own."""
    results = {}
    for line in output.splitlines():
        match = _RESULT.match(line.strip())
        if match:
            status = match.group('status').split(':')[0]
            test = match.group('test') or '%s.%s' % (
                match.group('cls'), match.group('fixture'))
            results[test] = (status, match.group('reason'))
    return results


def counts_by_package(results):
    """``{package: {status: count}}``, the package being the path above
    the test module (``tempest.api.compute.admin``)."""
    counts = {}
    for test, (status, _reason) in results.items():
        parts = test.split('.')
        modules = [i for i, part in enumerate(parts)
                   if part.startswith('test_')]
        package = '.'.join(parts[:modules[0]] if modules else parts[:3])
        by_status = counts.setdefault(package, {})
        by_status[status] = by_status.get(status, 0) + 1
    return counts


def run_tempest(workspace, args, timeout):
    """Run ``tempest run`` in ``workspace``; returns (results, output)."""
    env = dict(os.environ)
    env.pop('http_proxy', None)
    env.pop('HTTP_PROXY', None)
    env['no_proxy'] = env['NO_PROXY'] = '127.0.0.1,localhost'
    proc = subprocess.run(
        [tempest_binary(), 'run'] + list(args), cwd=workspace, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=timeout)
    with open(os.path.join(workspace, 'tempest-run.out'), 'w') as f:
        f.write(proc.stdout)
    return parse_results(proc.stdout), proc.stdout
