"""One thread that fires callbacks at deadlines (the timeouts of requests waiting for the main thread).

Cheaper than a thread per request: a request costs a heap entry, and its reply is sent by whoever
finishes first, the main thread (done) or this thread (timed out).
"""

import heapq
import itertools
import math
import threading
import time

THREAD_NAME = "dcckit-deadlines"


class Deadlines:
    def __init__(self):
        # add() takes the plain lock (a C-level context manager); the thread waits on a Condition over it.
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._heap = []
        self._order = itertools.count()
        self._thread = None
        self._stopped = False
        # When the sleeping thread wakes up next on its own (inf: never; -inf: it is awake and will look again).
        self._wake_at = -math.inf

    def add(self, seconds, fn):
        """Calls fn() on the deadline thread in `seconds`, unless the entry's cancel() ran first."""
        entry = [time.monotonic() + seconds, next(self._order), fn]
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
                self._thread.start()
            # Entries already answered are dropped from the front as they pile up.
            while len(self._heap) > 256 and self._heap[0][2] is None:
                heapq.heappop(self._heap)
            heapq.heappush(self._heap, entry)
            # The thread sleeps until the earliest deadline it knew of, answered or not: only an entry due
            # before that wakes it (one wake-up per request would cost more than the request).
            if entry[0] < self._wake_at:
                self._cond.notify()
        return entry

    @staticmethod
    def cancel(entry):
        entry[2] = None

    def stop(self):
        with self._cond:
            self._stopped = True
            self._cond.notify()

    def _run(self):
        while True:
            with self._cond:
                while True:
                    if self._stopped:
                        return
                    now = time.monotonic()
                    if self._heap and self._heap[0][0] <= now:
                        break
                    self._wake_at = self._heap[0][0] if self._heap else math.inf
                    self._cond.wait(None if not self._heap else self._heap[0][0] - now)
                    self._wake_at = -math.inf
                _, _, fn = heapq.heappop(self._heap)
            if fn is not None:
                fn()
