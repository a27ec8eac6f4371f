"""Where the hub listens and which token it expects.

A DCC launched by dcc-kit gets DCC_KIT_PORT and DCC_KIT_TOKEN in its
environment. A hand-started one reads the hub's runtime file
<home>/run/hub.json ({"pid", "port", "token", ...}), <home> being DCC_KIT_HOME
or ~/.dcc-kit. Candidates are recomputed on every connection attempt, so a hub
that restarts on another port with a new token is found again.
"""

import json
import os

HOST = "127.0.0.1"


class Endpoint:
    __slots__ = ("port", "token", "source")

    def __init__(self, port, token, source):
        self.port = port
        self.token = token
        self.source = source

    def __eq__(self, other):
        return isinstance(other, Endpoint) and (self.port, self.token) == (other.port, other.token)

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        # Never show the token.
        return "Endpoint(port=%d, source=%r)" % (self.port, self.source)


def kit_home(environ=None):
    environ = os.environ if environ is None else environ
    home = environ.get("DCC_KIT_HOME")
    if home:
        return home
    # On Windows Houdini (for one) sets HOME to Documents; expanduser() uses USERPROFILE
    # there (Python 3.8+), which is what the hub (os.homedir()) uses too.
    return os.path.join(os.path.expanduser("~"), ".dcc-kit")


def runtime_file_path(environ=None):
    return os.path.join(kit_home(environ), "run", "hub.json")


def _parse_port(value):
    try:
        port = int(value)
    except (TypeError, ValueError):
        return None
    if isinstance(value, bool) or not 0 < port < 65536:
        return None
    return port


def _read_runtime_file(path):
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def candidates(environ=None):
    """Endpoints to try, best first: the environment's, then the runtime file's."""
    environ = os.environ if environ is None else environ
    env_port = _parse_port(environ.get("DCC_KIT_PORT"))
    env_token = environ.get("DCC_KIT_TOKEN") or None
    found = []
    if env_port is not None and env_token:
        found.append(Endpoint(env_port, env_token, "environment"))
    data = _read_runtime_file(runtime_file_path(environ))
    if data is not None:
        # A lone environment variable overrides its half of the file's endpoint.
        port = env_port if env_port is not None and not env_token else _parse_port(data.get("port"))
        token = env_token if env_token and env_port is None else data.get("token")
        if port is not None and isinstance(token, str) and token:
            endpoint = Endpoint(port, token, "runtime file")
            if endpoint not in found:
                found.append(endpoint)
    return found
