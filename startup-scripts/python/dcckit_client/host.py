"""What the socket thread may know about the DCC without calling into it.

The hello frame carries the DCC's version and current scene, but the socket
thread must never call the DCC's API. The main thread records them here (at
start and on every scene event); the socket thread only reads the copy.
"""

import threading


class HostInfo:
    def __init__(self):
        self._lock = threading.Lock()
        self._version = None
        self._scene = None
        self._cause = "load"

    def set_version(self, version):
        with self._lock:
            self._version = version

    def set_scene(self, scene, cause="load"):
        with self._lock:
            self._scene = scene
            self._cause = cause

    def last_cause(self):
        """How the scene last changed: "load", "save" or "clear"."""
        with self._lock:
            return self._cause

    def snapshot(self):
        """(version, scene), either None when not captured yet."""
        with self._lock:
            return self._version, self._scene


class Host:
    """What a DCC's host module tells the shared client.

    dcc: the hello's `dcc` (lower case); display_name: for messages;
    info: a HostInfo; requests: {name: (handler, on_main_thread)}, an explicit
    allow-list; hello_extra(): more hello fields (plain JSON), or None.
    """

    def __init__(self, dcc, display_name, info, requests, hello_extra=None):
        self.dcc = dcc
        self.display_name = display_name
        self.info = info
        self.requests = requests
        self.hello_extra = hello_extra


class UnknownRequestError(LookupError):
    pass


def lookup(host, name):
    """(handler, on_main_thread) for a request name, or raise UnknownRequestError."""
    entry = host.requests.get(name) if isinstance(name, str) else None
    if entry is None:
        raise UnknownRequestError(
            "unknown request %r; this %s serves: %s" % (name, host.display_name, ", ".join(sorted(host.requests)))
        )
    return entry
