"""Figures the reliability tests gather, printed at the end of the run."""

import collections
import threading

_LOCK = threading.Lock()
FAULTS = collections.Counter()      # fault kind -> injected and survived
CHECKS = collections.Counter()      # what was compared
EXTRA = []


def fault(kind, count=1):
    with _LOCK:
        FAULTS[kind] += count


def checked(kind, count):
    with _LOCK:
        CHECKS[kind] += count


def note(line):
    with _LOCK:
        EXTRA.append(line)


def lines():
    out = []
    if FAULTS:
        out.append('faults injected and survived: %d' % sum(FAULTS.values()))
        out.extend('  %-52s %d' % (k, v) for k, v in sorted(FAULTS.items()))
    if CHECKS:
        out.append('consistency checks:')
        out.extend('  %-52s %d' % (k, v) for k, v in sorted(CHECKS.items()))
    out.extend(EXTRA)
    return out
