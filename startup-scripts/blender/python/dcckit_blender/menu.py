"""The "dcc-kit" menu in Blender's top bar (GUI only; a background Blender has no UI to put it in).

Each item asks the hub to open one view of the dcc-kit page for this session
(blender.menu.open); the answer comes back on the client thread and is shown
in Blender's status bar by a one-shot timer on the main thread.
"""

import dcckit_client as _shared
from dcckit_client import log as _log

VIEWS = (
    ("workfiles", "Workfiles..."),
    ("create", "Create..."),
    ("load", "Load..."),
    ("publish", "Publish..."),
    ("manage", "Manage..."),
    ("context", "Context..."),
)

_classes = []


def _show(text):
    import bpy

    def later():
        for window in bpy.context.window_manager.windows:
            window.workspace.status_text_set(text)
        _log.info(text)
        return None

    bpy.app.timers.register(later, first_interval=0.0)


def _on_reply(message):
    error = message.get("error")
    if error:
        _show("dcc-kit: %s" % error.get("message", "the hub refused"))
        return
    result = message.get("result") or {}
    if not result.get("opened"):
        _show("dcc-kit: %s" % result.get("message", "the page could not be opened"))


def _operator_for(view, label):
    import bpy

    class DCCKIT_OT_open(bpy.types.Operator):
        bl_idname = "dcckit.open_%s" % view
        bl_label = label
        bl_description = "Open the dcc-kit %s view for this Blender" % view

        def execute(self, context):
            if not _shared.send_request("blender.menu.open", {"view": view}, _on_reply):
                self.report({"WARNING"}, "dcc-kit: not connected to the hub")
                return {"CANCELLED"}
            return {"FINISHED"}

    DCCKIT_OT_open.__name__ = "DCCKIT_OT_open_%s" % view
    return DCCKIT_OT_open


def _menu_class():
    import bpy

    class DCCKIT_MT_menu(bpy.types.Menu):
        bl_idname = "DCCKIT_MT_menu"
        bl_label = "dcc-kit"

        def draw(self, context):
            for view, label in VIEWS:
                self.layout.operator("dcckit.open_%s" % view, text=label)

    return DCCKIT_MT_menu


def _draw_in_topbar(self, context):
    self.layout.menu("DCCKIT_MT_menu")


def register():
    import bpy

    if bpy.app.background or _classes:
        return
    for view, label in VIEWS:
        _classes.append(_operator_for(view, label))
    _classes.append(_menu_class())
    for cls in _classes:
        bpy.utils.register_class(cls)
    bpy.types.TOPBAR_MT_editor_menus.append(_draw_in_topbar)


def unregister():
    import bpy

    if not _classes:
        return
    bpy.types.TOPBAR_MT_editor_menus.remove(_draw_in_topbar)
    for cls in reversed(_classes):
        bpy.utils.unregister_class(cls)
    del _classes[:]
