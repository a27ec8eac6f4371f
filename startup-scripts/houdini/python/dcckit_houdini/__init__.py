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

The protocol side (framing, hello, reconnect, replies, python.exec/eval) is
the shared dcckit_client package (startup-scripts/python); this package is
Houdini's host module: hou's version and scene, hipFile events, hdefereval or
the hython queue, and the hip.* / nodes.list requests.

Environment: DCC_KIT_PORT + DCC_KIT_TOKEN (set by `dcc-kit launch`), else the
hub's runtime file <DCC_KIT_HOME or ~/.dcc-kit>/run/hub.json; DCC_KIT_CALL_TIMEOUT
(seconds); DCC_KIT_DEBUG=1 for more log lines.
"""

import dcckit_client as _shared
from dcckit_client import host as _shared_host
from dcckit_client import log as _log
from dcckit_client import pyexec as _pyexec

from . import handlers as _handlers
from . import host as _host
from . import mainthread as _mainthread

__all__ = ["start", "stop", "status", "pump", "serve_forever", "THREAD_NAME"]

THREAD_NAME = _shared.THREAD_NAME


def _client_thread():
    return _shared.client_thread()


def _running_client():
    return _shared.running_client()


def _make_host():
    _pyexec.namespace_modules = ("hou",)
    return _shared_host.Host("houdini", "Houdini", _shared_host.HostInfo(), _handlers.REQUESTS)


def start():
    """Start the hub client once per process; return its thread.

    A second call (from 123.py after pythonrc.py, or after a reload of this
    module) finds the running thread by name and starts nothing. Call it on the
    main thread if possible: it reads Houdini's version and scene and registers
    the hipFile callback there (from another thread that work is queued to the
    main thread instead).
    """
    return _shared.start(_make_host, _mainthread.detect, _setup_host)


def _setup_host(host):
    info = host.info
    try:
        _host.capture(info)
    except Exception as error:
        _log.info("could not read Houdini's version and scene: %s" % error)
    try:
        _host.watch_scene(info, _shared.send_event)
    except Exception as error:
        _log.info("scene changes will not be reported to the hub: %s" % error)


def stop(timeout=2.0):
    """Disconnect and end the client thread. Returns False if none was running."""
    return _shared.stop(timeout)


def status():
    """{running, connected, session, port, mode}; never contains the token."""
    return _shared.status()


def pump(timeout=0.0):
    """hython: run the hub's queued requests on this (main) thread; see the module doc."""
    return _mainthread.pump(timeout)


def serve_forever(until=None, poll_interval=0.1):
    """hython: serve the hub's requests on this (main) thread.

    Returns when `until` (a threading.Event) is set; with until=None, never
    (end it with Ctrl-C or by killing the process).
    """
    _shared.serve_forever(until, poll_interval, "dcckit_houdini")
