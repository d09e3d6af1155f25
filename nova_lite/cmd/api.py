"""nova-lite-api: the compute API alone, under cheroot."""

import sys

from nova_lite.api import app as api_app
from nova_lite.api import server as api_server
from nova_lite.cmd import common


def main(argv=None):
    conf = common.setup(sys.argv[1:] if argv is None else argv,
                        'nova-lite-api')
    common.require_real_transport(conf, 'nova-lite-api')
    try:
        api_server.check_listen_auth(conf)
    except api_server.NoAuthOnPublicAddress as error:
        sys.exit(str(error))
    common.configure_databases(conf)
    server = api_server.APIServer(conf, api_app.build_app(conf))
    server.start()
    common.wait_for_signal(server.stop)
