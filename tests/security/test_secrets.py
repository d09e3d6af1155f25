"""Secrets stay secret: a volume's connection_info (how a host reaches the
volume) and the tokens of users and services appear in no API response --
compute API at every microversion that changed the views involved, block
storage volume views at every microversion, administrators included -- and
in no log line, with debug logging on everywhere ([DEFAULT] debug and
[cinder] debug).

Only the attachment views of the block storage API carry connection_info,
as Cinder's do: they are how nova learns it.
"""

import io
import json
import logging
import re

from oslo_log import log as oslo_log
import pytest

from nova_lite.block_storage import views as bs_views
from nova_lite import context as nl_context
from nova_lite.objects import block_device as bdm_obj
from tests.fixtures import stack as stack_fixture
from tests.security import personas as p

MEMBER_TOKEN = 'sec-user-5e1f:proj-a'
ADMIN_TOKEN = 'admin:admin'
COMPUTE_VERSIONS = ['2.1', '2.3', '2.16', '2.20', '2.47', '2.60', '2.69',
                    '2.70', '2.73', '2.79', '2.85', '2.89', 'latest']


def _volume_versions():
    """Every volume microversion 3.0 .. the newest."""
    newest = bs_views.MAX_VERSION
    return ['3.%d' % minor for minor in range(0, newest.minor + 1)]


@pytest.fixture
def logged_stack(tmp_path):
    """A stack with debug logging everywhere, every record captured."""
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        (None, 'debug', True), ('cinder', 'debug', True)])
    oslo_log.setup(conf, 'nova-lite')
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter(
        '%(name)s %(levelname)s %(message)s'))
    root = logging.getLogger()
    root.addHandler(handler)
    st = stack_fixture.Stack(conf).start()
    try:
        yield st, buffer
    finally:
        st.stop()
        root.removeHandler(handler)
        conf.set_override('debug', False)
        oslo_log.setup(conf, 'nova-lite')


def _req(stack, method, path, token=MEMBER_TOKEN, **kwargs):
    resp = stack.request(method, path, token=token, **kwargs)
    assert resp.status_code < 400, resp.text
    return resp


def _vreq(stack, method, path, token=MEMBER_TOKEN, **kwargs):
    resp = stack.volume_request(method, path, token=token, **kwargs)
    assert resp.status_code < 400, resp.text
    return resp


def _multiattach_flow(stack):
    """Two servers share a multiattach volume; every view is read; then
    both detach. Returns the responses read and the secrets seen."""
    _vreq(stack, 'POST', '/v3/types', token=ADMIN_TOKEN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    volume_id = _vreq(stack, 'POST', '/v3/volumes', json={'volume': {
        'size': 1, 'volume_type': 'multiattach'}}).json()['volume']['id']
    stack.wait_for_volume(volume_id, 'available', token=MEMBER_TOKEN)
    servers = []
    for name in ('sec-a', 'sec-b'):
        resp = _req(stack, 'POST', '/v2.1/servers', version='2.60', json={
            'server': {'name': name, 'flavorRef': '1', 'networks': 'none',
                       'imageRef': p.IMAGE}})
        server_id = resp.json()['server']['id']
        stack.wait_for_server(server_id, 'ACTIVE', token=MEMBER_TOKEN,
                              timeout=p.TIMEOUT)
        servers.append(server_id)
    for server_id in servers:
        _req(stack, 'POST', '/v2.1/servers/%s/os-volume_attachments'
             % server_id, version='2.60',
             json={'volumeAttachment': {'volumeId': volume_id}})
    p.wait_for('two attachments', lambda: len(stack.volume_request(
        'GET', '/v3/volumes/%s' % volume_id, token=MEMBER_TOKEN).json()[
            'volume']['attachments']) == 2)

    # What nova and the block storage keep: the secrets to look for.
    ctx = nl_context.get_admin_context()
    connection_infos = []
    for server_id in servers:
        for bdm in bdm_obj.get_by_instance(ctx, server_id):
            if bdm.connection_info:
                connection_infos.append(json.loads(bdm.connection_info))
    assert len(connection_infos) == 2
    attachments = _vreq(stack, 'GET', '/v3/attachments/detail?volume_id=%s'
                        % volume_id, version='3.44').json()['attachments']
    for attachment in attachments:
        assert attachment['connection_info']['device_path']
        connection_infos.append(attachment['connection_info'])

    responses = []
    for token in (MEMBER_TOKEN, ADMIN_TOKEN):
        for version in COMPUTE_VERSIONS:
            for server_id in servers:
                for path in ('/v2.1/servers/%s' % server_id,
                             '/v2.1/servers/%s/os-volume_attachments'
                             % server_id,
                             '/v2.1/servers/%s/os-volume_attachments/%s'
                             % (server_id, volume_id)):
                    responses.append(_req(stack, 'GET', path, token=token,
                                          version=version))
            responses.append(_req(stack, 'GET', '/v2.1/servers/detail',
                                  token=token, version=version))
        for version in _volume_versions():
            for path in ('/v3/volumes/%s' % volume_id, '/v3/volumes/detail',
                         '/v3/volumes'):
                responses.append(_vreq(stack, 'GET', path, token=token,
                                       version=version))
        responses.append(_vreq(stack, 'GET', '/v3/attachments?volume_id=%s'
                               % volume_id, token=token, version='3.44'))
    for server_id in servers:
        _req(stack, 'DELETE', '/v2.1/servers/%s/os-volume_attachments/%s'
             % (server_id, volume_id))
    stack.wait_for_volume(volume_id, 'available', token=MEMBER_TOKEN)
    return responses, connection_infos


def _secret_strings(connection_infos):
    secrets = {MEMBER_TOKEN, 'nova:service'}
    for info in connection_infos:
        data = info.get('data', info)
        secrets.add(data['device_path'])
        # As the block storage writes it (compact) and as others would.
        secrets.add(json.dumps(info))
        secrets.add(json.dumps(info, separators=(',', ':')))
    return secrets


def test_no_secret_in_responses_or_logs(logged_stack):
    stack, buffer = logged_stack
    responses, connection_infos = _multiattach_flow(stack)
    secrets = _secret_strings(connection_infos)
    assert len(responses) > 200
    for resp in responses:
        text = resp.text
        assert 'connection_info' not in text, (resp.url, text)
        for secret in secrets:
            assert secret not in text, (resp.url, secret)
        for value in resp.headers.values():
            assert value not in secrets, resp.url
    logged = buffer.getvalue()
    # Debug logging was on and the flow was logged, block storage calls
    # included.
    assert 'DEBUG' in logged
    assert 'os-volume_attachments' in logged and '/attachments' in logged
    # The block storage responses were logged, their connection_info masked.
    assert re.search(r'"connection_info":\s*"\*\*\*"', logged)
    leaks = sorted(s for s in secrets if s in logged)
    assert leaks == [], [line for line in logged.splitlines()
                         if any(s in line for s in leaks)][:5]


@pytest.mark.parametrize('text,expected', [
    ('{"attachment": {"id": "a", "connection_info": {"data": {"target": '
     '"iqn.x", "auth_password": "s3"}, "x": [1, {"y": "}"}]}, "z": 1}}',
     '{"attachment": {"id": "a", "connection_info": "***", "z": 1}}'),
    ('{"connection_info": {}, "b": {"connection_info": {"p": "q"}}}',
     '{"connection_info": "***", "b": {"connection_info": "***"}}'),
    # Cut short (a truncated log line): everything after is masked.
    ('RESP BODY: {"connection_info": {"device_path": "/v/vol',
     'RESP BODY: {"connection_info": "***"'),
    ('nothing secret here', 'nothing secret here'),
])
def test_mask_secrets(text, expected):
    from nova_lite.volume import cinder
    assert cinder.mask_secrets(text) == expected


def test_mask_secrets_masks_passwords_and_tokens():
    from nova_lite.volume import cinder
    masked = cinder.mask_secrets(
        '-d \'{"auth": {"password": "hunter2", "token": "t0k3n"}}\'')
    assert 'hunter2' not in masked and 't0k3n' not in masked
    assert '"password": "***"' in masked


def test_http_loggers_mask(caplog):
    from nova_lite.volume import cinder
    for name in cinder.HTTP_LOGGERS:
        with caplog.at_level(logging.DEBUG, logger=name):
            logging.getLogger(name).debug(
                'RESP BODY: %s', '{"connection_info": {"device_path": '
                '"/secret/path"}, "password": "pw"}')
    assert len(caplog.records) == len(cinder.HTTP_LOGGERS)
    for record in caplog.records:
        assert '/secret/path' not in record.getMessage()
        assert '"pw"' not in record.getMessage()


DB_PASSWORD = 'Db-S3cret-9d41c7'


def _with_password(url):
    """``url`` with DB_PASSWORD as its password (PostgreSQL's trust
    authentication ignores it); a URL that has one keeps it."""
    import sqlalchemy as sa
    parsed = sa.engine.make_url(url)
    if parsed.password:
        return url, parsed.password
    return parsed.set(password=DB_PASSWORD).render_as_string(
        hide_password=False), DB_PASSWORD


@pytest.fixture
def postgresql_stack(tmp_path):
    """The all-in-one on PostgreSQL databases whose URLs carry a password,
    with debug logging, every record captured."""
    from tests.fixtures import databases
    dbs = {role: databases.Database('postgresql', tmp_path)
           for role in ('api', 'main', 'cell0', 'volume')}
    dbs['cell0'].name = dbs['main'].name + '_cell0'
    urls = {}
    try:
        for role, db in dbs.items():
            urls[role], password = _with_password(db.create())
        conf = stack_fixture.make_conf(tmp_path, overrides=[
            (None, 'debug', True), ('cinder', 'debug', True),
            ('api_database', 'connection', urls['api']),
            ('database', 'connection', urls['main']),
            ('block_storage', 'connection', urls['volume'])])
        oslo_log.setup(conf, 'nova-lite')
        buffer = io.StringIO()
        handler = logging.StreamHandler(buffer)
        handler.setLevel(logging.DEBUG)
        root = logging.getLogger()
        root.addHandler(handler)
        st = stack_fixture.Stack(conf).start()
        try:
            yield st, buffer, password
        finally:
            st.stop()
            root.removeHandler(handler)
            conf.set_override('debug', False)
            oslo_log.setup(conf, 'nova-lite')
    finally:
        for db in dbs.values():
            if db.url:
                db.drop()


def test_database_passwords_stay_secret(postgresql_stack):
    stack, buffer, password = postgresql_stack
    responses = []
    volume_id = _vreq(stack, 'POST', '/v3/volumes', json={'volume': {
        'size': 1}}).json()['volume']['id']
    stack.wait_for_volume(volume_id, 'available', token=MEMBER_TOKEN)
    server_id = _req(stack, 'POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': 'pw', 'flavorRef': '1', 'networks': 'none',
                   'imageRef': p.IMAGE}}).json()['server']['id']
    stack.wait_for_server(server_id, 'ACTIVE', token=MEMBER_TOKEN,
                          timeout=p.TIMEOUT)
    _req(stack, 'POST', '/v2.1/servers/%s/os-volume_attachments'
         % server_id, json={'volumeAttachment': {'volumeId': volume_id}})
    stack.wait_for_volume(volume_id, 'in-use', token=MEMBER_TOKEN)
    for version in ('2.1', '2.53', '2.69', 'latest'):
        for path in ('/v2.1/os-services', '/v2.1/servers/detail',
                     '/v2.1/servers/%s' % server_id):
            responses.append(_req(stack, 'GET', path, token=ADMIN_TOKEN,
                                  version=version))
    responses.append(_vreq(stack, 'GET', '/v3/volumes/detail',
                           token=ADMIN_TOKEN, version='3.71'))
    _req(stack, 'DELETE', '/v2.1/servers/%s' % server_id)
    stack.wait_for_server(server_id, 'DELETED', token=MEMBER_TOKEN,
                          timeout=p.TIMEOUT)
    for resp in responses:
        assert password not in resp.text, resp.url
    logged = buffer.getvalue()
    # The databases were reached with the password-carrying URLs, and the
    # requests were logged.
    assert password in stack.conf.database.connection
    assert 'postgresql' in stack.conf.api_database.connection
    assert '"GET /v2.1/os-services' in logged
    assert password not in logged, [line for line in logged.splitlines()
                                    if password in line][:5]
