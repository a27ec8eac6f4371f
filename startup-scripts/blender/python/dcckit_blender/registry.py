"""The Blender halves of creators and loaders, registered by name.

The hub names the creator or loader and sends ONE request (create.run,
load.run, container.update, container.remove, instance.remove); the half
registered under that name does the Blender work. Built-in halves register
here when the package loads (creators.py, containers.py); a studio record's
`blenderScript` registers its own (the hub runs it with python.exec on first
use):

    from dcckit_blender import registry
    registry.register_loader("camera", load=..., update=..., remove=None)

  creator create(args, record) -> the record to keep (a dict with a "key"),
          remove(record) (optional: what it made in the scene)
  loader  load(args, name) -> {"objects": [typed names], "path": str},
          update(args, record) -> {"objects": [...], "path": str},
          remove(record) (optional: the default deletes the typed names)

Typed names are object:<name>, strip:<name>, image:<name>, sound:<name>,
movieclip:<name>, library:<name> (see containers.py).
"""

CREATORS = {}
LOADERS = {}


class NotRegisteredError(LookupError):
    pass


def _check_name(kind, name):
    if not isinstance(name, str) or not name:
        raise TypeError("a %s half needs a name (a non-empty string)" % kind)


def register_creator(name, create, remove=None):
    _check_name("creator", name)
    if not callable(create) or (remove is not None and not callable(remove)):
        raise TypeError("register_creator(%r): create (and remove, when given) must be functions" % name)
    CREATORS[name] = {"create": create, "remove": remove}


def register_loader(name, load, update, remove=None):
    _check_name("loader", name)
    if not callable(load) or not callable(update) or (remove is not None and not callable(remove)):
        raise TypeError("register_loader(%r): load and update (and remove, when given) must be functions" % name)
    LOADERS[name] = {"load": load, "update": update, "remove": remove}


def creator(name):
    half = CREATORS.get(name)
    if half is None:
        raise NotRegisteredError('no creator "%s" is registered in this Blender' % name)
    return half


def loader(name):
    half = LOADERS.get(name)
    if half is None:
        raise NotRegisteredError('no loader "%s" is registered in this Blender' % name)
    return half


def names(args):
    """What is registered: {"creators": [...], "loaders": [...]}."""
    return {"creators": sorted(CREATORS), "loaders": sorted(LOADERS)}


REQUESTS = {
    "registry.names": (names, False),
}
