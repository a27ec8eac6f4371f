"""Finding the hub: environment first, then <DCC_KIT_HOME or ~/.dcc-kit>/run/hub.json."""

import json
import os
import shutil
import tempfile
import unittest

import harness  # noqa: F401
from dcckit_client import endpoint


class CandidatesTest(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="dcckit-endpoint-")
        self.addCleanup(shutil.rmtree, self.home, True)

    def write(self, record, raw=None):
        os.makedirs(os.path.join(self.home, "run"), exist_ok=True)
        with open(os.path.join(self.home, "run", "hub.json"), "w") as handle:
            handle.write(raw if raw is not None else json.dumps(record))

    def found(self, **environ):
        environ.setdefault("DCC_KIT_HOME", self.home)
        return [(e.port, e.token, e.source) for e in endpoint.candidates(environ)]

    def test_environment_only(self):
        self.assertEqual(self.found(DCC_KIT_PORT="4100", DCC_KIT_TOKEN="t"), [(4100, "t", "environment")])

    def test_runtime_file_only(self):
        self.write({"pid": 12, "port": 4200, "token": "file-token"})
        self.assertEqual(self.found(), [(4200, "file-token", "runtime file")])

    def test_environment_first_then_the_file(self):
        self.write({"pid": 12, "port": 4200, "token": "file-token"})
        self.assertEqual(self.found(DCC_KIT_PORT="4100", DCC_KIT_TOKEN="t"),
                         [(4100, "t", "environment"), (4200, "file-token", "runtime file")])

    def test_the_same_endpoint_is_listed_once(self):
        self.write({"port": 4100, "token": "t"})
        self.assertEqual(len(self.found(DCC_KIT_PORT="4100", DCC_KIT_TOKEN="t")), 1)

    def test_a_lone_variable_overrides_its_half_of_the_file(self):
        self.write({"port": 4200, "token": "file-token"})
        self.assertEqual(self.found(DCC_KIT_PORT="4300"), [(4300, "file-token", "runtime file")])
        self.assertEqual(self.found(DCC_KIT_TOKEN="env-token"), [(4200, "env-token", "runtime file")])

    def test_nothing_usable(self):
        self.assertEqual(self.found(), [])
        self.write(None, raw="{not json")
        self.assertEqual(self.found(), [])
        for record in ([1], {"port": "x", "token": "t"}, {"port": 70000, "token": "t"},
                       {"port": 4200}, {"port": 4200, "token": ""}, {"port": True, "token": "t"}):
            self.write(record)
            self.assertEqual(self.found(), [], record)
        self.assertEqual(self.found(DCC_KIT_PORT="nope", DCC_KIT_TOKEN="t"), [])

    def test_home_defaults_to_dot_dcc_kit(self):
        self.assertEqual(endpoint.kit_home({}), os.path.join(os.path.expanduser("~"), ".dcc-kit"))
        self.assertEqual(endpoint.runtime_file_path({"DCC_KIT_HOME": self.home}),
                         os.path.join(self.home, "run", "hub.json"))

    def test_repr_hides_the_token(self):
        self.assertNotIn("secret", repr(endpoint.Endpoint(1, "secret", "environment")))


if __name__ == "__main__":
    unittest.main()
