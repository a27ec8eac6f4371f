"""Every named request, served through a real socket from the fake hub (GUI Houdini)."""

import json
import linecache
import os
import unittest

from harness import HoudiniTestCase, hou, handlers, pyexec
from dcckit_client import framing


class NamedRequestTest(HoudiniTestCase):
    def setUp(self):
        HoudiniTestCase.setUp(self)
        self.hub_side = self.start_connected()

    def test_ping_answers_pong_without_the_main_thread(self):
        # No main loop is run here: ping must not need it.
        self.assertEqual(self.hub_side.request("ping").wait()["result"], "pong")

    def test_python_exec_captures_output_and_keeps_its_namespace(self):
        result = self.result(self.hub_side, "python.exec", {
            "code": "import sys\nanswer = 41\nprint('to stdout')\nprint('to stderr', file=sys.stderr)",
        })
        self.assertEqual(result, {"stdout": "to stdout\n", "stderr": "to stderr\n"})
        self.assertEqual(self.result(self.hub_side, "python.eval", {"expr": "answer + 1"}), 42)

    def test_python_exec_can_use_hou_which_runs_on_the_main_thread(self):
        self.result(self.hub_side, "python.exec", {"code": "hou.node('/obj').createNode('geo', 'box')"})
        self.assertEqual([child.name() for child in hou.node("/obj").children()], ["box"])

    def test_python_eval_returns_json_values(self):
        value = self.result(self.hub_side, "python.eval", {"expr": "{'fps': hou.fps(), 'list': (1, 'two', None)}"})
        self.assertEqual(value, {"fps": 24.0, "list": [1, "two", None]})

    def test_code_that_raises_gives_a_structured_error_with_the_traceback(self):
        error = self.error(self.hub_side, "python.exec", {
            "code": "def explode():\n    raise ValueError('boom')\n\nexplode()",
        })
        self.assertEqual(error["name"], "ValueError")
        self.assertEqual(error["message"], "boom")
        stack = error["stack"]
        self.assertIn("raise ValueError('boom')", stack)  # the caller's source line
        self.assertIn("in explode", stack)
        self.assertIn("ValueError: boom", stack)
        self.assertNotIn("mainthread.py", stack)  # plumbing frames are trimmed

    def test_syntax_errors_are_reported_by_name(self):
        error = self.error(self.hub_side, "python.exec", {"code": "def broken(:\n    pass"})
        self.assertEqual(error["name"], "SyntaxError")

    def test_sys_exit_in_user_code_is_an_error_not_an_exit(self):
        error = self.error(self.hub_side, "python.exec", {"code": "import sys; sys.exit(3)"})
        self.assertEqual(error["name"], "SystemExit")
        self.assertEqual(self.hub_side.request("ping").wait()["result"], "pong")

    def test_an_unserialisable_result_is_a_type_error_naming_the_type(self):
        error = self.error(self.hub_side, "python.eval", {"expr": "[1, hou.node('/obj')]"})
        self.assertEqual(error["name"], "TypeError")
        self.assertIn("hou.Node", error["message"])
        self.assertIn("[1]", error["message"])
        error = self.error(self.hub_side, "python.eval", {"expr": "{1, 2}"})
        self.assertIn("set", error["message"])
        error = self.error(self.hub_side, "python.eval", {"expr": "float('nan')"})
        self.assertEqual(error["name"], "TypeError")

    def test_a_result_over_the_frame_limit_is_an_error_reply(self):
        limit = framing.MAX_FRAME
        framing.MAX_FRAME = 4096
        try:
            error = self.error(self.hub_side, "python.eval", {"expr": "'x' * 5000"})
        finally:
            framing.MAX_FRAME = limit
        self.assertEqual(error["name"], "FrameTooLargeError")
        self.assertIn("too large", error["message"])
        self.assertEqual(self.result(self.hub_side, "ping"), "pong")

    def test_only_recent_snippets_keep_their_source_in_linecache(self):
        for number in range(pyexec._KEPT_SNIPPETS + 30):
            pyexec._compile_user_code("x = %d" % number, "exec", "exec")
        kept = [name for name in linecache.cache if name.startswith("<dcckit-")]
        self.assertEqual(len(kept), pyexec._KEPT_SNIPPETS)

    def test_paths_with_houdini_variables_are_left_to_hou(self):
        error = self.error(self.hub_side, "hip.open", {"path": "$JOB/missing.hip"})
        self.assertEqual(error["name"], "OperationFailed")  # hou's error, no local pre-check
        error = self.error(self.hub_side, "hip.save", {"path": "$JOB/sub/new.hip"})
        self.assertEqual(error["name"], "OperationFailed")
        self.assertFalse(os.path.exists("$JOB"))  # relative to the cwd, where hou would resolve it

    def test_hip_save_writes_the_file_and_reports_the_path(self):
        target = os.path.join(self.tmp, "shots", "sh010", "work.hip")
        result = self.result(self.hub_side, "hip.save", {"path": target})
        self.assertEqual(result, {"path": target.replace("\\", "/")})
        self.assertTrue(os.path.isfile(target))
        with open(target) as handle:
            self.assertNotIn(self.hub.token, handle.read())
        # Saving again without a path saves to the current file.
        self.result(self.hub_side, "python.exec", {"code": "hou.setFps(25)"})
        self.assertTrue(self.result(self.hub_side, "hip.info")["dirty"])
        self.assertEqual(self.result(self.hub_side, "hip.save"), {"path": target.replace("\\", "/")})
        with open(target) as handle:
            self.assertEqual(json.load(handle)["fps"], 25.0)

    def test_hip_open_loads_the_scene(self):
        scene = os.path.join(self.tmp, "in.hip")
        with open(scene, "w") as handle:
            json.dump({"fps": 30, "frameRange": [1001, 1100], "nodes": [["/obj/cam1", "cam"]]}, handle)
        result = self.result(self.hub_side, "hip.open", {"path": scene})
        self.assertEqual(result, {"path": scene.replace("\\", "/"), "warnings": []})
        info = self.result(self.hub_side, "hip.info")
        self.assertEqual(info, {"path": scene.replace("\\", "/"), "frameRange": [1001, 1100], "fps": 30, "dirty": False})

    def test_hip_open_reports_load_warnings_as_data(self):
        scene = os.path.join(self.tmp, "warn.hip")
        with open(scene, "w") as handle:
            json.dump({"nodes": [], "loadWarnings": ["missing asset: foo.hda"]}, handle)
        result = self.result(self.hub_side, "hip.open", {"path": scene})
        self.assertEqual(result["warnings"], ["missing asset: foo.hda"])

    def test_hip_open_of_a_missing_file_is_file_not_found(self):
        error = self.error(self.hub_side, "hip.open", {"path": os.path.join(self.tmp, "nope.hip")})
        self.assertEqual(error["name"], "FileNotFoundError")
        self.assertIn("nope.hip", error["message"])

    def test_hip_info_of_an_untitled_scene(self):
        info = self.result(self.hub_side, "hip.info")
        self.assertEqual(info, {
            "path": os.path.join(self.tmp, "untitled.hip").replace("\\", "/"),
            "frameRange": [1, 240],
            "fps": 24,
            "dirty": False,
        })

    def test_nodes_list_flat_and_recursive(self):
        self.result(self.hub_side, "python.exec", {
            "code": "geo = hou.node('/obj').createNode('geo', 'box')\ngeo.createNode('box')\n"
                    "hou.node('/obj').createNode('cam')",
        })
        flat = self.result(self.hub_side, "nodes.list", {"path": "/obj"})
        self.assertEqual(flat, [
            {"path": "/obj/box", "name": "box", "type": "geo"},
            {"path": "/obj/cam1", "name": "cam1", "type": "cam"},
        ])
        deep = self.result(self.hub_side, "nodes.list", {"path": "/obj", "recursive": True})
        self.assertEqual([entry["path"] for entry in deep], ["/obj/box", "/obj/box/box1", "/obj/cam1"])
        self.assertEqual(self.result(self.hub_side, "nodes.list"), flat)  # /obj by default

    def test_nodes_list_of_a_missing_node(self):
        error = self.error(self.hub_side, "nodes.list", {"path": "/obj/missing"})
        self.assertEqual(error["name"], "NodeNotFoundError")
        self.assertIn("/obj/missing", error["message"])

    def test_unknown_requests_name_the_known_ones(self):
        error = self.error(self.hub_side, "os.system", {"command": "echo hi"})
        self.assertEqual(error["name"], "UnknownRequestError")
        for known in handlers.REQUESTS:
            self.assertIn(known, error["message"])

    def test_ayon_style_function_messages_are_refused(self):
        message, waiting = self.hub_side.prepare("unused")
        del message["request"]
        message["function"] = "os.system"
        message["args"] = ["echo hi"]
        self.hub_side.send(message)
        self.assertEqual(waiting.wait()["error"]["name"], "UnsupportedMessageError")

    def test_bad_arguments_are_type_errors(self):
        self.assertEqual(self.error(self.hub_side, "python.eval", {})["name"], "TypeError")
        self.assertEqual(self.error(self.hub_side, "python.exec", {"code": 3})["name"], "TypeError")
        self.assertEqual(self.error(self.hub_side, "nodes.list", {"recursive": "yes"})["name"], "TypeError")
        self.assertEqual(self.error(self.hub_side, "hip.info", {"timeout": "soon"})["name"], "TypeError")
        self.assertEqual(self.error(self.hub_side, "hip.info", {"timeout": -1})["name"], "TypeError")
        self.assertIn("object", self.error(self.hub_side, "hip.info", [1, 2])["message"])

    def test_replies_use_the_binary_length_form(self):
        self.result(self.hub_side, "hip.info", form="text")
        self.result(self.hub_side, "hip.info", form="binary")
        forms = {form for form, _ in self.hub_side.received}
        self.assertEqual(forms, {"binary"})


if __name__ == "__main__":
    unittest.main()
