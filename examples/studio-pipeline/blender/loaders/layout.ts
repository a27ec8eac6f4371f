/**
 * A Blender studio loader: a published layout (the JSON ../../plugins/extract-layout.ts writes from a Harmony
 * peg: x, y, scaleX, scaleY) becomes an empty placed and scaled the same way. The Node half reads and checks
 * the file; the Blender half (the Python below, registered as "layout" on first use) makes the empty in ONE
 * request. Update sets the new values on the same empty; remove is the default (the container's objects).
 */
import fsp from 'node:fs/promises';
import type { BlenderLoader } from 'dcc-kit/blender';

const layout: BlenderLoader = {
  name: 'layout',
  label: 'Layout empty',
  families: ['layout'],
  representations: ['json'],
  async prepare({ files }) {
    const values = JSON.parse(await fsp.readFile(files[0]!, 'utf8')) as Record<string, unknown>;
    for (const k of ['x', 'y', 'scaleX', 'scaleY']) {
      if (typeof values[k] !== 'number') throw new Error(`${files[0]} is not a layout: ${k} must be a number`);
    }
    return { path: files[0], values };
  },
  blenderScript: `
import bpy
from dcckit_blender import registry

def _layout_apply(obj, values):
    obj.location = (values["x"], values["y"], 0.0)
    obj.scale = (values["scaleX"], values["scaleY"], 1.0)

def _layout_load(args, name):
    obj = bpy.data.objects.new(name, None)
    obj.empty_display_type = "PLAIN_AXES"
    _layout_apply(obj, args["values"])
    bpy.context.scene.collection.objects.link(obj)
    return {"objects": ["object:" + obj.name], "path": args["path"]}

def _layout_update(args, record):
    name = record["objects"][0].split(":", 1)[1]
    obj = bpy.data.objects.get(name)
    if obj is None:
        raise ValueError("the layout empty %s is gone from the scene: remove the container and load it again" % name)
    _layout_apply(obj, args["values"])
    return {"objects": record["objects"], "path": args["path"]}

registry.register_loader("layout", _layout_load, _layout_update)
`,
};

export default layout;
