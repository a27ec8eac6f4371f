"""Who reads the hub connection when the host's main thread serves it itself.

A host with no event loop of its own (a background Blender) can let its main
thread read the socket and run each request inline: one thread wake-up per
request instead of two (socket thread, then main thread). The client thread
still owns the session (connect, hello, reconnect) and stands by:

  - while the main thread is stuck in one request for longer than GRACE, the
    client thread takes the socket over: it answers pings and queues the
    main-thread requests with their deadlines, so a request that waits too
    long is cancelled and answered exactly as with a reader thread;
  - once the main thread is idle again (nothing queued, no request running)
    the client thread hands the socket back.

Only the reader of the moment touches the socket's read side and its frame
decoder. A turn changes hands only between reads: the client thread takes
it while the main thread is inside a request, never while it reads; the
main thread gets it back from the client thread between two of its reads.
"""

import threading
import time

from . import mainthread

# How long the main thread may run one request before the client thread reads for it.
GRACE = 0.1
# How often the standing-by client thread looks at the main thread.
WATCH_INTERVAL = 0.05

MAIN = "main"
CLIENT = "client"


class ReadTurns:
    def __init__(self):
        self._lock = threading.Lock()
        self._reader = CLIENT
        self._main_serving = False
        self._busy_since = None

    # ---- the main thread ------------------------------------------------------

    def claim(self):
        """The main thread starts serving: the client thread hands it the socket at its next turn."""
        with self._lock:
            self._main_serving = True

    def release(self):
        """The main thread stops serving (and reading): the client thread reads again."""
        with self._lock:
            self._main_serving = False
            self._reader = CLIENT
            self._busy_since = None

    def main_reads(self):
        with self._lock:
            return self._reader == MAIN

    def give_back(self):
        """The main thread saw its connection end: the client thread must read (and dispose of) it."""
        with self._lock:
            self._reader = CLIENT

    def run_busy(self, fn):
        """Run fn on the main thread, marked busy so the client thread can read meanwhile."""
        with self._lock:
            self._busy_since = time.monotonic()
        try:
            return fn()
        finally:
            with self._lock:
                self._busy_since = None

    # ---- the client thread ----------------------------------------------------

    def client_reads(self):
        with self._lock:
            return self._reader == CLIENT

    def main_serving(self):
        with self._lock:
            return self._main_serving

    def take_over_if_stuck(self):
        """True when the main thread has been in one request past GRACE: the socket is now the client thread's."""
        with self._lock:
            if self._reader == MAIN and self._busy_since is not None and time.monotonic() - self._busy_since > GRACE:
                self._reader = CLIENT
                return True
            return False

    def hand_back_if_idle(self):
        """True when the main thread serves, runs nothing and has nothing queued: it reads from now on."""
        with self._lock:
            if not self._main_serving or self._reader == MAIN or self._busy_since is not None:
                return False
            if not mainthread.queue_is_empty():
                return False
            self._reader = MAIN
        mainthread.wake()  # the main thread may be waiting on its queue
        return True
