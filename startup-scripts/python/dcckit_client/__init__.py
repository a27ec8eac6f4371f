"""dcc-kit's client for Python hosts (Houdini, Blender, and later Maya, Nuke...).

The host-independent part of talking to the dcc-kit hub: the wire framing,
finding the hub (environment or runtime file), the hello, reconnecting with
backoff, replies and structured errors, python.exec / python.eval, and a
main-thread dispatch interface. A DCC adds a small host module that says what
it is (name, version, scene), which named requests it serves, and how work
reaches its main thread (its own defer function, or the queue its main thread
pumps).

One client per process: a daemon thread named "dcckit-hub-client", found by
name, so a second start() (another bootstrap, a reloaded module) starts
nothing. Standard library only, Python 3.9+.
"""

import threading

from . import client as _client
from . import log as _log
from . import mainthread as _mainthread

THREAD_NAME = _client.THREAD_NAME

_start_lock = threading.Lock()


def client_thread():
    for thread in threading.enumerate():
        if thread.name == THREAD_NAME and thread.is_alive():
            return thread
    return None


def running_client():
    return getattr(client_thread(), "client", None)


def start(make_host, make_dispatcher, setup_on_main_thread=None):
    """Start the hub client once per process; return its thread.

    make_host() -> Host and make_dispatcher() -> Dispatcher run only when no
    client runs yet. setup_on_main_thread(host), when given, runs on the main
    thread (inline if this is it, else queued to it) before anything else
    is asked of it: reading the version and scene, registering scene callbacks.
    """
    with _start_lock:
        existing = client_thread()
        if existing is not None:
            return existing
        dispatcher = make_dispatcher()
        host = make_host()
        hub_client = _client.Client(dispatcher, host)
        if setup_on_main_thread is not None:
            if _mainthread.is_main_thread():
                setup_on_main_thread(host)
            else:
                dispatcher.submit(lambda: setup_on_main_thread(host))
        hub_client.thread.start()
        return hub_client.thread


def send_event(args):
    """Fire-and-forget session.event to the hub; False when not connected."""
    hub_client = running_client()
    return hub_client.send_event(args) if hub_client is not None else False


def send_request(name, args, on_reply=None):
    """A named request to the hub; on_reply(message) runs on the client thread. False when not connected."""
    hub_client = running_client()
    if hub_client is None:
        return False
    return hub_client.send_request(name, args, on_reply or (lambda message: None))


def stop(timeout=2.0, flush=False):
    """Disconnect and end the client thread. Returns False if none was running.

    flush: send the replies already queued first (a process about to exit).
    """
    hub_client = running_client()
    if hub_client is None:
        return False
    hub_client.stop(timeout, flush)
    return True


def status():
    """{running, connected, session, port, mode}; never contains the token."""
    hub_client = running_client()
    if hub_client is None:
        return {"running": False, "connected": False, "session": None, "port": None, "mode": None}
    return hub_client.status()


def serve_forever(until=None, poll_interval=0.1, who="dcckit_client", read_on_main=False):
    """Serve the hub's requests on this (main) thread through the queue.

    Returns when `until` (a threading.Event, or any object with is_set()) is
    set; with until=None, never (end it with Ctrl-C or by killing the process).
    read_on_main: the main thread also reads the hub's socket and runs each
    request inline (a host with no event loop, e.g. a background Blender: one
    thread wake-up per request instead of two); the client thread reads only
    while a request keeps the main thread busy.
    """
    if not _mainthread.is_main_thread():
        raise RuntimeError("%s.serve_forever() must be called on the main thread" % who)
    hub_client = running_client() if read_on_main else None
    if hub_client is not None:
        hub_client.serve_on_main_thread(until, poll_interval, who)
    while until is None or not until.is_set():
        _mainthread.pump(poll_interval, who)


def log_info(text):
    _log.info(text)
