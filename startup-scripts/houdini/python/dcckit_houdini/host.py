"""What the socket thread may know about Houdini without calling hou.

The hello frame carries Houdini's version and the current scene, but the
socket thread must never call hou. The main thread records them here at start
and on every hipFile event; the socket thread only reads the copy.
"""

import threading

from . import log

_CALLBACK_MARK = "_dcckit_scene_callback"
_CAUSES = (("AfterLoad", "load"), ("AfterSave", "save"), ("AfterClear", "clear"))


class HostInfo:
    def __init__(self):
        self._lock = threading.Lock()
        self._version = None
        self._scene = None
        self._cause = "load"

    def capture(self):
        """Read version and scene from hou. Main thread only."""
        import hou

        version = hou.applicationVersionString()
        scene = hou.hipFile.path()
        with self._lock:
            self._version = version
            self._scene = scene

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
