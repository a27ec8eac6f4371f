"""Batch mode: hython has no UI event loop; the main thread pumps a queue."""

import threading
import time
import unittest

from harness import HoudiniTestCase, SideThread, dcckit_houdini, hdefereval, mainthread


class HythonTest(HoudiniTestCase):
    ui = False

    def test_requests_wait_for_the_pump_and_never_use_hdefereval(self):
        hub_side = self.start_connected()
        self.assertEqual(dcckit_houdini.status()["mode"], "queue")
        waiting = hub_side.request("python.eval", {"expr": "hou.applicationVersionString()"})
        # Without a pump the request sits in the queue...
        deadline = time.monotonic() + 2
        while mainthread._queue.empty() and time.monotonic() < deadline:
            time.sleep(0.005)
        self.assertFalse(waiting.done())
        self.assertEqual(hdefereval._queue, type(hdefereval._queue)())
        # ...and runs on the main thread when pumped.
        self.assertEqual(dcckit_houdini.pump(1.0), 1)
        self.assertEqual(waiting.wait()["result"], "20.5.278")

    def test_ping_needs_no_pump(self):
        hub_side = self.start_connected()
        self.assertEqual(hub_side.request("ping").wait()["result"], "pong")

    def test_unpumped_requests_time_out_with_advice(self):
        hub_side = self.start_connected()
        error = hub_side.request("hip.info", {"timeout": 0.2}).wait()["error"]
        self.assertEqual(error["name"], "TimeoutError")
        self.assertIn("serve_forever", error["message"])
        # The cancelled job is skipped when the pump finally runs.
        self.assertEqual(self.result(hub_side, "python.eval", {"expr": "'still serving'"}), "still serving")

    def test_serve_forever_until_an_event(self):
        hub_side = self.start_connected()
        stop = threading.Event()
        seen = {}

        def act_as_the_hub():
            seen["info"] = hub_side.request("hip.info").wait()
            seen["nodes"] = hub_side.request("python.exec", {
                "code": "hou.node('/obj').createNode('geo')"}).wait()
            stop.set()

        side = SideThread(act_as_the_hub)
        side.start()
        dcckit_houdini.serve_forever(until=stop, poll_interval=0.02)
        side.check()
        self.assertEqual(seen["info"]["result"]["fps"], 24)
        self.assertNotIn("error", seen["nodes"])

    def test_pump_and_serve_forever_refuse_other_threads(self):
        errors = []

        def off_main():
            for call in (dcckit_houdini.pump, dcckit_houdini.serve_forever):
                try:
                    call()
                except RuntimeError as error:
                    errors.append(str(error))

        thread = threading.Thread(target=off_main)
        thread.start()
        thread.join(5)
        self.assertEqual(len(errors), 2)
        self.assertIn("main thread", errors[0])

    def test_pump_returns_zero_when_idle(self):
        self.assertEqual(dcckit_houdini.pump(0.02), 0)
        self.assertEqual(dcckit_houdini.pump(), 0)


if __name__ == "__main__":
    unittest.main()
