"""The environment's settings of a requests session, looked up once.

A ``requests.Session`` that trusts the environment (the default) looks up
the proxies (``*_proxy``, ``no_proxy``) and CA bundle
(``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``) for every request, by going
through every variable of the process environment several times: about
0.1 ms of CPU per block storage call. :func:`remember_environment` keeps
the answer per scheme, host and port for as long as the environment is
unchanged; a change to it (``os.environ``) makes the session look again.
"""

import os
import threading
from urllib import parse

# How many (address, arguments) answers a session keeps.
MAX_ENTRIES = 256


def remember_environment(session):
    """Make ``session.merge_environment_settings`` remember its answers
    while ``os.environ`` is unchanged. Calls that pass proxies of their own
    are looked up every time."""
    if getattr(session, '_nova_lite_env_remembered', False):
        return session
    merge = session.merge_environment_settings
    lock = threading.Lock()
    state = {'environ': None, 'answers': {}}

    def merge_environment_settings(url, proxies, stream, verify, cert):
        # The encoded mapping behind os.environ: a copy of it compares
        # with it cheaply. Without one, nothing is remembered.
        data = getattr(os.environ, '_data', None)
        if proxies or not isinstance(data, dict) or \
                not isinstance(url, str):
            return merge(url, proxies, stream, verify, cert)
        parts = parse.urlsplit(url)
        try:
            key = (parts.scheme, parts.netloc, stream, verify, cert)
            hash(key)
        except TypeError:
            return merge(url, proxies, stream, verify, cert)
        with lock:
            if state['environ'] != data:
                state['environ'] = dict(data)
                state['answers'] = {}
            answer = state['answers'].get(key)
        if answer is None:
            answer = merge(url, proxies, stream, verify, cert)
            with lock:
                if state['environ'] == data and \
                        len(state['answers']) < MAX_ENTRIES:
                    state['answers'][key] = answer
        return {'proxies': dict(answer['proxies']), 'stream': answer['stream'],
                'verify': answer['verify'], 'cert': answer['cert']}

    session.merge_environment_settings = merge_environment_settings
    session._nova_lite_env_remembered = True
    return session
