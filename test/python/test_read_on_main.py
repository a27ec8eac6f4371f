"""serve_forever(read_on_main=True): the main thread reads the hub's socket and runs requests inline
(a background Blender); the client thread keeps the session and reads only while a request holds the
main thread."""

import os
import threading
import time
import unittest

import harness  # noqa: F401  (puts the packages on sys.path)
from harness import IsolatedEnv, SideThread
from fakehub import FakeHub

import dcckit_client
from dcckit_client import host as host_module
from dcckit_client import mainthread, pyexec

PATIENCE = 10.0


class CountingDispatcher(mainthread.Dispatcher):
    """The queue dispatcher of a batch host, counting the jobs handed to the main thread through the queue."""

    def __init__(self):
        mainthread.Dispatcher.__init__(self, mainthread.QUEUE, host_name="TestDCC")
        self.queued = 0

    def submit(self, fn):
        self.queued += 1
        mainthread.Dispatcher.submit(self, fn)


class ReadOnMainTest(unittest.TestCase):
    def setUp(self):
        self.assertIsNone(dcckit_client.client_thread(), "a client thread leaked from an earlier test")
        self.env = IsolatedEnv("dcckit-read-on-main-")
        self.log = self.env.log
        while not mainthread._queue.empty():
            mainthread._queue.get_nowait()
        pyexec.namespace_modules = ()
        self.hub = FakeHub()
        os.environ["DCC_KIT_PORT"] = str(self.hub.port)
        os.environ["DCC_KIT_TOKEN"] = self.hub.token
        self.quit = threading.Event()
        self.dispatcher = CountingDispatcher()
        self.ran_on = []
        requests = dict(pyexec.COMMON_REQUESTS)
        requests["where"] = (lambda args: threading.current_thread().name, True)
        requests["quit"] = (lambda args: self.quit.set() or "bye", True)
        self.host = host_module.Host("testdcc", "TestDCC", host_module.HostInfo(), requests)
        dcckit_client.start(lambda: self.host, lambda: self.dispatcher)
        self.client = dcckit_client.running_client()

    def tearDown(self):
        dcckit_client.stop()
        self.hub.close()
        self.env.restore()
        self.assertNotIn(self.hub.token, self.log.getvalue(), "the token reached the log")

    def serve(self, steps):
        """Run `steps` as the hub on a side thread while the main thread serves with read_on_main."""
        def act_then_quit():
            try:
                steps()
            finally:
                self.quit.set()

        side = SideThread(act_then_quit)
        side.start()
        dcckit_client.serve_forever(until=self.quit, poll_interval=0.02, read_on_main=True)
        side.finished.wait(PATIENCE)
        side.check()

    def until(self, what, condition):
        deadline = time.monotonic() + PATIENCE
        while not condition():
            if time.monotonic() > deadline:
                self.fail("%s: not within %gs; log:\n%s" % (what, PATIENCE, self.log.getvalue()))
            time.sleep(0.005)

    def test_the_main_thread_reads_and_runs_requests_inline(self):
        hub_side = self.hub.session(0)
        seen = {}

        def act_as_the_hub():
            self.until("the main thread reads the socket", self.client._turns.main_reads)
            seen["evals"] = [hub_side.request("python.eval", {"expr": "%d * 2" % i}).wait()["result"] for i in range(50)]
            seen["where"] = hub_side.request("where").wait()["result"]
            seen["ping"] = hub_side.request("ping").wait()["result"]
            seen["error"] = hub_side.request("python.eval", {"expr": "1 / 0"}).wait()["error"]
            seen["quit"] = hub_side.request("quit").wait()["result"]

        self.serve(act_as_the_hub)
        self.assertEqual(seen["evals"], [i * 2 for i in range(50)])
        self.assertEqual(seen["where"], threading.main_thread().name)
        self.assertEqual(seen["ping"], "pong")
        self.assertEqual(seen["error"]["name"], "ZeroDivisionError")
        self.assertEqual(seen["quit"], "bye", "the reply to the request that ended serving went out")
        self.assertEqual(self.dispatcher.queued, 0, "no request went through the main-thread queue")
        self.assertEqual(len(self.hub.connections), 1)
        self.assertFalse(self.client._turns.main_reads(), "the client thread reads again after serving ends")
        self.assertEqual(self.hub.session(0).request("ping").wait()["result"], "pong")

    def test_a_request_holding_the_main_thread_lets_the_client_thread_read(self):
        hub_side = self.hub.session(0)
        release = threading.Event()
        pyexec._namespace_for_user_code()["release"] = release
        seen = {}

        def act_as_the_hub():
            self.until("the main thread reads the socket", self.client._turns.main_reads)
            slow = hub_side.request("python.exec", {"code": "release.wait(%g)\nheld = True" % PATIENCE})
            # Answered by the client thread while the main thread is held.
            seen["ping"] = hub_side.request("ping").wait()["result"]
            # Waits for the main thread past its own timeout: answered as never started, and never run.
            seen["late"] = hub_side.request("python.exec", {"code": "late = True", "timeout": 3}).wait()["error"]
            release.set()
            seen["slow"] = slow.wait(PATIENCE)
            seen["after"] = hub_side.request("python.eval", {"expr": "[held, 'late' in globals()]"}).wait()["result"]
            # The main thread gets the socket back once idle: later requests run inline again.
            self.until("the socket back on the main thread", self.client._turns.main_reads)
            queued = self.dispatcher.queued
            seen["inline"] = hub_side.request("where").wait()["result"]
            seen["queued_after"] = self.dispatcher.queued - queued

        self.serve(act_as_the_hub)
        self.assertEqual(seen["ping"], "pong")
        self.assertEqual(seen["late"]["name"], "TimeoutError")
        self.assertRegex(seen["late"]["message"], r"python\.exec did not start within 3s because .*will not run")
        self.assertNotIn("error", seen["slow"])
        self.assertEqual(seen["after"], [True, False], "the request that timed out never ran")
        self.assertEqual(seen["inline"], threading.main_thread().name)
        self.assertEqual(seen["queued_after"], 0)
        self.assertEqual(len(self.hub.connections), 1, "the session survived the hand-overs")

    def test_the_hub_going_away_while_the_main_thread_reads_reconnects(self):
        first = self.hub.session(0)
        seen = {}

        def act_as_the_hub():
            self.until("the main thread reads the socket", self.client._turns.main_reads)
            first.close()
            second = self.hub.session(1, PATIENCE)
            seen["eval"] = second.request("python.eval", {"expr": "'back'"}).wait()["result"]
            self.until("the socket back on the main thread", self.client._turns.main_reads)
            seen["where"] = second.request("where").wait()["result"]

        self.serve(act_as_the_hub)
        self.assertEqual(seen["eval"], "back")
        self.assertEqual(seen["where"], threading.main_thread().name)

    def test_stop_while_the_main_thread_reads_ends_serving_and_the_thread(self):
        self.hub.session(0)

        def act_as_the_hub():
            self.until("the main thread reads the socket", self.client._turns.main_reads)
            dcckit_client.stop(timeout=PATIENCE)

        self.serve(act_as_the_hub)
        self.assertIsNone(dcckit_client.client_thread())


if __name__ == "__main__":
    unittest.main()
