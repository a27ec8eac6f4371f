"""Pipeline data kept inside the .blend: ONE text datablock, "dcckit.pipeline".

It holds a JSON object {"instances": {key: record}, "containers": {key: record}}.
Text datablocks are saved with the .blend and survive copies; every change is
one read-modify-write in one request on the main thread, so two changes never
interleave.
"""

import json

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


REQUESTS = {
    "pipeline.get": (pipeline_get, True),
    "pipeline.set": (pipeline_set, True),
}
