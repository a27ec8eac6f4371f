"""The hub connection: hello, timeouts, reconnection, bad frames, singleton, discovery."""

import os
import struct
import sys
import threading
import time
import unittest

from fakehub import frame_binary, frame_text
from harness import (HoudiniTestCase, SideThread, client, dcckit_houdini, free_port,
                     handlers, hou, pyexec, write_runtime_file)


class HelloTest(HoudiniTestCase):
    def test_hello_is_the_first_frame_with_token_and_identity(self):
        hub_side = self.start_connected()
        form, hello = hub_side.received[0]
        self.assertEqual(form, "binary")
        self.assertEqual(hello["request"], "hello")
        self.assertIsInstance(hello["message_id"], int)
        self.assertEqual(hello["args"], {
            "protocol": 1,
            "token": self.hub.token,
            "role": "dcc",
            "dcc": "houdini",
            "version": "20.5.278",
            "pid": os.getpid(),
            "scene": os.path.join(self.tmp, "untitled.hip").replace("\\", "/"),
        })
        status = dcckit_houdini.status()
        self.assertEqual(status["session"], hub_side.session_id)
        self.assertTrue(status["connected"])
        self.assertEqual(status["mode"], "gui")
        self.assertNotIn(self.hub.token, repr(status))

    def test_a_refused_hello_executes_nothing_and_is_retried(self):
        os.environ["DCC_KIT_PORT"] = str(self.hub.port)
        os.environ["DCC_KIT_TOKEN"] = "not-the-token"
        dcckit_houdini.start()
        self.hub.wait_connections(2)  # refused, then tried again after the backoff
        self.assertEqual(self.hub.sessions, [])
        self.assertIn("refused this Houdini: AuthenticationError: bad token", self.log.getvalue())
        self.assertNotIn("not-the-token", self.log.getvalue())

    def test_a_stale_environment_falls_back_to_the_runtime_file(self):
        os.environ["DCC_KIT_PORT"] = str(free_port())
        os.environ["DCC_KIT_TOKEN"] = "stale-token"
        write_runtime_file(os.environ["DCC_KIT_HOME"], self.hub.runtime_record())
        dcckit_houdini.start()
        hub_side = self.hub.session(0)
        self.assertEqual(hub_side.hello["args"]["token"], self.hub.token)
        self.assertEqual(self.result(hub_side, "python.eval", {"expr": "6 * 7"}), 42)


class RuntimeFileTest(HoudiniTestCase):
    def test_discovery_without_environment_and_a_hub_restart(self):
        home = os.environ["DCC_KIT_HOME"]
        self.assertNotIn("DCC_KIT_PORT", os.environ)
        write_runtime_file(home, self.hub.runtime_record())
        dcckit_houdini.start()
        first = self.hub.session(0)
        self.assertEqual(self.result(first, "hip.info")["fps"], 24)

        # The hub restarts on another port with a new token and rewrites its file.
        restarted = self.new_hub()
        write_runtime_file(home, restarted.runtime_record())
        self.hub.close()
        second = restarted.session(0)
        self.assertEqual(second.hello["args"]["token"], restarted.token)
        self.assertEqual(self.result(second, "python.eval", {"expr": "'back'"}), "back")

    def test_no_hub_at_all_is_reported_and_retried(self):
        dcckit_houdini.start()
        deadline = time.monotonic() + 5
        while "no hub to connect to" not in self.log.getvalue() and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertIn("hub.json", self.log.getvalue())
        write_runtime_file(os.environ["DCC_KIT_HOME"], self.hub.runtime_record())
        self.hub.session(0)  # found as soon as the file appears


class TimeoutTest(HoudiniTestCase):
    def test_code_that_never_returns_times_out_while_ping_and_later_requests_work(self):
        hub_side = self.start_connected()
        gate, started = threading.Event(), threading.Event()
        namespace = pyexec._namespace_for_user_code()
        namespace.update(gate=gate, started=started)
        replies = {}

        def while_the_main_thread_is_stuck():
            started.wait(5)
            replies["stuck"] = blocker.wait()
            replies["ping"] = hub_side.request("ping").wait()
            replies["cancelled"] = hub_side.request(
                "python.exec", {"code": "cancelled_ran = True", "timeout": 0.2}).wait()
            replies["queued"] = hub_side.request("python.eval", {"expr": "2 + 2"})
            gate.set()

        # The exec blocks the main thread (inside run_main_loop) until the side
        # thread, acting as the hub, has checked everything and opened the gate.
        blocker = hub_side.request("python.exec", {"code": "started.set()\ngate.wait(10)", "timeout": 0.3})
        side = SideThread(while_the_main_thread_is_stuck)
        side.start()
        self.run_main_loop(lambda: side.finished.is_set() and replies["queued"].done())
        side.check()

        stuck = replies["stuck"]["error"]
        self.assertEqual(stuck["name"], "TimeoutError")
        self.assertIn("still running", stuck["message"])
        self.assertEqual(replies["ping"]["result"], "pong")
        cancelled = replies["cancelled"]["error"]
        self.assertEqual(cancelled["name"], "TimeoutError")
        self.assertIn("did not start", cancelled["message"])
        # Queued while the main thread was stuck, it ran once the thread freed up.
        self.assertEqual(replies["queued"].message["result"], 4)
        # The cancelled job never ran, even after the main thread freed up.
        self.assertIs(self.result(hub_side, "python.eval", {"expr": "'cancelled_ran' in globals()"}), False)

    def test_the_default_timeout_comes_from_the_environment(self):
        os.environ["DCC_KIT_CALL_TIMEOUT"] = "0.2"
        hub_side = self.start_connected()
        waiting = hub_side.request("hip.info")  # nobody runs the main loop
        error = waiting.wait()["error"]
        self.assertEqual(error["name"], "TimeoutError")
        self.assertIn("0.2s", error["message"])
        self.assertIn("busy", error["message"])

    def test_too_many_requests_in_flight_are_refused(self):
        hub_side = self.start_connected()
        limit = client.MAX_IN_FLIGHT
        client.MAX_IN_FLIGHT = 2
        try:
            pending = [hub_side.request("hip.info", {"timeout": 5}) for _ in range(3)]
            deadline = time.monotonic() + 5
            while not any(w.done() for w in pending) and time.monotonic() < deadline:
                time.sleep(0.01)
            busy = [w.message for w in pending if w.done()]
            self.assertEqual(len(busy), 1)
            self.assertEqual(busy[0]["error"]["name"], "BusyError")
            self.run_main_loop(lambda: all(w.done() for w in pending))
        finally:
            client.MAX_IN_FLIGHT = limit


class ReconnectTest(HoudiniTestCase):
    def test_the_hub_going_away_mid_request(self):
        first = self.start_connected()
        gate, started = threading.Event(), threading.Event()
        pyexec._namespace_for_user_code().update(gate=gate, started=started)
        seen = {}

        def drop_the_connection():
            started.wait(5)
            first.close()
            second = self.hub.session(1)
            seen["ping"] = second.request("ping").wait()
            gate.set()

        orphan = first.request("python.exec", {"code": "started.set()\ngate.wait(10)\nprint('done')"})
        side = SideThread(drop_the_connection)
        side.start()
        self.run_main_loop(side.finished.is_set)
        side.check()
        self.assertEqual(seen["ping"]["result"], "pong")
        self.assertFalse(orphan.done())  # its reply had nowhere to go
        second = self.hub.session(1)
        self.assertEqual(self.result(second, "python.eval", {"expr": "1 + 1"}), 2)
        self.assertTrue(dcckit_houdini._client_thread().is_alive())

    def test_a_bad_magic_drops_the_connection_and_reconnects(self):
        first = self.start_connected()
        first.send_raw(b"XY" + struct.pack(">I", 2) + b"{}")
        first.closed.wait(5)
        second = self.hub.session(1)
        self.assertIn("bad frame magic", self.log.getvalue())
        self.assertEqual(self.result(second, "ping"), "pong")

    def test_an_oversize_frame_drops_the_connection_in_either_form(self):
        first = self.start_connected()
        first.send_raw(b"AH" + struct.pack(">I", 64 * 1024 * 1024 + 1))
        first.closed.wait(5)
        second = self.hub.session(1)
        second.send_raw(b"AH" + b"%08x" % (64 * 1024 * 1024 + 1))
        second.closed.wait(5)
        third = self.hub.session(2)
        self.assertIn("over the", self.log.getvalue())
        self.assertEqual(self.result(third, "ping"), "pong")

    def test_a_payload_that_is_not_a_json_object_drops_the_connection(self):
        first = self.start_connected()
        first.send_raw(b"AH" + struct.pack(">I", 3) + b"[1]")
        first.closed.wait(5)
        self.assertEqual(self.result(self.hub.session(1), "ping"), "pong")


class FramingOverTheWireTest(HoudiniTestCase):
    def test_split_frames(self):
        hub_side = self.start_connected()
        message, waiting = hub_side.prepare("python.eval", {"expr": "'d\u00e9j\u00e0 vu \u2713'"})
        data = frame_text(message)
        for index in range(0, len(data), 3):  # three bytes at a time, multi-byte UTF-8 cut apart
            hub_side.send_raw(data[index:index + 3])
            time.sleep(0.002)
        self.run_main_loop(waiting.done)
        self.assertEqual(waiting.message["result"], "d\u00e9j\u00e0 vu \u2713")

    def test_coalesced_frames_of_both_forms(self):
        hub_side = self.start_connected()
        first, first_reply = hub_side.prepare("ping")
        second, second_reply = hub_side.prepare("python.eval", {"expr": "'second'"})
        third, third_reply = hub_side.prepare("ping")
        hub_side.send_raw(frame_binary(first) + frame_text(second) + frame_binary(third))
        self.run_main_loop(lambda: first_reply.done() and second_reply.done() and third_reply.done())
        self.assertEqual(first_reply.message["result"], "pong")
        self.assertEqual(second_reply.message["result"], "second")
        self.assertEqual(third_reply.message["result"], "pong")

    def test_replies_to_unknown_ids_are_ignored(self):
        hub_side = self.start_connected()
        hub_side.send({"message_id": 999, "reply": True, "result": "nobody asked"})
        self.assertEqual(self.result(hub_side, "ping"), "pong")


class SingletonTest(HoudiniTestCase):
    def test_start_twice_starts_one_thread(self):
        self.point_env_at(self.hub)
        first = dcckit_houdini.start()
        from_other_thread = []
        other = threading.Thread(target=lambda: from_other_thread.append(dcckit_houdini.start()))
        other.start()
        other.join(5)
        self.assertIs(dcckit_houdini.start(), first)
        self.assertIs(from_other_thread[0], first)
        self.assertEqual(first.name, "dcckit-hub-client")
        self.assertTrue(first.daemon)
        self.hub.session(0)
        named = [t for t in threading.enumerate() if t.name == "dcckit-hub-client"]
        self.assertEqual(named, [first])
        self.assertEqual(len(self.hub.connections), 1)

    def test_a_reloaded_module_finds_the_running_thread_by_name(self):
        self.point_env_at(self.hub)
        first = dcckit_houdini.start()
        saved = {name: module for name, module in sys.modules.items() if name.startswith("dcckit_houdini")}
        try:
            for name in saved:
                del sys.modules[name]
            import dcckit_houdini as fresh

            self.assertIsNot(fresh, dcckit_houdini)
            self.assertIs(fresh.start(), first)
        finally:
            for name in [n for n in sys.modules if n.startswith("dcckit_houdini")]:
                del sys.modules[name]
            sys.modules.update(saved)

    def test_stop_then_start_again(self):
        self.point_env_at(self.hub)
        first = dcckit_houdini.start()
        self.hub.session(0)
        self.assertTrue(dcckit_houdini.stop())
        self.assertFalse(first.is_alive())
        self.assertFalse(dcckit_houdini.stop())
        second = dcckit_houdini.start()
        self.assertIsNot(second, first)
        self.assertEqual(self.result(self.hub.session(1), "ping"), "pong")


class SceneEventTest(HoudiniTestCase):
    def wait_events(self, count):
        self.run_main_loop(lambda: len(self.hub.events) >= count)

    def test_save_load_and_clear_are_reported(self):
        hub_side = self.start_connected()
        target = os.path.join(self.tmp, "a.hip").replace("\\", "/")
        self.result(hub_side, "hip.save", {"path": target})
        self.wait_events(1)
        self.result(hub_side, "hip.open", {"path": target})
        self.wait_events(2)
        hou.hipFile.clear()  # the artist's File > New, on the main thread
        self.wait_events(3)
        self.assertEqual(self.hub.events, [
            {"type": "scene.changed", "scene": target, "cause": "save"},
            {"type": "scene.changed", "scene": target, "cause": "load"},
            {"type": "scene.changed", "scene": os.path.join(self.tmp, "untitled.hip").replace("\\", "/"),
             "cause": "clear"},
        ])
        self.assertEqual(hou._state["callback_errors"], [])

    def test_the_next_hello_carries_the_new_scene(self):
        first = self.start_connected()
        target = os.path.join(self.tmp, "b.hip").replace("\\", "/")
        self.result(first, "hip.save", {"path": target})
        first.close()
        self.assertEqual(self.hub.session(1).hello["args"]["scene"], target)

    def test_an_error_reply_to_an_event_is_tolerated(self):
        self.hub.event_error = True
        hub_side = self.start_connected()
        self.result(hub_side, "hip.save", {"path": os.path.join(self.tmp, "c.hip")})
        self.wait_events(1)
        self.assertEqual(self.result(hub_side, "ping"), "pong")
        self.assertIs(hub_side.closed.is_set(), False)

    def test_events_while_disconnected_are_dropped_quietly(self):
        dcckit_houdini.start()  # no hub configured
        hou.hipFile.save(os.path.join(self.tmp, "d.hip"))
        self.assertEqual(hou._state["callback_errors"], [])

    def test_one_callback_even_after_restarts(self):
        self.point_env_at(self.hub)
        dcckit_houdini.start()
        dcckit_houdini.stop()
        dcckit_houdini.start()
        self.assertEqual(len(hou.hipFile.eventCallbacks()), 1)


if __name__ == "__main__":
    unittest.main()
