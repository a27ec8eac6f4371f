"""dcckit_client.deadlines: the one thread that answers requests not done in time."""

import math
import threading
import time
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

    def test_requests_answered_in_time_do_not_wake_the_thread_one_by_one(self):
        woken = []
        wait = self.deadlines._cond.wait

        def counting_wait(timeout=None):
            result = wait(timeout)
            woken.append(timeout)
            return result

        self.deadlines._cond.wait = counting_wait
        for _ in range(50):
            # A request answered by the main thread: its entry added, then cancelled.
            Deadlines.cancel(self.deadlines.add(30.0, lambda: None))
            self.wait_asleep()
        # At most the first entry woke it (when it had nothing to wait for); it sleeps on towards that deadline.
        self.assertLessEqual(len(woken), 1)
        # An entry due sooner than that still wakes it at once.
        fired = threading.Event()
        self.deadlines.add(0.05, fired.set)
        self.assertTrue(fired.wait(5.0))

    def wait_asleep(self):
        deadline = time.monotonic() + 5.0
        while self.deadlines._wake_at == -math.inf or self.deadlines._wake_at == math.inf:
            self.assertLess(time.monotonic(), deadline, "the deadline thread did not go back to sleep")
            time.sleep(0.001)

    def test_answered_entries_do_not_pile_up(self):
        for _ in range(1000):
            Deadlines.cancel(self.deadlines.add(30.0, lambda: None))
        self.assertLessEqual(len(self.deadlines._heap), 257)


if __name__ == "__main__":
    unittest.main()
