"""The host's ``uptime`` line, as the ``uptime`` command prints it."""

import os
import subprocess
import time


def _format(now, seconds, users, loads):
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    up = ''
    if days:
        up = '%d day%s, ' % (days, '' if days == 1 else 's')
    up += '%2d:%02d' % (hours, minutes) if hours else '%d min' % minutes
    return ' %s up %s,  %d user%s,  load average: %s\n' % (
        time.strftime('%H:%M:%S', time.localtime(now)), up, users,
        '' if users == 1 else 's', ', '.join('%.2f' % v for v in loads))


def host_uptime():
    """``uptime``'s output, or the same line made from /proc."""
    try:
        out = subprocess.run(['env', 'LANG=C', 'uptime'], check=True,
                             capture_output=True, text=True, timeout=10)
        if out.stdout.strip():
            return out.stdout
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        with open('/proc/uptime') as f:
            seconds = float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        seconds = time.monotonic()
    return _format(time.time(), seconds, 0, os.getloadavg())


def since(started):
    """An uptime line for something started at ``started`` (epoch)."""
    now = time.time()
    return _format(now, max(0, now - started), 0, (0.0, 0.0, 0.0))
