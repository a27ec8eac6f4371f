"""One-line diagnostics for the DCC's console.

Writes to the interpreter's original stderr so that output captured by
python.exec (which swaps sys.stdout/sys.stderr) never swallows our lines, and
our lines never leak into a caller's captured output. Never pass secrets here.
"""

import os
import sys
import threading

PREFIX = "[dcc-kit] "

# Tests point this at a buffer; None means the process's original stderr.
stream = None

_lock = threading.Lock()


def _write(text):
    target = stream if stream is not None else (sys.__stderr__ or sys.stderr)
    if target is None:
        return
    with _lock:
        try:
            target.write(PREFIX + text + "\n")
            target.flush()
        except (OSError, ValueError):
            pass


def info(text):
    _write(text)


def debug(text):
    if os.environ.get("DCC_KIT_DEBUG", "") not in ("", "0"):
        _write(text)
