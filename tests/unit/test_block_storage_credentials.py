"""Which credentials the block storage client uses for calls made without a
user's token (the compute service's periodic tasks): ``[cinder]``'s auth
plugin, else ``[service_user]``'s, else under noauth2 an administrator
token; with none of them such calls are refused."""

import textwrap

from keystoneauth1 import service_token
import pytest

from nova_lite import conf as nl_conf
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.volume import cinder

SERVICE_USER = '''\
[service_user]
auth_type = password
auth_url = http://keystone.example/v3
username = nova
password = novapass
project_name = service
user_domain_id = default
project_domain_id = default
'''
CINDER = '''\
[cinder]
auth_type = password
auth_url = http://keystone.example/v3
username = cinder-admin
password = cinderpass
project_name = admin
user_domain_id = default
project_domain_id = default
'''


def _auth(tmp_path, text, context=None):
    path = tmp_path / 'nova-lite.conf'
    path.write_text(textwrap.dedent(text))
    conf = nl_conf.new_conf()
    nl_conf.parse_args(conf, ['--config-file', str(path)],
                       default_config_files=[])
    state = cinder._State(conf)
    context = context or nl_context.get_admin_context()
    return cinder._auth(cinder._options(conf), state, context)


def _split(auth):
    """``(user plugin, service plugin or None)``."""
    if isinstance(auth, service_token.ServiceTokenAuthWrapper):
        return auth.user_auth, auth.service_auth
    return auth, None


def _user(plugin):
    """The user name a password plugin authenticates with."""
    return plugin.get_cache_id_elements()['username']


def test_cinder_auth_options_come_first(tmp_path):
    user, service = _split(_auth(
        tmp_path, '[api]\nauth_strategy = keystone\n' + CINDER +
        SERVICE_USER + 'send_service_user_token = true\n'))
    assert _user(user) == 'cinder-admin'
    assert _user(service) == 'nova'


def test_service_user_when_cinder_has_none(tmp_path):
    # As in the Keystone install guide: [service_user] only, sending
    # service tokens.
    user, service = _split(_auth(
        tmp_path, '[api]\nauth_strategy = keystone\n' + SERVICE_USER +
        'send_service_user_token = true\n'))
    assert _user(user) == 'nova'
    assert user.get_cache_id_elements()['auth_url'] == \
        'http://keystone.example/v3'
    assert _user(service) == 'nova'


def test_service_user_without_service_tokens(tmp_path):
    user, service = _split(_auth(
        tmp_path, '[api]\nauth_strategy = keystone\n' + SERVICE_USER))
    assert _user(user) == 'nova'
    assert service is None


def test_user_token_still_wins(tmp_path):
    ctx = nl_context.RequestContext(user_id='u', project_id='p',
                                    auth_token='user-token')
    user, service = _split(_auth(
        tmp_path, '[api]\nauth_strategy = keystone\n' + CINDER +
        SERVICE_USER, context=ctx))
    assert isinstance(user, cinder.ContextAuth)
    assert user.get_token(None) == 'user-token'
    assert service is None


def test_noauth2_without_auth_options(tmp_path):
    user, service = _split(_auth(tmp_path, '[api]\nauth_strategy = noauth2\n'))
    assert user.get_token(None) == cinder.NOAUTH_ADMIN_TOKEN
    assert service.get_token(None) == cinder.NOAUTH_SERVICE_TOKEN


def test_no_credentials_at_all(tmp_path):
    with pytest.raises(exception.Forbidden) as caught:
        _auth(tmp_path, '[api]\nauth_strategy = keystone\n')
    assert 'neither [cinder] nor [service_user]' in str(caught.value)
