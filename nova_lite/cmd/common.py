"""What every nova_lite binary does first: options, logging, databases."""

import gc
import logging
import signal
import sys
import threading

from oslo_log import log as oslo_log

from nova_lite import conf as nl_conf
from nova_lite.db import api as db_api
from nova_lite import rpc


def setup(argv, binary, default_config_files=None, cli_opts=None):
    """Parse ``argv`` into a fresh ConfigOpts and set up logging."""
    conf = nl_conf.new_conf()
    if cli_opts:
        conf.register_cli_opts(cli_opts)
    oslo_log.register_options(conf)
    rpc.register_opts(conf)
    rpc.set_defaults(conf)
    from oslo_policy import opts as policy_opts
    policy_opts.set_defaults(conf)
    nl_conf.parse_args(conf, argv, default_config_files=default_config_files)
    oslo_log.setup(conf, 'nova-lite')
    logging.captureWarnings(True)
    return conf


def require_real_transport(conf, binary):
    if rpc.is_in_process(conf):
        sys.exit('%s needs transport_url set to a message bus shared with '
                 'the other services, for example '
                 'rabbit://guest:guest@127.0.0.1:5672/ (the in-process '
                 'transport only works inside nova-lite-all).' % binary)


def configure_databases(conf, api=True):
    db_api.configure(conf, api=api, main=True)


def settle():
    """Once a service has started: what it has made so far (its modules,
    options, policies, statements, connections) lives as long as it does,
    so the garbage collector's full collections stop walking it
    (``gc.freeze``; the garbage of the start is collected first). A full
    collection then walks only what was made since."""
    gc.collect()
    gc.freeze()


def wait_for_signal(stop):
    """Settle the started service (:func:`settle`), block until
    SIGINT/SIGTERM, then call ``stop()``."""
    settle()
    done = threading.Event()

    def _handler(signum, frame):
        done.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    while not done.wait(1):
        pass
    stop()
