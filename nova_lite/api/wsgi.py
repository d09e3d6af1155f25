"""Module-level WSGI ``application`` for gunicorn, uWSGI or mod_wsgi.

Configuration files come from ``NOVA_LITE_CONFIG_FILE`` (comma separated),
else ``/etc/nova-lite/nova-lite.conf`` if it exists. With ``[api]
auth_strategy = noauth2`` the address the server listens on is unknown
here, so only loopback clients are served unless ``[api]
allow_noauth_on_any_address`` is set.
"""

import os

from nova_lite.api import app as api_app
from nova_lite.web import server as api_server
from nova_lite.cmd import common


def init_application():
    files = os.environ.get('NOVA_LITE_CONFIG_FILE')
    if files:
        config_files = [f for f in files.split(',') if f]
    else:
        default = '/etc/nova-lite/nova-lite.conf'
        config_files = [default] if os.path.exists(default) else []
    conf = common.setup([], 'nova-lite-api',
                        default_config_files=config_files)
    common.configure_databases(conf)
    app = api_app.build_app(conf)
    if api_server.noauth_restricted(conf):
        app = api_server.NoAuthLoopbackClientsOnly(app)
    return app


application = init_application()
