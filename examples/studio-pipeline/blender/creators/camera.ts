/**
 * A Blender studio creator in ONE file: a shot camera (a camera object named camera<Variant>) published as a
 * "camera" product by the studio's own plugins. Its Blender half is the Python below, which dcc-kit runs in
 * Blender the first time the creator is used in a session (registering it by name).
 */
import type { BlenderCreator } from 'dcc-kit/blender';

const camera: BlenderCreator = {
  name: 'camera',
  label: 'Shot camera',
  family: 'camera',
  description: 'A camera named after the product',
  attributes: {
    lens: { type: 'enum', values: ['35', '50'], default: '35', label: 'Lens (mm)' },
  },
  prepare: ({ record }) => ({ lens: Number(record.attributes.lens) }),
  blenderScript: `
import bpy
from dcckit_blender import registry

def _camera_create(args, record):
    name = record["productName"]
    if name in bpy.data.objects:
        raise ValueError("an object named %s already exists: choose another variant" % name)
    cam = bpy.data.objects.new(name, bpy.data.cameras.new(name))
    cam.data.lens = args["lens"]
    bpy.context.scene.collection.objects.link(cam)
    record["object"] = cam.name
    return record

def _camera_remove(record):
    obj = bpy.data.objects.get(record.get("object", ""))
    if obj is not None:
        bpy.data.objects.remove(obj, do_unlink=True)

registry.register_creator("camera", _camera_create, _camera_remove)
`,
};

export default camera;
