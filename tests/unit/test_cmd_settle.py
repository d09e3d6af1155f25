"""A started service settles: what it made while starting is kept out of
the garbage collector's full collections."""

import gc
import unittest
from unittest import mock
import weakref

from nova_lite.cmd import common


class _Node:
    def __init__(self):
        self.me = self


def _unreachable_cycle():
    """A weak reference to a cycle nothing else refers to: only the
    garbage collector can free it."""
    return weakref.ref(_Node())


class SettleTest(unittest.TestCase):

    def setUp(self):
        self.addCleanup(gc.unfreeze)
        gc.unfreeze()
        # Only the collections the tests ask for.
        self.addCleanup(gc.enable)
        gc.disable()

    def test_settle_freezes_what_lives(self):
        kept = [object() for _ in range(10)]
        before = gc.get_freeze_count()
        common.settle()
        self.assertGreater(gc.get_freeze_count(), before)
        # What lives is frozen: no collection walks it any more.
        self.assertFalse(any(o is kept for o in gc.get_objects()))

    def test_settle_collects_the_garbage_of_the_start_first(self):
        ref = _unreachable_cycle()
        self.assertIsNotNone(ref())
        common.settle()
        # The cycle was collected, not frozen forever.
        self.assertIsNone(ref())

    def test_garbage_made_after_settling_is_still_collected(self):
        common.settle()
        ref = _unreachable_cycle()
        self.assertIsNotNone(ref())
        gc.collect()
        self.assertIsNone(ref())

    def test_wait_for_signal_settles_before_it_waits(self):
        order = []

        class _Event:
            def set(self):
                pass

            def wait(self, timeout):
                order.append('wait')
                return True

        stop = mock.Mock(side_effect=lambda: order.append('stop'))
        with mock.patch.object(common, 'settle',
                               side_effect=lambda: order.append('settle')), \
                mock.patch.object(common.threading, 'Event', _Event), \
                mock.patch.object(common.signal, 'signal'):
            common.wait_for_signal(stop)
        self.assertEqual(['settle', 'wait', 'stop'], order)


if __name__ == '__main__':
    unittest.main()


_HANGUP_SCRIPT = '''
import os, signal, threading
from nova_lite.cmd import common
from nova_lite.objects import cell_mapping
cell_mapping._CELLS_SEEN[:] = [['kept']]
stopped = []

def signals():
    os.kill(os.getpid(), signal.SIGHUP)
    while cell_mapping._CELLS_SEEN:
        pass
    os.kill(os.getpid(), signal.SIGTERM)

threading.Timer(0.5, signals).start()
common.wait_for_signal(lambda: stopped.append(True))
print(stopped, cell_mapping._CELLS_SEEN)
'''


def test_sighup_makes_a_service_read_the_cells_again():
    """SIGHUP does not end a service: it forgets the cells its server lists
    read (as nova-api's are refreshed), and SIGTERM still stops it."""
    import subprocess
    import sys
    out = subprocess.run([sys.executable, '-c', _HANGUP_SCRIPT],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == '[True] []'
