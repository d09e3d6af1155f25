"""What a console script says when it cannot start.

A bad configuration is answered with one line naming the file, the option
and its value, and an exit status as ``argparse``'s: 2 when the
configuration is wrong (a file not found or not readable, a value of the
wrong type, an unknown choice, a URL that is not one), 1 when a sound
configuration cannot be used (a database or message bus that does not
answer, an address already in use).

:func:`validate` reads every option once, right after the files are
parsed, so that a bad value stops the process before anything starts.
:func:`describe` turns the errors of the start into that line.
"""

import glob
import os
import re
import socket

from oslo_config import cfg

USAGE = 2
RUNTIME = 1


class StartError(Exception):
    """The service cannot start; the message says why in one line."""

    def __init__(self, message, status=RUNTIME):
        super().__init__(message)
        self.status = status


def usage_error(message):
    return StartError(message, status=USAGE)


# -- where a value comes from ------------------------------------------------

# user:password@ after the scheme, or after the comma between the hosts
# of an oslo.messaging URL
_PASSWORD = re.compile(r'((?:://|,)[^:/@,\s]*:)[^@/,\s]+@')


def mask(text):
    """``text`` with the passwords of the URLs in it replaced by ****."""
    return _PASSWORD.sub(r'\1****@', text)


def _config_files(conf):
    files = []
    try:
        files.extend(conf.config_file or [])
        dirs = conf.config_dir or []
    except cfg.Error:
        return files
    for directory in dirs if isinstance(dirs, list) else [dirs]:
        files.extend(sorted(glob.glob(os.path.join(directory, '*.conf'))))
    return files


def _file_value(path, group, name):
    sections = {}
    try:
        cfg.ConfigParser(path, sections).parse()
    except (OSError, cfg.Error, ValueError):
        return None
    for section, values in sections.items():
        if section == group or section.lower() == group.lower():
            found = values.get(name)
            if found:
                return found[-1]
    return None


def locate(conf, group, name):
    """``(where, raw value)`` of ``[group] name``: the environment variable
    or the last configuration file that sets it; ``(None, None)`` when it
    comes from the command line or is the default."""
    group = group or 'DEFAULT'
    env = 'OS_%s__%s' % (group.upper(), name.upper())
    if env in os.environ:
        return 'environment variable %s' % env, os.environ[env]
    for path in reversed(_config_files(conf)):
        value = _file_value(path, group, name)
        if value is not None:
            return path, value
    return None, None


def option(conf, group, name, value=None):
    """``[file: ][group] name = value``, the value as written where it is
    set (else ``value``, else the current one); passwords masked."""
    where, raw = locate(conf, group, name)
    if raw is None:
        raw = value
    if raw is None:
        try:
            raw = (conf[group] if group else conf)[name]
        except (cfg.Error, KeyError):
            raw = ''
    text = '[%s] %s = %s' % (group or 'DEFAULT', name, raw)
    return mask('%s: %s' % (where, text) if where else text)


# -- validation ----------------------------------------------------------------

_REASONS = (
    (re.compile(r"^invalid literal for int\(\) with base 10"),
     lambda m: 'not an integer'),
    (re.compile(r'^could not convert string to float'),
     lambda m: 'not a number'),
    (re.compile(r'^Unexpected boolean value'),
     lambda m: 'not a boolean (true or false)'),
    (re.compile(r'^Valid values are \[(.*)\], but found'),
     lambda m: 'must be one of %s' % m.group(1)),
    (re.compile(r'^Should be less than or equal to (\S+)'),
     lambda m: 'must be at most %s' % m.group(1)),
    (re.compile(r'^Should be greater than or equal to (\S+)'),
     lambda m: 'must be at least %s' % m.group(1)),
    (re.compile(r'^.* is (not a valid .*)$'), lambda m: m.group(1)),
)


def _reason(text):
    text = text.split(' is not valid: ', 1)[-1].strip()
    for pattern, say in _REASONS:
        match = pattern.match(text)
        if match:
            return say(match)
    return text


def _value_error(conf, group, name, error):
    return usage_error('%s: %s' % (option(conf, group, name),
                                   _reason(str(error))))


def _check(conf, group, name):
    try:
        return (conf[group] if group else conf)[name]
    except cfg.ConfigSourceValueError as error:
        raise _value_error(conf, group, name, error) from error
    except cfg.Error as error:
        raise usage_error('%s: %s' % (option(conf, group, name, '?'),
                                      error)) from error


def validate(conf):
    """Check the transport URLs, read every registered option (those of
    the messaging driver the URL names too), then check the database
    URLs: a bad value raises a :class:`StartError` naming it before
    anything starts."""
    from nova_lite import rpc
    _check_transport_url(conf, None)
    if 'oslo_messaging_notifications' in conf:
        _check_transport_url(conf, 'oslo_messaging_notifications')
    rpc.register_driver_opts(conf)
    for key in list(conf):
        value = _check(conf, None, key)
        if isinstance(value, cfg.ConfigOpts.GroupAttr):
            for name in list(value):
                _check(conf, key, name)
    for group in ('database', 'api_database', 'block_storage'):
        if group in conf and 'connection' in conf[group]:
            _check_database_url(conf, group)


def _transport_drivers():
    from importlib import metadata
    return {ep.name for ep in metadata.entry_points(
        group='oslo.messaging.drivers')}


def _check_transport_url(conf, group):
    import oslo_messaging as messaging
    url = (conf[group] if group else conf).get('transport_url')
    if not url:
        return
    try:
        parsed = messaging.TransportURL.parse(conf, url)
    except (messaging.InvalidTransportURL, ValueError) as error:
        raise usage_error('%s: not a transport URL (%s)' % (
            option(conf, group, 'transport_url'),
            str(error).rstrip('.'))) from error
    if parsed.transport not in _transport_drivers():
        raise usage_error('%s: no messaging driver for %s://' % (
            option(conf, group, 'transport_url'), parsed.transport))


def _check_database_url(conf, group):
    from sqlalchemy.engine import url as sa_url
    from sqlalchemy import exc as sa_exc
    url = conf[group].connection
    if not url:
        return
    try:
        sa_url.make_url(url).get_dialect()
    except sa_exc.NoSuchModuleError as error:
        raise usage_error('%s: no database driver for %s://' % (
            option(conf, group, 'connection'),
            url.split(':', 1)[0])) from error
    except (sa_exc.ArgumentError, ValueError) as error:
        raise usage_error('%s: not a database URL' % option(
            conf, group, 'connection')) from error


# -- the message bus -------------------------------------------------------------

BUS_TIMEOUT = 5


def check_message_bus(conf):
    """One TCP connection to a host of the AMQP ``transport_url``: a service
    whose message bus does not answer stops instead of waiting for it."""
    import oslo_messaging as messaging
    url = conf.transport_url
    if not url:
        return
    parsed = messaging.TransportURL.parse(conf, url)
    if parsed.transport not in ('rabbit', 'kombu', 'amqp'):
        return
    failures = []
    for host in parsed.hosts or [messaging.TransportHost()]:
        name = host.hostname or 'localhost'
        for port in [host.port] if host.port else [5672, 5671]:
            try:
                socket.create_connection((name, port),
                                         timeout=BUS_TIMEOUT).close()
                return
            except OSError as error:
                failures.append('%s:%s: %s' % (
                    name, port, error.strerror or error))
    raise StartError('%s: cannot reach the message bus (%s)' % (
        option(conf, None, 'transport_url'), '; '.join(failures)))


# -- the errors of a start --------------------------------------------------------

_LOCATED = re.compile(r"^Value for option (\S+) from .*detail='([^']*)'"
                      r".* is not valid: (.*)$", re.S)


def describe(conf, error):
    """``(exit status, one line)`` for an error of the start, or ``None``
    for an unexpected one."""
    from oslo_db import exception as db_exc

    from nova_lite.web import server as api_server
    from nova_lite import exception

    if isinstance(error, StartError):
        return error.status, str(error)
    if isinstance(error, cfg.ConfigFilesNotFoundError):
        return USAGE, '%s: configuration file not found' % ', '.join(
            error.config_files)
    if isinstance(error, cfg.ConfigFilesPermissionDeniedError):
        return USAGE, '%s: configuration file not readable (permission ' \
            'denied)' % ', '.join(error.config_files)
    if isinstance(error, cfg.ConfigDirNotFoundError):
        return USAGE, '%s: configuration directory not found' % \
            error.config_dir
    if isinstance(error, cfg.ConfigFileParseError):
        # oslo.config's message: "at FILE:LINE, what"
        prefix = 'at %s:' % error.config_file
        if error.msg.startswith(prefix):
            return USAGE, '%s:%s' % (error.config_file, error.msg[
                len(prefix):].replace(', ', ': ', 1))
        return USAGE, '%s: %s' % (error.config_file, error.msg)
    if isinstance(error, cfg.ConfigSourceValueError):
        # An option registered after the start (by a library).
        match = _LOCATED.match(str(error))
        if match:
            name, where, reason = match.groups()
            return USAGE, '%s: %s: %s' % (where, name, _reason(reason))
        return USAGE, _reason(str(error))
    if isinstance(error, cfg.Error):
        return USAGE, str(error)
    if isinstance(error, api_server.NoAuthOnPublicAddress):
        return USAGE, str(error)
    if isinstance(error, api_server.ListenFailed):
        # ``name`` or ``group.name``
        group, _sep, name = error.option.rpartition('.')
        return RUNTIME, '%s: %s' % (
            option(conf, group or None, name, error.value), error)
    if isinstance(error, exception.DatabaseConnectionFailed):
        return (USAGE if error.usage else RUNTIME), '%s: %s' % (
            option(conf, error.group, 'connection', error.connection),
            error.reason)
    if isinstance(error, db_exc.DBNonExistentTable):
        return RUNTIME, 'a database has no table %s: run nova-lite-manage ' \
            'api_db sync and db sync first' % getattr(error, 'table', '?')
    if isinstance(error, exception.VirtDriverNotFound):
        return USAGE, '%s: no such virt driver under nova_lite.virt' % \
            option(conf, None, 'compute_driver')
    if isinstance(error, OSError) and error.filename:
        return RUNTIME, mask('%s: %s' % (error.filename,
                                         error.strerror or error))
    return None
