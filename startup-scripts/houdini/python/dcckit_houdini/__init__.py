"""dcc-kit inside Houdini: connects out to the dcc-kit hub and serves its requests.

pythonrc.py (every Houdini, GUI and hython) calls start(). It starts one daemon
thread, named "dcckit-hub-client", that connects to the hub on 127.0.0.1 and
serves named requests (ping, python.exec, python.eval, hip.open, hip.save,
hip.info, nodes.list). Anything touching hou runs on Houdini's main thread.

GUI Houdini needs nothing more: requests run through hdefereval when the UI
event loop is idle.

Batch mode (hython). hython has no event loop, so requests wait in a queue
until the main thread drains it. A hython script that wants to be driven by the
hub ends with

    import dcckit_houdini
    dcckit_houdini.serve_forever()          # until Ctrl-C or the process is killed

or interleaves its own work with dcckit_houdini.pump(timeout). Requests that
nobody pumps time out (default 30 s, DCC_KIT_CALL_TIMEOUT, or args.timeout)
with a TimeoutError saying so.

Environment: DCC_KIT_PORT + DCC_KIT_TOKEN (set by `dcc-kit launch`), else the
hub's runtime file <DCC_KIT_HOME or ~/.dcc-kit>/run/hub.json; DCC_KIT_CALL_TIMEOUT
(seconds); DCC_KIT_DEBUG=1 for more log lines.
"""

import threading

from . import client as _client
from . import host as _host
from . import log as _log
from . import mainthread as _mainthread

__all__ = ["start", "stop", "status", "pump", "serve_forever", "THREAD_NAME"]

THREAD_NAME = _client.THREAD_NAME

_start_lock = threading.Lock()


def _client_thread():
    for thread in threading.enumerate():
        if thread.name == THREAD_NAME and thread.is_alive():
            return thread
    return None


def _running_client():
    return getattr(_client_thread(), "client", None)


def start():
    """Start the hub client once per process; return its thread.

    A second call (from 123.py after pythonrc.py, or after a reload of this
    module) finds the running thread by name and starts nothing. Call it on the
    main thread if possible: it reads Houdini's version and scene and registers
    the hipFile callback there (from another thread that work is queued to the
    main thread instead).
    """
    with _start_lock:
        existing = _client_thread()
        if existing is not None:
            return existing
        dispatcher = _mainthread.Dispatcher.detect()
        info = _host.HostInfo()
        hub_client = _client.Client(dispatcher, info)
        if _mainthread.is_main_thread():
            _setup_host(info)
        else:
            dispatcher.submit(lambda: _setup_host(info))
        hub_client.thread.start()
        return hub_client.thread


def _setup_host(info):
    try:
        info.capture()
    except Exception as error:
        _log.info("could not read Houdini's version and scene: %s" % error)
    try:
        _host.watch_scene(info, _forward_scene_event)
    except Exception as error:
        _log.info("scene changes will not be reported to the hub: %s" % error)


def _forward_scene_event(args):
    hub_client = _running_client()
    if hub_client is not None:
        hub_client.send_event(args)


def stop(timeout=2.0):
    """Disconnect and end the client thread. Returns False if none was running."""
    hub_client = _running_client()
    if hub_client is None:
        return False
    hub_client.stop(timeout)
    return True


def status():
    """{running, connected, session, port, mode}; never contains the token."""
    hub_client = _running_client()
    if hub_client is None:
        return {"running": False, "connected": False, "session": None, "port": None, "mode": None}
    return hub_client.status()


def pump(timeout=0.0):
    """hython: run the hub's queued requests on this (main) thread; see the module doc."""
    return _mainthread.pump(timeout)


def serve_forever(until=None, poll_interval=0.1):
    """hython: serve the hub's requests on this (main) thread.

    Returns when `until` (a threading.Event) is set; with until=None, never
    (end it with Ctrl-C or by killing the process).
    """
    if not _mainthread.is_main_thread():
        raise RuntimeError("dcckit_houdini.serve_forever() must be called on the main thread")
    while until is None or not until.is_set():
        _mainthread.pump(poll_interval)
