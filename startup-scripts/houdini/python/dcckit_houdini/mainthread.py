"""How work reaches Houdini's main thread (the shared Job/queue is dcckit_client.mainthread).

  - GUI Houdini: hdefereval.executeDeferred(job.run) runs it when the event
    loop is idle. executeInMainThreadWithResult is deliberately not used: it
    waits forever, so one busy main thread would freeze every caller.
  - hython (no UI, no event loop): the job goes to the queue that the main
    thread drains by calling dcckit_houdini.pump() or serve_forever().
"""

from dcckit_client import log
from dcckit_client.mainthread import GUI, QUEUE, Dispatcher, Job, _queue, is_main_thread  # noqa: F401
from dcckit_client.mainthread import pump as _shared_pump

HYTHON_BUSY = (
    "nothing pumped the hython main thread (a hython script must call "
    "dcckit_houdini.serve_forever() or dcckit_houdini.pump())"
)


def pump(timeout=0.0):
    return _shared_pump(timeout, "dcckit_houdini")


def _gui():
    import hdefereval

    return Dispatcher(GUI, defer=hdefereval.executeDeferred, host_name="Houdini")


def detect():
    """The dispatcher this Houdini supports: hdefereval with a UI, else the hython queue."""
    ui = None
    if is_main_thread():
        import hou

        ui = bool(hou.isUIAvailable())
    if ui is not False:
        try:
            return _gui()
        except ImportError as error:
            if ui:
                log.info("hdefereval is not importable (%s); serving through the hython queue" % error)
    return Dispatcher(QUEUE, host_name="Houdini", busy_reason=HYTHON_BUSY)
