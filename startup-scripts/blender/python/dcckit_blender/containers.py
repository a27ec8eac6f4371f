"""Loading published products into the scene, and the containers that record them.

Each load is ONE request: it makes what Blender needs and records the container
in the dcckit.pipeline text (pipeline.py) in the same main-thread step. A
container's "objects" are typed names: object:<name>, strip:<name>,
image:<name>, library:<name>.

  image sequence -> an Image (a sequence when more than one file), an image
                    empty showing it in the viewport, and a VSE image strip;
  .blend         -> its collections linked (a Library) and the top-level ones
                    instanced by empties.
Update re-points the image or the library at another version (the empties and
their transforms stay); remove deletes only what the container made.
"""

import os

from . import pipeline


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


def _record(args, objects, path):
    record = args.get("record")
    if not isinstance(record, dict) or not isinstance(record.get("key"), str):
        raise TypeError("args.record must be the container record, with a key")
    record = dict(record)
    record["objects"] = objects
    record["path"] = path
    data = pipeline.read()
    data["containers"][record["key"]] = record
    pipeline.write(data)
    return record


def load_image_sequence(args):
    files = _files(args)
    name = args.get("name") or "sequence"
    frame_start = int(args.get("frameStart", 1))
    first_file_frame = int(args.get("firstFileFrame", frame_start))
    objects = _add_sequence(name, files, frame_start, first_file_frame)
    return _record(args, objects, files[0])


def _top_level(collections):
    children = set()
    for c in collections:
        for child in c.children:
            children.add(child.name)
    return [c for c in collections if c.name not in children]


def load_blend(args):
    import bpy

    path = args.get("path")
    if not isinstance(path, str) or not os.path.isfile(path):
        raise FileNotFoundError("load.blend: no such file: %s" % path)
    before = set(bpy.data.libraries)
    with bpy.data.libraries.load(path, link=True, relative=False) as (source, target):
        target.collections = list(source.collections)
    linked = [c for c in target.collections if c is not None]
    if not linked:
        raise ValueError("load.blend: %s has no collections to link" % path)
    library = next((lib for lib in bpy.data.libraries if lib not in before), None) or linked[0].library
    name = args.get("name") or os.path.splitext(os.path.basename(path))[0]
    objects = []
    for collection in _top_level(linked):
        empty = bpy.data.objects.new("%s_%s" % (name, collection.name), None)
        empty.instance_type = "COLLECTION"
        empty.instance_collection = collection
        _scene().collection.objects.link(empty)
        objects.append("object:%s" % empty.name)
    objects.append("library:%s" % library.name)
    return _record(args, objects, path)


def update(args):
    """Points a container at other files (args.files for a sequence, args.path for a .blend)."""
    key = args.get("key")
    data = pipeline.read()
    record = data["containers"].get(key)
    if record is None:
        raise KeyError("no container %r in this scene" % (key,))
    parts = _parts(record)
    library = next((obj for kind, _, obj in parts if kind == "library" and obj is not None), None)
    if library is not None:
        path = args.get("path")
        if not isinstance(path, str) or not os.path.isfile(path):
            raise FileNotFoundError("no such file: %s" % path)
        library.filepath = path
        library.reload()
        new_path = path
        objects = record["objects"]
    else:
        files = _files(args)
        frame_start = int(args.get("frameStart", 1))
        first_file_frame = int(args.get("firstFileFrame", frame_start))
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
        new_strip = editor.sequences.new_image(record.get("productName") or key, files[0], channel or 1, frame_start)
        for f in files[1:]:
            new_strip.elements.append(os.path.basename(f))
        objects = [t for t in record["objects"] if not t.startswith("strip:")] + ["strip:%s" % new_strip.name]
        new_path = files[0]
    record = dict(record)
    record.update({"version": args.get("version", record.get("version")), "objects": objects, "path": new_path})
    data["containers"][key] = record
    pipeline.write(data)
    return record


def remove(args):
    import bpy

    key = args.get("key")
    data = pipeline.read()
    record = data["containers"].get(key)
    if record is None:
        raise KeyError("no container %r in this scene" % (key,))
    for kind, _, obj in _parts(record):
        if obj is None:
            continue
        if kind == "object":
            bpy.data.objects.remove(obj, do_unlink=True)
        elif kind == "strip":
            _scene().sequence_editor.sequences.remove(obj)
        elif kind == "image":
            bpy.data.images.remove(obj)
        elif kind == "library":
            bpy.data.libraries.remove(obj)
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


REQUESTS = {
    "load.imageSequence": (load_image_sequence, True),
    "load.blend": (load_blend, True),
    "container.update": (update, True),
    "container.remove": (remove, True),
    "container.list": (listing, True),
}
