"""Loading published products into the scene, and the containers that record them.

Each load is ONE request (load.run naming the loader): the loader's Blender
half (registry.py) makes what Blender needs and the container is recorded in
the dcckit.pipeline text (pipeline.py) in the same main-thread step. A
container's "objects" are typed names: object:<name>, strip:<name>,
image:<name>, sound:<name>, library:<name>.

Built-in halves:
  imageSequence -> an Image (a sequence when more than one file), an image
                   empty showing it in the viewport, and a VSE image strip;
  blend         -> its collections linked (a Library) and the top-level ones
                   instanced by empties;
  movie         -> a VSE movie strip, and a sound strip above it when the
                   movie has sound.
Update re-points the image or the library at another version (the empties and
their transforms stay) or replaces the strips on their channel; remove deletes
only what the container made.
"""

import os

from . import pipeline, registry


def _scene():
    import bpy

    return bpy.context.scene


def _files(args):
    files = args.get("files")
    if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
        raise TypeError("args.files must be a non-empty list of file paths")
    for f in files:
        if not os.path.isfile(f):
            raise FileNotFoundError("no such file: %s" % f)
    return files


def _add_sequence(name, files, frame_start, first_file_frame, channel=None):
    """The image, the image empty and the strip of one sequence; returns their typed names."""
    import bpy

    scene = _scene()
    image = bpy.data.images.load(files[0], check_existing=False)
    image.name = name
    if len(files) > 1:
        image.source = "SEQUENCE"
    empty = bpy.data.objects.new(name, None)
    empty.empty_display_type = "IMAGE"
    empty.data = image
    empty.image_user.frame_start = frame_start
    empty.image_user.frame_duration = len(files)
    empty.image_user.frame_offset = first_file_frame - 1
    empty.image_user.use_auto_refresh = True
    scene.collection.objects.link(empty)
    editor = scene.sequence_editor or scene.sequence_editor_create()
    if channel is None:
        used = [s.channel for s in editor.sequences_all]
        channel = (max(used) + 1) if used else 1
    strip = editor.sequences.new_image(name, files[0], channel, frame_start)
    for f in files[1:]:
        strip.elements.append(os.path.basename(f))
    return ["object:%s" % empty.name, "image:%s" % image.name, "strip:%s" % strip.name]


def _find(kind, name):
    import bpy

    if kind == "object":
        return bpy.data.objects.get(name)
    if kind == "image":
        return bpy.data.images.get(name)
    if kind == "library":
        return bpy.data.libraries.get(name)
    if kind == "sound":
        return bpy.data.sounds.get(name)
    if kind == "strip":
        editor = _scene().sequence_editor
        return editor.sequences_all.get(name) if editor else None
    return None


def _parts(record):
    out = []
    for typed in record.get("objects", []):
        kind, _, name = typed.partition(":")
        out.append((kind, name, _find(kind, name)))
    return out


def _record(record, objects, path):
    if not isinstance(record, dict) or not isinstance(record.get("key"), str) or not record.get("key"):
        raise TypeError("args.record must be the container record, with a key")
    record = dict(record)
    record["objects"] = objects
    record["path"] = path
    return record


def _made(result, request):
    if not isinstance(result, dict) or not isinstance(result.get("objects"), list):
        raise TypeError("%s: the loader's half must return {\"objects\": [typed names], \"path\": file}" % request)
    return result["objects"], result.get("path")


# --- image sequence -------------------------------------------------------


def _sequence_args(args):
    files = _files(args)
    frame_start = int(args.get("frameStart", 1))
    return files, frame_start, int(args.get("firstFileFrame", frame_start))


def image_sequence_load(args, name):
    files, frame_start, first_file_frame = _sequence_args(args)
    return {"objects": _add_sequence(name, files, frame_start, first_file_frame), "path": files[0]}


def image_sequence_update(args, record):
    files, frame_start, first_file_frame = _sequence_args(args)
    parts = _parts(record)
    image = next((obj for kind, _, obj in parts if kind == "image" and obj is not None), None)
    empty = next((obj for kind, _, obj in parts if kind == "object" and obj is not None), None)
    strip = next((obj for kind, _, obj in parts if kind == "strip" and obj is not None), None)
    channel = strip.channel if strip is not None else None
    if strip is not None:
        _scene().sequence_editor.sequences.remove(strip)
    if image is not None:
        image.filepath = files[0]
        image.source = "SEQUENCE" if len(files) > 1 else "FILE"
        image.reload()
    if empty is not None:
        empty.image_user.frame_start = frame_start
        empty.image_user.frame_duration = len(files)
        empty.image_user.frame_offset = first_file_frame - 1
    editor = _scene().sequence_editor or _scene().sequence_editor_create()
    new_strip = editor.sequences.new_image(record.get("productName") or record["key"], files[0], channel or 1, frame_start)
    for f in files[1:]:
        new_strip.elements.append(os.path.basename(f))
    objects = [t for t in record["objects"] if not t.startswith("strip:")] + ["strip:%s" % new_strip.name]
    return {"objects": objects, "path": files[0]}


# --- linked .blend ----------------------------------------------------------


def _file_arg(args, request):
    path = args.get("path")
    if not isinstance(path, str) or not os.path.isfile(path):
        raise FileNotFoundError("%s: no such file: %s" % (request, path))
    return path


def _top_level(collections):
    children = set()
    for c in collections:
        for child in c.children:
            children.add(child.name)
    return [c for c in collections if c.name not in children]


def blend_load(args, name):
    import bpy

    path = _file_arg(args, "load.blend")
    before = set(bpy.data.libraries)
    with bpy.data.libraries.load(path, link=True, relative=False) as (source, target):
        target.collections = list(source.collections)
    linked = [c for c in target.collections if c is not None]
    if not linked:
        raise ValueError("load.blend: %s has no collections to link" % path)
    library = next((lib for lib in bpy.data.libraries if lib not in before), None) or linked[0].library
    objects = []
    for collection in _top_level(linked):
        empty = bpy.data.objects.new("%s_%s" % (name, collection.name), None)
        empty.instance_type = "COLLECTION"
        empty.instance_collection = collection
        _scene().collection.objects.link(empty)
        objects.append("object:%s" % empty.name)
    objects.append("library:%s" % library.name)
    return {"objects": objects, "path": path}


def blend_update(args, record):
    path = _file_arg(args, "update.blend")
    library = next((obj for kind, _, obj in _parts(record) if kind == "library" and obj is not None), None)
    if library is None:
        raise ValueError("the linked library of container %s is gone from this scene: remove it and load it again" % record["key"])
    library.filepath = path
    library.reload()
    return {"objects": record["objects"], "path": path}


# --- movie ------------------------------------------------------------------


def _has_sound(path):
    """True when the movie has an audio stream (Blender reads none: sample rate 0)."""
    import bpy

    probe = bpy.data.sounds.load(path, check_existing=False)
    try:
        return probe.samplerate > 0
    finally:
        bpy.data.sounds.remove(probe)


def _add_movie(name, path, frame_start, channel=None):
    editor = _scene().sequence_editor or _scene().sequence_editor_create()
    if channel is None:
        used = [s.channel for s in editor.sequences_all]
        channel = (max(used) + 1) if used else 1
    strip = editor.sequences.new_movie(name, path, channel, frame_start)
    objects = ["strip:%s" % strip.name]
    if _has_sound(path):
        sound = editor.sequences.new_sound("%s.sound" % name, path, channel + 1, frame_start)
        objects.append("strip:%s" % sound.name)
        objects.append("sound:%s" % sound.sound.name)
    return objects


def movie_load(args, name):
    path = _file_arg(args, "load.movie")
    return {"objects": _add_movie(name, path, int(args.get("frameStart", 1))), "path": path}


def movie_update(args, record):
    path = _file_arg(args, "update.movie")
    strips = [obj for kind, _, obj in _parts(record) if kind == "strip" and obj is not None]
    channel = min(s.channel for s in strips) if strips else None
    _remove_parts(record)
    name = record.get("productName") or record["key"]
    return {"objects": _add_movie(name, path, int(args.get("frameStart", 1)), channel), "path": path}


# --- requests ---------------------------------------------------------------


def _remove_parts(record):
    """Deletes what a container made (its typed names), strips before the data they use."""
    import bpy

    order = {"strip": 0, "object": 1, "image": 2, "sound": 2, "library": 3}
    for kind, _, obj in sorted(_parts(record), key=lambda p: order.get(p[0], 4)):
        if obj is None:
            continue
        if kind == "object":
            bpy.data.objects.remove(obj, do_unlink=True)
        elif kind == "strip":
            _scene().sequence_editor.sequences.remove(obj)
        elif kind == "image":
            bpy.data.images.remove(obj)
        elif kind == "sound" and obj.users == 0:  # another strip may still play it
            bpy.data.sounds.remove(obj)
        elif kind == "library":
            bpy.data.libraries.remove(obj)


def load(args):
    """Runs the named loader's half and records the container: ONE request, ONE read-modify-write."""
    half = registry.loader(args.get("loader"))
    record = args.get("record")
    name = record.get("key") if isinstance(record, dict) else None
    if not isinstance(name, str) or not name:
        raise TypeError("load.run: args.record must be the container record, with a key")
    loader_args = args.get("args") if isinstance(args.get("args"), dict) else {}
    objects, path = _made(half["load"](loader_args, name), "load.run")
    record = _record(record, objects, path)
    data = pipeline.read()
    data["containers"][record["key"]] = record
    pipeline.write(data)
    return record


def update(args):
    """Points a container at another version through its loader's half (args.args: the loader's arguments)."""
    key = args.get("key")
    data = pipeline.read()
    record = data["containers"].get(key)
    if record is None:
        raise KeyError("no container %r in this scene" % (key,))
    half = registry.loader(record.get("loader"))
    loader_args = args.get("args") if isinstance(args.get("args"), dict) else {}
    objects, path = _made(half["update"](loader_args, record), "container.update")
    record = dict(record)
    record.update({"version": args.get("version", record.get("version")), "objects": objects, "path": path or record.get("path")})
    data["containers"][key] = record
    pipeline.write(data)
    return record


def remove(args):
    key = args.get("key")
    data = pipeline.read()
    record = data["containers"].get(key)
    if record is None:
        raise KeyError("no container %r in this scene" % (key,))
    half = registry.LOADERS.get(record.get("loader"))
    if half is not None and half["remove"] is not None:
        half["remove"](record)
    else:
        _remove_parts(record)
    del data["containers"][key]
    pipeline.write(data)
    return {"removed": key}


def listing(args):
    """Every container with the parts that are gone from the scene."""
    out = []
    for key, record in sorted(pipeline.read()["containers"].items()):
        missing = [typed for typed, (_, _, obj) in zip(record.get("objects", []), _parts(record)) if obj is None]
        item = dict(record)
        item["missing"] = missing
        out.append(item)
    return out


registry.register_loader("imageSequence", image_sequence_load, image_sequence_update)
registry.register_loader("blend", blend_load, blend_update)
registry.register_loader("movie", movie_load, movie_update)

REQUESTS = {
    "load.run": (load, True),
    "container.update": (update, True),
    "container.remove": (remove, True),
    "container.list": (listing, True),
}
