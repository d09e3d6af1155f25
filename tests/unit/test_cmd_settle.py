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
