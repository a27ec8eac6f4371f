# dcc-kit bootstrap for a Blender started by `dcc-kit launch blender`
# (blender [-b] [file.blend] --python <this file>). Puts the kit's Python
# packages on sys.path and starts the hub client. In background mode Blender
# exits when this script returns, so it serves requests until the hub sends
# blender.quit. It never breaks Blender's startup in the GUI.


def _dcckit_launch():
    import os
    import sys
    import traceback

    import bpy

    here = os.path.dirname(os.path.abspath(__file__))
    for folder in (os.path.join(here, "..", "python"), os.path.join(here, "python")):
        folder = os.path.normpath(folder)
        if folder not in sys.path:
            sys.path.insert(0, folder)
    try:
        import dcckit_blender

        first = os.environ.pop("DCC_KIT_BLENDER_NEW_WORKFILE", None)
        settings = os.environ.pop("DCC_KIT_BLENDER_SCENE_SETTINGS", None)
        if first and not bpy.data.filepath:
            dcckit_blender.make_first_workfile(first, settings)
        dcckit_blender.start()
    except Exception:
        print("[dcc-kit] not started; Blender continues without it:\n" + traceback.format_exc(), file=sys.stderr)
        if bpy.app.background:
            sys.exit(1)
        return
    if bpy.app.background:
        dcckit_blender.serve_background()


_dcckit_launch()
del _dcckit_launch
