"""The named requests this Blender serves to the hub.

REQUESTS is an explicit allow-list: a request name is looked up in it and
nothing else. Each entry is (handler, on_main_thread); handlers on the main
thread may use bpy, the others (ping, blender.quit) run on the socket thread
and answer while the main thread is busy.
"""

import os

from dcckit_client import pyexec
from dcckit_client.args import string_arg

from . import containers, pipeline, registry


class NotABlendFileError(ValueError):
    pass


def _number(value):
    value = float(value)
    return int(value) if value.is_integer() else value


def _fps(scene):
    return _number(round(scene.render.fps / scene.render.fps_base, 6))


def blend_info(args):
    import bpy

    scene = bpy.context.scene
    render = scene.render
    return {
        "path": bpy.data.filepath or None,
        "version": bpy.app.version_string,
        "background": bool(bpy.app.background),
        "dirty": bool(bpy.data.is_dirty),
        "scene": scene.name,
        "frameStart": scene.frame_start,
        "frameEnd": scene.frame_end,
        "fps": _fps(scene),
        "resolution": [render.resolution_x, render.resolution_y],
        "resolutionPercentage": render.resolution_percentage,
        "engine": render.engine,
    }


def blend_open(args):
    import bpy

    path = string_arg(args, "path", "blend.open")
    if not os.path.isfile(path):
        raise FileNotFoundError("blend.open: no such file: %s" % path)
    if not path.lower().endswith(".blend"):
        raise NotABlendFileError("blend.open: %s is not a .blend file" % path)
    bpy.ops.wm.open_mainfile(filepath=path)
    return blend_info({})


def blend_save(args):
    """Saves to args.path (its folder is made) or the current file; copy=True writes a copy and keeps the open file."""
    import bpy

    path = string_arg(args, "path", "blend.save", required=False)
    copy = args.get("copy", False)
    if not isinstance(copy, bool):
        raise TypeError("blend.save: args.copy must be true or false")
    if path is None:
        if not bpy.data.filepath:
            raise ValueError("blend.save: this Blender has no file yet; give args.path")
        path = bpy.data.filepath
    if not path.lower().endswith(".blend"):
        raise NotABlendFileError("blend.save: %s does not end in .blend" % path)
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    # check_existing=False: never a confirmation popup; relative_remap keeps // paths right in a copy.
    result = bpy.ops.wm.save_as_mainfile(filepath=path, copy=copy, check_existing=False, relative_remap=True)
    if "FINISHED" not in result:
        raise RuntimeError("blend.save: Blender did not save %s (%s)" % (path, ", ".join(sorted(result))))
    return {"path": path, "current": bpy.data.filepath or None}


def scene_settings_set(args):
    """Sets what is given of frameStart, frameEnd, fps, resolution [w, h] on the current scene."""
    import bpy

    scene = bpy.context.scene
    render = scene.render
    if "frameStart" in args or "frameEnd" in args:
        start = int(args.get("frameStart", scene.frame_start))
        end = int(args.get("frameEnd", scene.frame_end))
        if end < start:
            raise ValueError("scene.settings: frameEnd %d is before frameStart %d" % (end, start))
        # Order matters: Blender clamps frame_end to frame_start and back.
        scene.frame_start = min(start, scene.frame_start)
        scene.frame_end = end
        scene.frame_start = start
    if "fps" in args:
        fps = float(args["fps"])
        whole = round(fps)
        if abs(whole - fps) < 1e-6:
            render.fps, render.fps_base = int(whole), 1.0
        else:  # 23.976 = 24 / 1.001
            render.fps = int(round(fps * 1.001))
            render.fps_base = render.fps / fps
    if "resolution" in args:
        width, height = args["resolution"]
        render.resolution_x, render.resolution_y = int(width), int(height)
        render.resolution_percentage = 100
    return blend_info({})


def quit_blender(args):
    """Background: ends the serving loop; GUI: quits Blender once the reply is sent."""
    import dcckit_blender

    dcckit_blender.request_quit()
    return {"quitting": True}


REQUESTS = {
    "ping": pyexec.COMMON_REQUESTS["ping"],
    "python.exec": pyexec.COMMON_REQUESTS["python.exec"],
    "python.eval": pyexec.COMMON_REQUESTS["python.eval"],
    "blend.info": (blend_info, True),
    "blend.open": (blend_open, True),
    "blend.save": (blend_save, True),
    "scene.settings": (scene_settings_set, True),
    "blender.quit": (quit_blender, False),
}
REQUESTS.update(pipeline.REQUESTS)
REQUESTS.update(containers.REQUESTS)
REQUESTS.update(registry.REQUESTS)
