"""The named requests this Houdini serves to the hub.

REQUESTS is an explicit allow-list: a request name is looked up in it and
nothing else; no attribute lookup or import is ever driven by a peer's string.
Each entry is (handler, on_main_thread). Handlers marked on_main_thread run on
Houdini's main thread and may use hou; the others (ping) run on the socket
thread and must never touch hou, so they answer while the main thread is busy.
"""

import os

from dcckit_client import pyexec
from dcckit_client.args import string_arg
from dcckit_client.host import UnknownRequestError  # noqa: F401


class NodeNotFoundError(LookupError):
    pass


def _hou_path(path):
    # Houdini wants forward slashes; AYON reports backslash paths crashing hipFile.save.
    return path.replace("\\", "/")


def _is_plain_path(path):
    """False for paths with Houdini variables ($HIP, $JOB): only hou can expand those."""
    return "$" not in path


# ---- scene ------------------------------------------------------------------


def hip_open(args):
    import hou

    path = string_arg(args, "path", "hip.open")
    if _is_plain_path(path) and not os.path.isfile(path):
        raise FileNotFoundError("hip.open: no such file: %s" % path)
    warnings = []
    load_warning = getattr(hou, "LoadWarning", None)
    try:
        hou.hipFile.load(_hou_path(path), suppress_save_prompt=True, ignore_load_warnings=False)
    except Exception as error:
        # A LoadWarning means the file did load, with warnings worth reporting.
        if load_warning is None or not isinstance(error, load_warning):
            raise
        warnings.append(str(error))
    return {"path": hou.hipFile.path(), "warnings": warnings}


def hip_save(args):
    import hou

    path = string_arg(args, "path", "hip.save", required=False)
    if path is None:
        hou.hipFile.save(save_to_recent_files=True)
    else:
        folder = os.path.dirname(path)
        if folder and _is_plain_path(path):
            os.makedirs(folder, exist_ok=True)
        hou.hipFile.save(file_name=_hou_path(path), save_to_recent_files=True)
    return {"path": hou.hipFile.path()}


def _plain_number(value):
    value = float(value)
    return int(value) if value.is_integer() else value


def hip_info(args):
    import hou

    frame_range = hou.playbar.frameRange()
    return {
        "path": hou.hipFile.path(),
        "frameRange": [_plain_number(frame_range[0]), _plain_number(frame_range[1])],
        "fps": _plain_number(hou.fps()),
        "dirty": bool(hou.hipFile.hasUnsavedChanges()),
    }


def nodes_list(args):
    import hou

    path = string_arg(args, "path", "nodes.list", required=False) or "/obj"
    recursive = args.get("recursive", False)
    if not isinstance(recursive, bool):
        raise TypeError("nodes.list: args.recursive must be true or false")
    node = hou.node(path)
    if node is None:
        raise NodeNotFoundError("nodes.list: there is no node at %s" % path)
    found = node.allSubChildren() if recursive else node.children()
    return [{"path": child.path(), "name": child.name(), "type": child.type().name()} for child in found]


REQUESTS = {
    "ping": pyexec.COMMON_REQUESTS["ping"],
    "python.exec": pyexec.COMMON_REQUESTS["python.exec"],
    "python.eval": pyexec.COMMON_REQUESTS["python.eval"],
    "hip.open": (hip_open, True),
    "hip.save": (hip_save, True),
    "hip.info": (hip_info, True),
    "nodes.list": (nodes_list, True),
}

