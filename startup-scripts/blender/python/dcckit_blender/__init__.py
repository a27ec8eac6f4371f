"""dcc-kit inside Blender: connects out to the dcc-kit hub and serves its requests.

The protocol side is the shared dcckit_client package (startup-scripts/python);
this package is Blender's host module: Blender's version and .blend for the
hello, load_post/save_post events, how work reaches Blender's main thread, and
Blender's named requests (handlers.py, pipeline.py).

Main thread. bpy must only be used on Blender's main thread.
  - GUI: a persistent bpy.app.timers timer drains the request queue (every
    request queued, in one tick; replies are written from the main thread), so
    requests run between UI events and the UI never waits on the network. It
    ticks every IDLE_INTERVAL seconds, and on every pass of Blender's event
    loop (a few ms) for QUICK_FOR seconds after a request ran: a tool sending
    requests one after the other does not wait a whole interval for each.
    The socket thread cannot schedule a timer itself: bpy.app.timers is bpy,
    main thread only.
  - Background (`blender -b`): Blender exits when the --python script returns,
    so launch.py calls serve_background(), which serves requests on the main
    thread until the hub sends blender.quit (or the process is killed). There
    the main thread reads the hub's socket itself and runs each request inline
    (no hand-off between threads); the client thread reads only while one
    request keeps the main thread busy (pings, and timeouts for the queued).

Environment: DCC_KIT_PORT + DCC_KIT_TOKEN (set by `dcc-kit launch blender`),
else the hub's runtime file <DCC_KIT_HOME or ~/.dcc-kit>/run/hub.json;
DCC_KIT_CALL_TIMEOUT (seconds); DCC_KIT_DEBUG=1 for more log lines.
"""

import threading
import time

import dcckit_client as _shared
from dcckit_client import host as _shared_host
from dcckit_client import log as _log
from dcckit_client import mainthread as _mainthread
from dcckit_client import pyexec as _pyexec

__all__ = ["start", "stop", "status", "serve_background", "request_quit"]

IDLE_INTERVAL = 0.05
QUICK_FOR = 1.0
_quit = threading.Event()
_last_request = [float("-inf")]


def _make_host():
    from . import handlers

    _pyexec.namespace_modules = ("bpy",)
    return _shared_host.Host("blender", "Blender", _shared_host.HostInfo(), handlers.REQUESTS,
                             hello_extra=_hello_extra)


def _hello_extra():
    import bpy  # bpy.app values are plain constants, safe to read from any thread

    return {"background": bool(bpy.app.background)}


def _make_dispatcher():
    import bpy

    if bpy.app.background:
        busy = ("Blender's main thread was busy (with an earlier request; a background Blender serves "
                "only inside dcckit_blender.serve_background())")
    else:
        busy = "Blender's main thread was busy"
    return _mainthread.Dispatcher(_mainthread.QUEUE, host_name="Blender", busy_reason=busy)


def _current_file():
    import bpy

    try:
        return bpy.data.filepath or None
    except AttributeError:  # during add-on/startup registration bpy.data is restricted; load_post follows
        return None


def _setup_host(host):
    import bpy

    info = host.info
    info.set_version(bpy.app.version_string)
    info.set_scene(_current_file(), "load")
    _watch_files(info)
    if not bpy.app.background:
        _start_timer()
        try:
            from . import menu

            menu.register()
        except Exception as error:  # the menu is a convenience; the session works without it
            _log.info("the dcc-kit menu could not be added: %s" % error)


def _drain_queue():
    now = time.monotonic()
    try:
        if _mainthread.drain():
            _last_request[0] = now
    except Exception as error:  # a timer that raises is unregistered by Blender: never let it
        _log.info("a request failed outside its handler: %r" % error)
    if _quit.is_set():
        import bpy

        stop(timeout=2.0, flush=True)
        bpy.ops.wm.quit_blender()
        return None
    return 0.0 if now - _last_request[0] < QUICK_FOR else IDLE_INTERVAL


def _start_timer():
    import bpy

    if not bpy.app.timers.is_registered(_drain_queue):
        bpy.app.timers.register(_drain_queue, first_interval=0.0, persistent=True)


_HANDLER_MARK = "_dcckit_file_handler"


def _watch_files(info):
    """load_post / save_post handlers that keep the hub's idea of the open .blend current."""
    import bpy
    from bpy.app.handlers import persistent

    for handlers in (bpy.app.handlers.load_post, bpy.app.handlers.save_post):
        for fn in list(handlers):
            if getattr(fn, _HANDLER_MARK, False):
                handlers.remove(fn)

    def announcer(cause):
        @persistent
        def on_file(*_args):
            try:
                scene = _current_file()
                info.set_scene(scene, cause)
                _shared.send_event({"type": "scene.changed", "scene": scene, "cause": cause})
            except Exception as error:  # never break a load or save in Blender
                _log.info("file event not forwarded to the hub: %s" % error)

        setattr(on_file, _HANDLER_MARK, True)
        return on_file

    bpy.app.handlers.load_post.append(announcer("load"))
    bpy.app.handlers.save_post.append(announcer("save"))


def make_first_workfile(path, settings_json=None):
    """A shot's first workfile: the context's scene settings (JSON), then saved as `path`. Main thread."""
    import json

    from . import handlers

    if settings_json:
        handlers.scene_settings_set(json.loads(settings_json))
    handlers.blend_save({"path": path})
    _log.info("made the first workfile %s" % path)


def start():
    """Start the hub client once per process (a second call finds it and starts nothing).

    In the GUI the client starts from the first tick of Blender's event loop, so the session says hello
    only when Blender can run requests (not while its window is still being built).
    """
    import bpy

    if bpy.app.background:
        return _shared.start(_make_host, _make_dispatcher, _setup_host)

    if not bpy.app.timers.is_registered(_start_on_first_tick):
        bpy.app.timers.register(_start_on_first_tick, first_interval=0.0, persistent=True)
    return None


def _start_on_first_tick():
    _shared.start(_make_host, _make_dispatcher, _setup_host)
    return None


def stop(timeout=2.0, flush=False):
    return _shared.stop(timeout, flush)


def status():
    """{running, connected, session, port, mode}; never contains the token."""
    return _shared.status()


def request_quit():
    """Ends serve_background() (background) or quits Blender (GUI) once the reply is on its way."""
    _quit.set()


def serve_background(poll_interval=0.1):
    """Background Blender: serve the hub's requests on the main thread until blender.quit."""
    _shared.serve_forever(_quit, poll_interval, "dcckit_blender", read_on_main=True)
    # The quit request's reply is queued: send it before Blender exits.
    stop(timeout=2.0, flush=True)
