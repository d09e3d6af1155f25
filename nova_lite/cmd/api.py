"""nova-lite-api: the compute API alone, under cheroot."""

from nova_lite.api import app as api_app
from nova_lite.web import server as api_server
from nova_lite.cmd import common


def main(argv=None):
    return common.run('nova-lite-api', argv, _serve)


def _serve(conf):
    api_server.check_listen_auth(conf)
    common.require_real_transport(conf, 'nova-lite-api')
    common.configure_databases(conf)
    server = api_server.APIServer(conf, api_app.build_app(conf))
    server.start()
    common.wait_for_signal(server.stop)
