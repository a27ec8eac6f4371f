"""A stand-in for Houdini's `hdefereval`, driven by the test's main loop.

Real hdefereval queues work that Houdini's UI event loop runs on the main thread
when idle; it exists only in graphical Houdini. Here executeDeferred queues to a
list that the test drains on the main thread with _run_pending(), playing the
event loop. Calls while hou reports no UI fail, as there is no loop to run them.
"""

import collections
import threading

import hou

_cond = threading.Condition()
_queue = collections.deque()
_errors = []


def _reset():
    with _cond:
        _queue.clear()
    del _errors[:]


def _require_ui():
    if not hou._state["ui"]:
        raise RuntimeError("hdefereval needs graphical Houdini's event loop (hou.isUIAvailable() is False)")


def _as_callable(code, args, kwargs):
    if callable(code):
        return lambda: code(*args, **kwargs)
    return lambda: eval(code)


def executeDeferred(code, *args, **kwargs):
    _require_ui()
    with _cond:
        _queue.append(_as_callable(code, args, kwargs))
        _cond.notify_all()


def executeDeferredAfterWaiting(code, num_waits, *args, **kwargs):
    executeDeferred(code, *args, **kwargs)


def executeInMainThreadWithResult(code, *args, **kwargs):
    """Blocks the caller with no time limit until the main loop ran `code`."""
    _require_ui()
    work = _as_callable(code, args, kwargs)
    if threading.current_thread() is threading.main_thread():
        return work()
    done = threading.Event()
    box = {}

    def run():
        try:
            box["value"] = work()
        except BaseException as error:
            box["error"] = error
        done.set()

    with _cond:
        _queue.append(run)
        _cond.notify_all()
    done.wait()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _run_pending(timeout=0.0):
    """Test helper (main thread): run queued work; wait up to `timeout` for the first."""
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("the Houdini event loop runs on the main thread")
    with _cond:
        if not _queue and timeout > 0:
            _cond.wait(timeout)
        batch = list(_queue)
        _queue.clear()
    for work in batch:
        try:
            work()
        except Exception as error:  # Houdini prints these and keeps going
            _errors.append(error)
    return len(batch)
