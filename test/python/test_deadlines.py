"""dcckit_client.deadlines: the one thread that answers requests not done in time."""

import threading
import unittest

import harness  # noqa: F401  (puts the packages on sys.path)
from dcckit_client.deadlines import Deadlines


class DeadlinesTest(unittest.TestCase):
    def setUp(self):
        self.deadlines = Deadlines()
        self.addCleanup(self.deadlines.stop)

    def test_fires_in_deadline_order_and_never_a_cancelled_entry(self):
        fired = []
        done = threading.Event()
        self.deadlines.add(0.3, lambda: (fired.append("late"), done.set()))
        cancelled = self.deadlines.add(0.1, lambda: fired.append("cancelled"))
        # An earlier deadline added after a later one wakes the thread for it.
        self.deadlines.add(0.05, lambda: fired.append("early"))
        Deadlines.cancel(cancelled)
        self.assertTrue(done.wait(5.0), "the late deadline fired")
        self.assertEqual(fired, ["early", "late"])

    def test_answered_entries_do_not_pile_up(self):
        for _ in range(1000):
            Deadlines.cancel(self.deadlines.add(30.0, lambda: None))
        self.assertLessEqual(len(self.deadlines._heap), 257)


if __name__ == "__main__":
    unittest.main()
