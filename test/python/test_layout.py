"""The shipped files: package JSON template, Python 3.9 syntax, standard library only."""

import ast
import json
import os
import sys
import unittest

from harness import HOUDINI_ROOT, REPO, SHARED_PARENT, STUBS

BLENDER_ROOT = os.path.join(REPO, "startup-scripts", "blender")

PACKAGE_JSON = os.path.join(HOUDINI_ROOT, "packages", "dcckit.json")


def python_files(*roots):
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in names:
                if name.endswith(".py"):
                    yield os.path.join(folder, name)


class PackageJsonTest(unittest.TestCase):
    def setUp(self):
        with open(PACKAGE_JSON, "rb") as handle:
            self.raw = handle.read()
        self.package = json.loads(self.raw.decode("utf-8"))

    def test_no_bom_and_plain_json(self):
        self.assertFalse(self.raw.startswith(b"\xef\xbb\xbf"), "Houdini silently rejects a BOM")
        self.assertTrue(self.raw.lstrip().startswith(b"{"))

    def test_loads_once_and_points_hpath_at_the_root_variable(self):
        self.assertIs(self.package["load_package_once"], True)
        self.assertEqual(self.package["hpath"], "$DCC_KIT_HOUDINI_ROOT")
        self.assertIn("houdini_version", self.package["enable"])

    def test_the_root_placeholder_resolves_to_the_kit_folder(self):
        (entry,) = [e for e in self.package["env"] if "DCC_KIT_HOUDINI_ROOT" in e]
        value = entry["DCC_KIT_HOUDINI_ROOT"]
        self.assertEqual(value, "$HOUDINI_PACKAGE_PATH/..")
        # $HOUDINI_PACKAGE_PATH is the folder of the JSON file being processed.
        resolved = os.path.normpath(value.replace("$HOUDINI_PACKAGE_PATH", os.path.dirname(PACKAGE_JSON)))
        self.assertEqual(resolved, os.path.normpath(HOUDINI_ROOT))
        for part in (("scripts", "python", "pythonrc.py"), ("scripts", "123.py"),
                     ("python", "dcckit_houdini", "__init__.py")):
            self.assertTrue(os.path.isfile(os.path.join(resolved, *part)), part)


class SourceTest(unittest.TestCase):
    def test_python_3_9_syntax(self):
        for path in python_files(HOUDINI_ROOT, SHARED_PARENT, BLENDER_ROOT, STUBS):
            with open(path, encoding="utf-8") as handle:
                ast.parse(handle.read(), path, feature_version=(3, 9))

    @unittest.skipIf(sys.version_info < (3, 10), "sys.stdlib_module_names needs Python 3.10")
    def test_standard_library_only(self):
        allowed = set(sys.stdlib_module_names) | {"hou", "hdefereval", "dcckit_houdini", "dcckit_client", "bpy", "dcckit_blender"}
        for path in python_files(HOUDINI_ROOT, SHARED_PARENT, BLENDER_ROOT):
            with open(path, encoding="utf-8") as handle:
                tree = ast.parse(handle.read(), path)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    self.assertIn(name.split(".")[0], allowed, "%s imports %s" % (path, name))


if __name__ == "__main__":
    unittest.main()
