"""An HTTP proxy in front of the block storage that injects faults.

Modes: ``pass`` (forward), ``error`` (answer 500 with a Cinder fault body),
``hang`` (hold the request for ``hang_seconds`` then drop the connection,
as a block storage that stopped answering) and ``down`` (close the
connection at once, as a block storage that went away). A fault may be
limited to requests whose method and path match, and to a number of
requests (``count``), after which the proxy passes again.
"""

import http.client
import http.server
import re
import socket
import threading
import time


class FaultProxy:

    def __init__(self, target_port):
        self.target_port = target_port
        self.lock = threading.Lock()
        self.mode = 'pass'
        self.match = None
        self.count = None
        self.hang_seconds = 0.0
        self.injected = {'error': 0, 'hang': 0, 'down': 0}
        self.forwarded = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else None
                fault = proxy._fault_for(self.command, self.path)
                if fault == 'error':
                    data = (b'{"computeFault": {"code": 500, "message": '
                            b'"The server has either erred or is '
                            b'incapable of performing the requested '
                            b'operation."}}')
                    self.send_response(500)
                    self.send_header('Content-Type', 'application/json')
                    self.send_header('Content-Length', str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if fault in ('hang', 'down'):
                    if fault == 'hang':
                        time.sleep(proxy.hang_seconds)
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                conn = http.client.HTTPConnection(
                    '127.0.0.1', proxy.target_port, timeout=120)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ('host', 'connection')}
                conn.request(self.command, self.path, body=body,
                             headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
                with proxy.lock:
                    proxy.forwarded += 1
                self.send_response(resp.status)
                for key, value in resp.getheaders():
                    if key.lower() not in ('transfer-encoding', 'connection',
                                           'content-length', 'date',
                                           'server'):
                        self.send_header(key, value)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                                      Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def set(self, mode, match=None, count=None, hang_seconds=0.0):
        """Inject ``mode`` for requests matching ``match`` (a regular
        expression on "METHOD /path"), ``count`` times or until reset."""
        with self.lock:
            self.mode = mode
            self.match = re.compile(match) if match else None
            self.count = count
            self.hang_seconds = hang_seconds

    def reset(self):
        self.set('pass')

    def _fault_for(self, method, path):
        with self.lock:
            if self.mode == 'pass':
                return None
            if self.match is not None and \
                    not self.match.search('%s %s' % (method, path)):
                return None
            mode = self.mode
            self.injected[mode] += 1
            if self.count is not None:
                self.count -= 1
                if self.count <= 0:
                    self.mode = 'pass'
            return mode
