"""A session's environment settings: looked up once per address while the
environment is unchanged, and the same as requests' own."""

import requests

from nova_lite import http_settings


def _session():
    session = requests.Session()
    looked_up = []
    original = session.merge_environment_settings

    def counting(url, proxies, stream, verify, cert):
        looked_up.append(url)
        return original(url, proxies, stream, verify, cert)
    session.merge_environment_settings = counting
    return http_settings.remember_environment(session), looked_up


def _settings(session, url, proxies=None, verify=None):
    return session.merge_environment_settings(url, proxies or {}, None,
                                              verify, None)


def test_remembered_per_address_until_the_environment_changes(monkeypatch):
    for name in ('http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY',
                 'all_proxy', 'ALL_PROXY', 'REQUESTS_CA_BUNDLE',
                 'CURL_CA_BUNDLE'):
        monkeypatch.delenv(name, raising=False)
    session, looked_up = _session()
    plain = requests.Session()
    url = 'http://volumes.example:8776/v3/p/volumes/1'
    first = _settings(session, url)
    assert first == plain.merge_environment_settings(url, {}, None, None,
                                                     None)
    assert first['proxies'] == {}
    first['proxies']['http'] = 'changed by the caller'
    again = _settings(session, 'http://volumes.example:8776/v3/p/other')
    assert again['proxies'] == {}
    assert len(looked_up) == 1
    _settings(session, 'http://other.example:8776/v3')
    assert len(looked_up) == 2

    # A proxy set in the environment, and a host exempted from it.
    monkeypatch.setenv('http_proxy', 'http://proxy.example:3128')
    monkeypatch.setenv('no_proxy', 'other.example')
    proxied = _settings(session, url)
    assert proxied['proxies'].get('http') == 'http://proxy.example:3128'
    assert proxied == plain.merge_environment_settings(url, {}, None, None,
                                                       None)
    exempt = _settings(session, 'http://other.example:8776/v3')
    assert 'http' not in exempt['proxies']
    assert len(looked_up) == 4
    _settings(session, url)
    assert len(looked_up) == 4

    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/ssl/bundle.pem')
    assert _settings(session, 'https://volumes.example/v3',
                     verify=True)['verify'] == '/etc/ssl/bundle.pem'
    assert _settings(session, 'https://volumes.example/v3',
                     verify=False)['verify'] is False
    assert len(looked_up) == 6


def test_proxies_of_the_call_are_looked_up_every_time(monkeypatch):
    monkeypatch.delenv('no_proxy', raising=False)
    monkeypatch.delenv('NO_PROXY', raising=False)
    session, looked_up = _session()
    url = 'http://volumes.example:8776/v3'
    own = {'http': 'http://mine.example:8080'}
    for _ in range(2):
        assert _settings(session, url, proxies=own)['proxies'][
            'http'] == 'http://mine.example:8080'
    assert len(looked_up) == 2
    assert http_settings.remember_environment(session) is session
    _settings(session, url)
    _settings(session, url)
    assert len(looked_up) == 3
