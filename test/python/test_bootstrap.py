"""The startup stubs: pythonrc.py in a real python3 process, 123.py and its chaining."""

import contextlib
import io
import os
import shutil
import subprocess
import sys
import unittest

from harness import HOUDINI_ROOT, STUBS, HoudiniTestCase, dcckit_houdini, hou

PYTHONRC = os.path.join(HOUDINI_ROOT, "scripts", "python", "pythonrc.py")
SCRIPT_123 = os.path.join(HOUDINI_ROOT, "scripts", "123.py")

# Plays Houdini: execs pythonrc.py the way Houdini may (optionally without
# __file__), then runs the main thread: the UI event loop, or a hython script
# that serves. A python.exec from the hub sets the stop event.
DRIVER = r"""
import builtins, sys, threading
path, with_file, mode = sys.argv[1], sys.argv[2] == "yes", sys.argv[3]
builtins.dcckit_test_stop = threading.Event()
namespace = {"__name__": "__main__"}
if with_file:
    namespace["__file__"] = path
with open(path) as handle:
    exec(compile(handle.read(), path, "exec"), namespace)
print("names left: %r" % sorted(k for k in namespace if not k.startswith("__")))
print("after pythonrc")
sys.stdout.flush()
if mode == "hython":
    import dcckit_houdini
    dcckit_houdini.serve_forever(until=builtins.dcckit_test_stop, poll_interval=0.02)
elif mode == "gui":
    import hdefereval
    while not builtins.dcckit_test_stop.is_set():
        hdefereval._run_pending(0.02)
print("served")
"""


class PythonrcProcessTest(HoudiniTestCase):
    def spawn(self, mode, with_file, root=HOUDINI_ROOT):
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("DCC_KIT_", "PYTHON"))}
        environ.update(
            PYTHONPATH=STUBS,  # hou and hdefereval only: pythonrc must find dcckit_houdini itself
            HOU_STUB_UI="0" if mode == "hython" else "1",
            DCC_KIT_PORT=str(self.hub.port),
            DCC_KIT_TOKEN=self.hub.token,
            DCC_KIT_HOME=os.path.join(self.tmp, "home"),
            DCC_KIT_DEBUG="1",
        )
        if root:
            environ["DCC_KIT_HOUDINI_ROOT"] = root
        process = subprocess.Popen(
            [sys.executable, "-c", DRIVER, PYTHONRC, "yes" if with_file else "no", mode],
            env=environ, cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self.addCleanup(self.reap, process)
        return process

    def reap(self, process):
        if process.poll() is None:
            process.kill()
        process.communicate()

    def serve_and_stop(self, process):
        hub_side = self.hub.session(0, timeout=10)
        hello = hub_side.hello["args"]
        self.assertEqual((hello["pid"], hello["dcc"], hello["version"]), (process.pid, "houdini", "20.5.278"))
        version = hub_side.request("python.eval", {"expr": "hou.applicationVersionString()"}).wait(10)
        self.assertEqual(version["result"], "20.5.278")
        info = hub_side.request("hip.info").wait(10)
        self.assertEqual(info["result"]["frameRange"], [1, 240])
        # The process may exit before this reply is sent: only its exit is checked.
        hub_side.request("python.exec", {"code": "import builtins; builtins.dcckit_test_stop.set()"})
        stdout, stderr = process.communicate(timeout=10)
        self.assertEqual(process.returncode, 0, stderr.decode())
        self.assertIn(b"names left: []", stdout)
        self.assertIn(b"served", stdout)
        self.assertIn(b"connected to the dcc-kit hub", stderr)
        self.assertNotIn(self.hub.token.encode(), stdout + stderr)
        self.assertNotIn(b"NotOnMainThread", stderr)

    def test_hython_without_file_finds_the_package_by_environment(self):
        self.serve_and_stop(self.spawn("hython", with_file=False))

    def test_gui_without_environment_finds_the_package_by_file(self):
        self.serve_and_stop(self.spawn("gui", with_file=True, root=None))

    def test_a_broken_install_never_breaks_startup(self):
        process = self.spawn("none", with_file=False, root=os.path.join(self.tmp, "missing"))
        stdout, stderr = process.communicate(timeout=10)
        self.assertEqual(process.returncode, 0, stderr.decode())
        self.assertIn(b"[dcc-kit] not started", stdout)
        self.assertIn(b"No module named 'dcckit_houdini'", stdout)
        self.assertIn(b"after pythonrc", stdout)
        self.assertIn(b"names left: []", stdout)


def exec_startup_script(path, with_file=False):
    namespace = {"__name__": "__main__"}
    if with_file:
        namespace["__file__"] = path
    output = io.StringIO()
    with contextlib.redirect_stdout(output), open(path) as handle:
        exec(compile(handle.read(), path, "exec"), namespace)
    return output.getvalue(), namespace


class PythonrcInProcessTest(HoudiniTestCase):
    def test_an_exception_in_start_is_printed_not_raised(self):
        os.environ["DCC_KIT_HOUDINI_ROOT"] = HOUDINI_ROOT
        original = dcckit_houdini.start

        def failing_start():
            raise RuntimeError("hub client exploded")

        dcckit_houdini.start = failing_start
        try:
            printed, namespace = exec_startup_script(PYTHONRC)
        finally:
            dcckit_houdini.start = original
        self.assertIn("not started; Houdini continues", printed)
        self.assertIn("hub client exploded", printed)
        self.assertEqual([k for k in namespace if not k.startswith("__")], [])

    def test_without_root_or_file_it_says_what_is_missing(self):
        printed, _ = exec_startup_script(PYTHONRC)
        self.assertIn("DCC_KIT_HOUDINI_ROOT is not set", printed)
        self.assertIsNone(dcckit_houdini._client_thread())


class Classic123Test(HoudiniTestCase):
    def make_dir(self, name, scripts=()):
        folder = os.path.join(self.tmp, name)
        os.makedirs(os.path.join(folder, "scripts"))
        for script, content in scripts:
            with open(os.path.join(folder, "scripts", script), "w") as handle:
                handle.write(content)
        return folder

    def test_starts_the_client_and_sources_the_hidden_123_cmd(self):
        user = self.make_dir("user")
        site = self.make_dir("site", [("123.cmd", "echo site\n")])
        hfs = self.make_dir("hfs", [("123.cmd", "echo hfs\n")])
        hou._state["path_dirs"] = [user, HOUDINI_ROOT, site, hfs]
        os.environ["DCC_KIT_HOUDINI_ROOT"] = HOUDINI_ROOT
        self.point_env_at(self.hub)
        printed, namespace = exec_startup_script(SCRIPT_123)
        self.assertEqual(printed, "")
        self.assertEqual(self.result(self.hub.session(0), "ping"), "pong")
        site_cmd = os.path.join(site, "scripts", "123.cmd").replace("\\", "/")
        self.assertEqual(hou._hscript_log, ['source "%s"' % site_cmd])
        self.assertEqual([k for k in namespace if not k.startswith("__")], [])

    def test_a_later_123_py_wins_over_a_123_cmd_in_the_same_folder(self):
        marker = os.path.join(self.tmp, "marker.txt")
        site = self.make_dir("site", [
            ("123.py", "with open(%r, 'w') as f:\n    f.write(__file__)\n" % marker),
            ("123.cmd", "echo site\n"),
        ])
        hou._state["path_dirs"] = [HOUDINI_ROOT, site]
        self.point_env_at(self.hub)
        exec_startup_script(SCRIPT_123, with_file=True)  # root found through __file__
        with open(marker) as handle:
            self.assertEqual(handle.read(), os.path.join(site, "scripts", "123.py"))
        self.assertEqual(hou._hscript_log, [])
        self.hub.session(0)

    def test_a_second_copy_of_our_123_does_not_recurse(self):
        copy = self.make_dir("copy")
        shutil.copy(SCRIPT_123, os.path.join(copy, "scripts", "123.py"))
        hou._state["path_dirs"] = [HOUDINI_ROOT, copy]
        os.environ["DCC_KIT_HOUDINI_ROOT"] = HOUDINI_ROOT
        printed, _ = exec_startup_script(SCRIPT_123)
        self.assertEqual(printed, "")

    def test_without_the_package_it_still_sources_123_cmd(self):
        printed, _ = exec_startup_script(SCRIPT_123)
        self.assertIn("DCC_KIT_HOUDINI_ROOT is not set", printed)
        self.assertEqual(hou._hscript_log, ["source 123.cmd"])


if __name__ == "__main__":
    unittest.main()
