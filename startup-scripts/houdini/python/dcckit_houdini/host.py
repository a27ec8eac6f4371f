"""Houdini's version and scene for the hello, and scene events (hipFile callbacks)."""

from dcckit_client import log

_CALLBACK_MARK = "_dcckit_scene_callback"
_CAUSES = (("AfterLoad", "load"), ("AfterSave", "save"), ("AfterClear", "clear"))


def capture(info):
    """Read version and scene from hou into `info` (a dcckit_client HostInfo). Main thread only."""
    import hou

    info.set_version(hou.applicationVersionString())
    info.set_scene(hou.hipFile.path(), info.last_cause())


def watch_scene(info, notify):
    """Register a hipFile callback forwarding scene changes. Main thread only.

    notify(args) receives {"type": "scene.changed", "scene": path, "cause":
    "load" | "save" | "clear"}; it must not block. Callbacks left by an earlier
    start (or an earlier copy of this module) are removed first, so there is
    only ever one.
    """
    import hou

    for callback in hou.hipFile.eventCallbacks():
        if getattr(callback, _CALLBACK_MARK, False):
            hou.hipFile.removeEventCallback(callback)

    def on_hip_file_event(event_type):
        try:
            cause = None
            for member, name in _CAUSES:
                if event_type == getattr(hou.hipFileEventType, member, None):
                    cause = name
            if cause is None:
                return
            scene = hou.hipFile.path()
            info.set_scene(scene, cause)
            notify({"type": "scene.changed", "scene": scene, "cause": cause})
        except Exception as error:  # never break a load or save in Houdini
            log.info("scene event not forwarded to the hub: %s" % error)

    setattr(on_hip_file_event, _CALLBACK_MARK, True)
    hou.hipFile.addEventCallback(on_hip_file_event)
