"""Pipeline data kept inside the .blend: ONE text datablock, "dcckit.pipeline".

It holds a JSON object {"instances": {key: record}, "containers": {key: record}}.
Text datablocks are saved with the .blend and survive copies; every change is
one read-modify-write in one request on the main thread, so two changes never
interleave.
"""

import json

from . import registry

TEXT_NAME = "dcckit.pipeline"
SECTIONS = ("instances", "containers")


def _text(create):
    import bpy

    text = bpy.data.texts.get(TEXT_NAME)
    if text is None and create:
        text = bpy.data.texts.new(TEXT_NAME)
        text.use_fake_user = True
    return text


def read():
    text = _text(False)
    data = {}
    if text is not None and text.as_string().strip():
        try:
            data = json.loads(text.as_string())
        except ValueError as error:
            raise ValueError("the %s text in this .blend is not JSON (%s); fix or delete it" % (TEXT_NAME, error))
    if not isinstance(data, dict):
        data = {}
    for section in SECTIONS:
        if not isinstance(data.get(section), dict):
            data[section] = {}
    return data


def write(data):
    text = _text(True)
    text.clear()
    text.write(json.dumps(data, indent=1, sort_keys=True))


def _section(args, request):
    section = args.get("section")
    if section not in SECTIONS:
        raise ValueError("%s: args.section must be one of %s" % (request, ", ".join(SECTIONS)))
    return section


def pipeline_get(args):
    return read()


def pipeline_set(args):
    """Sets (or, with value null, deletes) one record: ONE read-modify-write."""
    section = _section(args, "pipeline.set")
    key = args.get("key")
    if not isinstance(key, str) or not key:
        raise TypeError("pipeline.set needs args.key, a non-empty string")
    value = args.get("value")
    if value is not None and not isinstance(value, dict):
        raise TypeError("pipeline.set: args.value must be an object or null")
    data = read()
    if value is None:
        data[section].pop(key, None)
    else:
        data[section][key] = value
    write(data)
    return data


def create_run(args):
    """Runs the named creator's half on the new instance record and keeps what it returns: ONE request.

    An instance of the same key made for another folder (a scene copied from another shot) is replaced.
    """
    half = registry.creator(args.get("creator"))
    record = args.get("record")
    if not isinstance(record, dict) or not isinstance(record.get("key"), str) or not record.get("key"):
        raise TypeError("create.run: args.record must be the instance record, with a key")
    existing = read()["instances"].get(record["key"])
    if existing is not None:
        if existing.get("folder") == record.get("folder"):
            raise ValueError("this scene already has an instance %s: choose another variant, or remove that one first" % record["key"])
        # Made for another shot (the scene was copied here): recreating it here replaces it.
        stale = registry.CREATORS.get(existing.get("creator"))
        if stale is not None and stale["remove"] is not None:
            stale["remove"](existing)
    creator_args = args.get("args") if isinstance(args.get("args"), dict) else {}
    made = half["create"](creator_args, dict(record))
    if not isinstance(made, dict) or not isinstance(made.get("key"), str) or not made.get("key"):
        raise TypeError("the %s creator's half must return the instance record (a dict with a key)" % args.get("creator"))
    data = read()
    data["instances"][made["key"]] = made
    write(data)
    return made


def instance_remove(args):
    """Removes an instance, and what its creator's half made when it says how (its remove)."""
    key = args.get("key")
    data = read()
    record = data["instances"].get(key)
    if record is None:
        raise KeyError("no instance %r in this scene" % (key,))
    half = registry.CREATORS.get(record.get("creator"))
    if half is not None and half["remove"] is not None:
        half["remove"](record)
    del data["instances"][key]
    write(data)
    return {"removed": key}


def _render_create(args, record):
    # The render instance is the scene's own camera, engine and output size: nothing to make.
    return record


registry.register_creator("render", _render_create)

REQUESTS = {
    "pipeline.get": (pipeline_get, True),
    "pipeline.set": (pipeline_set, True),
    "create.run": (create_run, True),
    "instance.remove": (instance_remove, True),
}
