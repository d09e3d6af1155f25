"""What every nova_lite binary does first: options, logging, databases."""

import gc
import logging
import os
import signal
import sys
import threading
import traceback

from oslo_log import log as oslo_log

from nova_lite.cmd import startup
from nova_lite import conf as nl_conf
from nova_lite.db import api as db_api
from nova_lite import rpc

LOG = logging.getLogger(__name__)


def setup(argv, binary, default_config_files=None, cli_opts=None):
    """Parse ``argv`` into a fresh ConfigOpts, check every option's value
    (:func:`nova_lite.cmd.startup.validate`) and set up logging."""
    conf = nl_conf.new_conf()
    if cli_opts:
        conf.register_cli_opts(cli_opts)
    oslo_log.register_options(conf)
    # alembic tells each migration it runs at INFO: a fresh start (and
    # every ``db sync``) would print a screenful of them.
    conf.set_default('default_log_levels',
                     oslo_log.get_default_log_levels() + ['alembic=WARN'])
    rpc.register_opts(conf)
    rpc.set_defaults(conf)
    from oslo_policy import opts as policy_opts
    policy_opts.set_defaults(conf)
    try:
        nl_conf.parse_args(conf, argv,
                           default_config_files=default_config_files)
    except OSError as error:
        raise startup.usage_error(
            '%s: configuration file not readable (%s)' % (
                error.filename, error.strerror or error)) from error
    startup.validate(conf)
    oslo_log.setup(conf, 'nova-lite')
    logging.captureWarnings(True)
    return conf


def run(binary, argv, body, cli_opts=None):
    """A console script: :func:`setup`, then ``body(conf)`` (which starts
    the service and waits, or runs a command), whose result is the exit
    status.

    A start that fails stops what it started (each part stops its own)
    and ends the process within seconds: a known error (a bad
    configuration, a database or message bus that does not answer, an
    address in use) with one line on standard error and status 2 (the
    configuration is wrong) or 1, an unexpected one with its traceback and
    status 1. ``--debug`` (or ``[DEFAULT] debug``) prints the traceback of
    known errors too.
    """
    argv = sys.argv[1:] if argv is None else argv
    conf = None
    try:
        conf = setup(argv, binary, cli_opts=cli_opts)
        return body(conf)
    except KeyboardInterrupt:
        _exit(130)
    except Exception as error:
        known = startup.describe(conf, error)
        if known is None:
            if conf is not None:
                LOG.exception('%s failed', binary)
            else:
                traceback.print_exc()
            _exit(startup.RUNTIME)
        status, message = known
        if _debug(conf, argv):
            traceback.print_exc()
        print('%s: error: %s' % (binary, message), file=sys.stderr)
        _exit(status)


def _debug(conf, argv):
    try:
        if conf is not None and conf.debug:
            return True
    except Exception:
        pass
    return '--debug' in argv or '-d' in argv


def _exit(status):
    """Exit with ``status``, at once if a thread that is not a daemon is
    still running (the interpreter would wait for it)."""
    waiting = [t for t in threading.enumerate()
               if t.is_alive() and not t.daemon
               and t is not threading.main_thread()]
    if waiting:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


def require_real_transport(conf, binary):
    """A message bus shared with the other services, which answers."""
    if rpc.is_in_process(conf):
        raise startup.usage_error(
            '%s: %s needs a message bus shared with the other services, '
            'for example rabbit://guest:guest@127.0.0.1:5672/ (the '
            'in-process transport only works inside nova-lite-all).' % (
                startup.option(conf, None, 'transport_url'), binary))
    startup.check_message_bus(conf)


def configure_databases(conf, api=True):
    """Point the transaction contexts at the configured databases; each
    must answer (:func:`nova_lite.db.api.start_engine`)."""
    db_api.configure(conf, api=api, main=True)


class Progress:
    """``what: done/total (item)`` on one line of standard error, rewritten
    as the work advances, when standard error is a terminal; nothing
    otherwise (scripts and logs get the commands' own output only)."""

    def __init__(self, what, total=0, stream=None):
        self.what = what
        self.total = total
        self.stream = sys.stderr if stream is None else stream
        self.shown = _is_terminal(self.stream)
        self.width = 0

    def update(self, done, total=None, item=''):
        if total is not None:
            self.total = total
        if not self.shown or not self.total:
            return
        text = '%s: %d/%d%s' % (self.what, done, self.total,
                                ' (%s)' % item if item else '')
        self.stream.write('\r' + text.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(text))

    def finish(self, completed=True):
        """End the line, showing ``total/total`` if the work completed."""
        if not self.shown or not self.width:
            return
        if completed:
            self.update(self.total)
        self.stream.write('\n')
        self.stream.flush()
        self.width = 0


def _is_terminal(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


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
    SIGINT/SIGTERM, then call ``stop()``. SIGHUP makes the service read
    the cell mappings again (a cell created or deleted since it started)."""
    settle()
    done = threading.Event()

    def _handler(signum, frame):
        done.set()

    def _hangup(signum, frame):
        from nova_lite.objects import cell_mapping
        cell_mapping.forget_cells()
        LOG.info('Caught SIGHUP: the cell mappings will be read again')

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    signal.signal(signal.SIGHUP, _hangup)
    while not done.wait(1):
        pass
    stop()
