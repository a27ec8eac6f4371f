"""Shared setup for the dcckit_houdini tests: paths, stubs, a base TestCase."""

import io
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
STUBS = os.path.join(HERE, "stubs")
HOUDINI_ROOT = os.path.join(REPO, "startup-scripts", "houdini")
PACKAGE_PARENT = os.path.join(HOUDINI_ROOT, "python")
# The shared client for Python hosts (dcckit_client).
SHARED_PARENT = os.path.join(REPO, "startup-scripts", "python")

for _path in (STUBS, SHARED_PARENT, PACKAGE_PARENT):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import hdefereval  # noqa: E402  (the stub)
import hou  # noqa: E402  (the stub)

import dcckit_houdini  # noqa: E402
from dcckit_client import client, log, pyexec  # noqa: E402
from dcckit_houdini import handlers, mainthread  # noqa: E402

from fakehub import FakeHub  # noqa: E402

_ENV_KEYS = ("DCC_KIT_PORT", "DCC_KIT_TOKEN", "DCC_KIT_HOME", "DCC_KIT_CALL_TIMEOUT",
             "DCC_KIT_HOUDINI_ROOT", "DCC_KIT_DEBUG")


def write_runtime_file(home, record):
    folder = os.path.join(home, "run")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "hub.json"), "w") as handle:
        json.dump(record, handle)


def free_port():
    """A loopback port nothing listens on (bound then released)."""
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


class IsolatedEnv(object):
    """For one test: a temp folder as DCC_KIT_HOME, the client's environment variables cleared (put back by
    restore()), debug logging into `self.log`."""

    def __init__(self, prefix):
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self._saved_env = {key: os.environ.get(key) for key in _ENV_KEYS}
        for key in _ENV_KEYS:
            os.environ.pop(key, None)
        os.environ["DCC_KIT_HOME"] = os.path.join(self.tmp, "home")
        os.environ["DCC_KIT_DEBUG"] = "1"
        pyexec._namespace = None
        self.log = io.StringIO()
        log.stream = self.log

    def restore(self):
        log.stream = None
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(self.tmp, ignore_errors=True)


class HoudiniTestCase(unittest.TestCase):
    """A fresh stub Houdini (GUI unless ui = False), a fake hub, a temp DCC_KIT_HOME."""

    ui = True

    def setUp(self):
        self.assertIsNone(dcckit_houdini._client_thread(), "a client thread leaked from an earlier test")
        self.env = IsolatedEnv("dcckit-houdini-test-")
        self.tmp = self.env.tmp
        self.log = self.env.log
        hou._reset(ui=self.ui, cwd=self.tmp)
        hdefereval._reset()
        while not mainthread._queue.empty():
            mainthread._queue.get_nowait()
        self.hubs = []
        self.hub = self.new_hub()

    def tearDown(self):
        dcckit_houdini.stop()
        for hub in self.hubs:
            hub.close()
        self.env.restore()
        self.assertEqual(hou._violations, [], "hou was called off the main thread")
        self.assertEqual(hdefereval._errors, [], "a deferred callable raised into the event loop")
        for hub in self.hubs:
            self.assertNotIn(hub.token, self.log.getvalue(), "the token reached the log")

    # ---- helpers ----

    def new_hub(self, **options):
        hub = FakeHub(**options)
        self.hubs.append(hub)
        return hub

    def point_env_at(self, hub):
        os.environ["DCC_KIT_PORT"] = str(hub.port)
        os.environ["DCC_KIT_TOKEN"] = hub.token

    def start_connected(self, hub=None):
        """Start the client against `hub` (by environment); return the hub-side connection."""
        hub = hub or self.hub
        self.point_env_at(hub)
        dcckit_houdini.start()
        connection = hub.session(0)
        self.wait_connected()
        return connection

    def wait_connected(self, timeout=5.0):
        """Until the client has processed the hub's hello reply."""
        deadline = time.monotonic() + timeout
        while not dcckit_houdini.status()["connected"]:
            if time.monotonic() > deadline:
                self.fail("the client did not finish its hello; log:\n%s" % self.log.getvalue())
            time.sleep(0.005)

    def run_main_loop(self, until, timeout=5.0):
        """Play Houdini's main thread (event loop or hython pump) until until() is true."""
        deadline = time.monotonic() + timeout
        while not until():
            if time.monotonic() > deadline:
                self.fail("condition not met within %gs; log:\n%s" % (timeout, self.log.getvalue()))
            if self.ui:
                hdefereval._run_pending(0.01)
            else:
                dcckit_houdini.pump(0.01)

    def call(self, connection, name, args=None, timeout=5.0, form=None):
        waiting = connection.request(name, args, form)
        self.run_main_loop(waiting.done, timeout)
        return waiting.message

    def result(self, connection, name, args=None, **options):
        message = self.call(connection, name, args, **options)
        self.assertNotIn("error", message, "unexpected error reply: %r" % (message,))
        self.assertIs(message["reply"], True)
        return message["result"]

    def error(self, connection, name, args=None, **options):
        message = self.call(connection, name, args, **options)
        self.assertIn("error", message, "expected an error reply: %r" % (message,))
        self.assertNotIn("result", message)
        return message["error"]


class SideThread(threading.Thread):
    """Runs test steps off the main thread (while the main thread is busy in Houdini)."""

    def __init__(self, steps):
        threading.Thread.__init__(self, name="test-side", daemon=True)
        self._steps = steps
        self.error = None
        self.finished = threading.Event()

    def run(self):
        try:
            self._steps()
        except BaseException as error:
            self.error = error
        finally:
            self.finished.set()

    def check(self):
        if self.error is not None:
            raise self.error
