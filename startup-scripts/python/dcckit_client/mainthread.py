"""Running work on the DCC's main thread, with a bound on the wait.

DCC APIs (hou, bpy, ...) must only be touched from the main thread. A request
thread hands a Job to the main thread and waits at most `timeout` seconds. How
the job reaches the main thread is the host's choice, given as a Dispatcher:
  - deferred: the host's own "run this on the main thread later" function
    (Houdini's hdefereval.executeDeferred, a Blender bpy.app.timers drain);
  - queue: a process-wide queue that the main thread drains by calling pump()
    or serve_forever() (hython, a background Blender);
  - called on the main thread itself: run inline (queueing would deadlock).
A job that times out before it starts is cancelled and never runs; one that
already started keeps running and its result is discarded.
"""

import queue
import threading
import time

GUI = "gui"
QUEUE = "queue"

_PENDING, _RUNNING, _DONE, _CANCELLED = range(4)


def is_main_thread():
    return threading.current_thread() is threading.main_thread()


class Job:
    """fn to run on the main thread. on_done(result, error), when given, runs right after it, on the
    main thread (a reply sent from there saves a thread wake-up)."""

    def __init__(self, fn, label, on_done=None):
        self._fn = fn
        self.label = label
        self._on_done = on_done
        self._lock = threading.Lock()
        self._state = _PENDING
        # Only a job someone waits for needs an Event; one with on_done reports through it.
        self._finished = threading.Event() if on_done is None else None
        self._result = None
        self._error = None

    def run(self):
        """Runs on the main thread; never raises (except KeyboardInterrupt)."""
        with self._lock:
            if self._state != _PENDING:
                return
            self._state = _RUNNING
        try:
            self._result = self._fn()
        except BaseException as error:  # SystemExit from user code must not escape either
            self._error = error
            if isinstance(error, KeyboardInterrupt):
                self._finish()
                raise
        self._finish()

    def _finish(self):
        with self._lock:
            self._state = _DONE
        if self._finished is not None:
            self._finished.set()
        if self._on_done is not None:
            self._on_done(self._result, self._error)

    def expire(self, timeout, busy_reason, host_name):
        """At its deadline: the TimeoutError to answer with (a job not started is cancelled and will
        never run), or None when it is already done."""
        with self._lock:
            state = self._state
            if state == _PENDING:
                self._state = _CANCELLED
        if state == _DONE:
            return None
        if state == _PENDING:
            return TimeoutError(
                "%s did not start within %gs because %s; it was cancelled and will not run"
                % (self.label, timeout, busy_reason)
            )
        return TimeoutError(
            "%s did not finish within %gs; it is still running on %s's main thread "
            "and its result will be discarded (pass a larger args.timeout for long work)"
            % (self.label, timeout, host_name)
        )

    def wait(self, timeout, busy_reason, host_name):
        """Return the job's result or raise its exception, or TimeoutError. Only for a job without on_done."""
        self._finished.wait(timeout)
        with self._lock:
            state = self._state
            if state == _PENDING:
                self._state = _CANCELLED
        if state == _DONE:
            if self._error is not None:
                raise self._error
            return self._result
        if state == _PENDING:
            raise TimeoutError(
                "%s did not start within %gs because %s; it was cancelled and will not run"
                % (self.label, timeout, busy_reason)
            )
        raise TimeoutError(
            "%s did not finish within %gs; it is still running on %s's main thread "
            "and its result will be discarded (pass a larger args.timeout for long work)"
            % (self.label, timeout, host_name)
        )


# The queue is process-wide so pump() works whichever client is running.
_queue = queue.Queue()
_pumping = False


def pump(timeout=0.0, who="dcckit_client"):
    """Run queued main-thread work. Call on the main thread only.

    Runs everything already queued; if nothing is, waits up to `timeout` seconds
    for work to arrive and runs it. Returns how many jobs ran. Re-entrant calls
    (from inside a job) return 0.
    """
    global _pumping
    if not is_main_thread():
        raise RuntimeError("%s.pump() must be called on the main thread" % who)
    if _pumping:
        return 0
    _pumping = True
    try:
        ran = 0
        deadline = time.monotonic() + max(float(timeout), 0.0)
        while True:
            try:
                item = _queue.get_nowait()
            except queue.Empty:
                remaining = deadline - time.monotonic()
                if ran or remaining <= 0:
                    return ran
                try:
                    item = _queue.get(timeout=remaining)
                except queue.Empty:
                    return ran
            item()
            ran += 1
    finally:
        _pumping = False


def drain():
    """Run what is queued now, without waiting (a GUI timer's tick). Main thread only."""
    return pump(0.0)


def queue_is_empty():
    return _queue.empty()


def _nothing():
    pass


def wake():
    """End a pump() waiting for work now (it runs a no-op and returns)."""
    _queue.put(_nothing)


class Dispatcher:
    """Hands callables to the main thread.

    mode QUEUE: through the process-wide queue (pump()); mode GUI: through
    `defer`, the host's run-later function. `busy_reason` says, in a timeout
    error, why a queued job never started; `host_name` names the DCC.
    """

    def __init__(self, mode, defer=None, host_name="the DCC", busy_reason=None):
        if mode == GUI and defer is None:
            raise ValueError("a GUI dispatcher needs the host's defer function")
        self.mode = mode
        self.host_name = host_name
        self._defer = defer
        self.busy_reason = busy_reason or (
            "%s's main thread was busy" % host_name if mode == GUI
            else "nothing pumped %s's main thread" % host_name
        )

    def submit(self, fn):
        """Queue fn for the main thread without waiting."""
        if self.mode == GUI:
            self._defer(fn)
        else:
            _queue.put(fn)

    def start(self, job):
        """Hand a Job to the main thread (inline when called on it); its on_done reports the outcome."""
        if is_main_thread():
            job.run()
        else:
            self.submit(job.run)

    def call(self, fn, timeout, label):
        """Run fn on the main thread and return its result, waiting at most timeout s."""
        if is_main_thread():
            return fn()
        job = Job(fn, label)
        self.submit(job.run)
        return job.wait(timeout, self.busy_reason, self.host_name)
