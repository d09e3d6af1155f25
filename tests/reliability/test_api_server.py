"""The API's WSGI server under a burst of new connections."""

import concurrent.futures
import http.client

from nova_lite.web import server as api_server
from tests.fixtures import stack as stack_fixture


def _app(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain'),
                              ('Content-Length', '2')])
    return [b'ok']


def test_burst_of_connections_is_answered(tmp_path):
    conf = stack_fixture.make_conf(tmp_path)
    server = api_server.APIServer(conf, _app, host='127.0.0.1', port=0,
                                  threads=4)
    server.start()
    assert server.server.request_queue_size >= 128

    def one(_):
        conn = http.client.HTTPConnection('127.0.0.1', server.bound_port,
                                          timeout=30)
        try:
            conn.request('GET', '/')
            return conn.getresponse().status
        finally:
            conn.close()

    try:
        with concurrent.futures.ThreadPoolExecutor(200) as pool:
            statuses = list(pool.map(one, range(600)))
    finally:
        server.stop()
    assert statuses == [200] * 600
