"""A stand-in for Houdini's `hou` module, for testing dcckit_houdini with python3.

Models the parts dcckit_houdini uses, with Houdini's documented behaviour:
  - the main-thread rule, made strict: every function raises NotOnMainThread
    when called from any thread but the main one (and records the violation in
    `_violations`, so a test notices even if the caller swallowed the error);
  - hipFile: path (untitled.hip in the start directory until saved/loaded),
    save/load of real files (JSON here), clear, unsaved-changes flag, event
    callbacks (Before/After Save, Load, Clear) run synchronously on the main
    thread, LoadWarning raised *after* a load that had warnings;
  - a node tree (/obj, /out, /stage, /mat) with createNode, children,
    allSubChildren, node(path) -> None when missing;
  - fps, playbar.frameRange, isUIAvailable (switchable), applicationVersionString,
    houdiniPath, hscript (recorded).
Test-only helpers start with an underscore: _reset(ui=...), _violations, ...
A process that imports it starts with a UI unless HOU_STUB_UI=0 (hython).
"""

import json
import os
import threading


class Error(Exception):
    def instanceMessage(self):
        return str(self)


class OperationFailed(Error):
    pass


class LoadWarning(Error):
    pass


class NotOnMainThread(RuntimeError):
    pass


_violations = []
_hscript_log = []


def _main_thread_only(function):
    def checked(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            message = "hou.%s called from thread %r, not the main thread" % (
                function.__name__,
                threading.current_thread().name,
            )
            _violations.append(message)
            raise NotOnMainThread(message)
        return function(*args, **kwargs)

    checked.__name__ = function.__name__
    checked.__doc__ = function.__doc__
    return checked


# ---- application ------------------------------------------------------------

_state = {}


def _reset(ui=True, version="20.5.278", cwd=None, path_dirs=()):
    """Test helper: a fresh session (main-thread rule not applied)."""
    del _violations[:]
    del _hscript_log[:]
    _state.clear()
    _state.update(
        ui=ui,
        version=version,
        fps=24.0,
        frame_range=(1.0, 240.0),
        hip=os.path.join(cwd or os.getcwd(), "untitled.hip").replace("\\", "/"),
        dirty=False,
        callbacks=[],
        callback_errors=[],
        path_dirs=list(path_dirs),
    )
    _build_default_tree()


@_main_thread_only
def isUIAvailable():
    return _state["ui"]


@_main_thread_only
def applicationVersionString():
    return _state["version"]


@_main_thread_only
def fps():
    return _state["fps"]


@_main_thread_only
def setFps(value):
    _state["fps"] = float(value)
    _state["dirty"] = True


@_main_thread_only
def houdiniPath(pathvar=None):
    return tuple(_state["path_dirs"])


@_main_thread_only
def hscript(command):
    _hscript_log.append(command)
    return ("", "")


class _Playbar:
    @_main_thread_only
    def frameRange(self):
        return _state["frame_range"]

    @_main_thread_only
    def setFrameRange(self, start, end):
        _state["frame_range"] = (float(start), float(end))
        _state["dirty"] = True


playbar = _Playbar()


# ---- nodes -------------------------------------------------------------------


class NodeType:
    def __init__(self, name):
        self._name = name

    @_main_thread_only
    def name(self):
        return self._name


class Node:
    def __init__(self, parent, name, type_name):
        self._parent = parent
        self._name = name
        self._type = NodeType(type_name)
        self._children = []

    @_main_thread_only
    def path(self):
        if self._parent is None:
            return "/"
        parent = self._parent.path()
        return (parent if parent != "/" else "") + "/" + self._name

    @_main_thread_only
    def name(self):
        return self._name

    @_main_thread_only
    def type(self):
        return self._type

    @_main_thread_only
    def parent(self):
        return self._parent

    @_main_thread_only
    def children(self):
        return tuple(self._children)

    @_main_thread_only
    def allSubChildren(self, top_down=True, recurse_in_locked_nodes=True):
        found = []
        for child in self._children:
            found.append(child)
            found.extend(child.allSubChildren())
        return tuple(found)

    @_main_thread_only
    def createNode(self, node_type_name, node_name=None):
        base = node_name or (node_type_name + "1")
        name = base
        existing = {child._name for child in self._children}
        number = 1
        while name in existing:
            number += 1
            name = base.rstrip("0123456789") + str(number)
        child = Node(self, name, node_type_name)
        self._children.append(child)
        _state["dirty"] = True
        return child

    @_main_thread_only
    def destroy(self):
        self._parent._children.remove(self)
        _state["dirty"] = True

    def __repr__(self):
        return "<hou.Node %s>" % self.path()


_CONTEXTS = (("obj", "objnet"), ("out", "ropnet"), ("stage", "lopnet"), ("mat", "matnet"))


def _build_default_tree():
    root = Node(None, "", "root")
    for name, type_name in _CONTEXTS:
        root._children.append(Node(root, name, type_name))
    _state["root"] = root


def _find(path):
    if not path.startswith("/"):
        return None
    node = _state["root"]
    for part in [p for p in path.split("/") if p]:
        matches = [child for child in node._children if child._name == part]
        if not matches:
            return None
        node = matches[0]
    return node


@_main_thread_only
def node(path):
    return _find(path)


# ---- hipFile -------------------------------------------------------------------


class hipFileEventType:
    BeforeClear = "BeforeClear"
    AfterClear = "AfterClear"
    BeforeLoad = "BeforeLoad"
    AfterLoad = "AfterLoad"
    BeforeMerge = "BeforeMerge"
    AfterMerge = "AfterMerge"
    BeforeSave = "BeforeSave"
    AfterSave = "AfterSave"


def _fire(event_type):
    for callback in list(_state["callbacks"]):
        try:
            callback(event_type)
        except Exception as error:  # Houdini prints callback errors and carries on
            _state["callback_errors"].append(error)


def _scene_dict():
    nodes = []

    def walk(node):
        for child in node._children:
            nodes.append([child.path(), child._type._name])
            walk(child)

    for context in _state["root"]._children:
        walk(context)
    return {"fps": _state["fps"], "frameRange": list(_state["frame_range"]), "nodes": nodes}


class _HipFile:
    @_main_thread_only
    def path(self):
        return _state["hip"]

    @_main_thread_only
    def basename(self):
        return os.path.basename(_state["hip"])

    @_main_thread_only
    def hasUnsavedChanges(self):
        return _state["dirty"]

    @_main_thread_only
    def save(self, file_name=None, save_to_recent_files=True):
        target = file_name or _state["hip"]
        _fire(hipFileEventType.BeforeSave)
        try:
            with open(target, "w") as handle:
                json.dump(_scene_dict(), handle)
        except OSError as error:
            raise OperationFailed("Unable to save %s: %s" % (target, error))
        _state["hip"] = target.replace("\\", "/")
        _state["dirty"] = False
        _fire(hipFileEventType.AfterSave)

    @_main_thread_only
    def load(self, file_name, suppress_save_prompt=False, ignore_load_warnings=False):
        try:
            with open(file_name) as handle:
                scene = json.load(handle)
        except (OSError, ValueError) as error:
            raise OperationFailed("Unable to load %s: %s" % (file_name, error))
        _fire(hipFileEventType.BeforeLoad)
        _build_default_tree()
        for path, type_name in scene.get("nodes", []):
            parent_path, _, name = path.rpartition("/")
            parent = _find(parent_path or "/")
            child = Node(parent, name, type_name)
            parent._children.append(child)
        _state["fps"] = float(scene.get("fps", 24.0))
        _state["frame_range"] = tuple(float(x) for x in scene.get("frameRange", (1.0, 240.0)))
        _state["hip"] = file_name.replace("\\", "/")
        _state["dirty"] = False
        _fire(hipFileEventType.AfterLoad)
        warnings = scene.get("loadWarnings")
        if warnings and not ignore_load_warnings:
            raise LoadWarning("\n".join(warnings))

    @_main_thread_only
    def clear(self, suppress_save_prompt=False):
        _fire(hipFileEventType.BeforeClear)
        _build_default_tree()
        _state["hip"] = os.path.join(os.path.dirname(_state["hip"]), "untitled.hip").replace("\\", "/")
        _state["dirty"] = False
        _fire(hipFileEventType.AfterClear)

    @_main_thread_only
    def addEventCallback(self, callback):
        _state["callbacks"].append(callback)

    @_main_thread_only
    def removeEventCallback(self, callback):
        if callback not in _state["callbacks"]:
            raise OperationFailed("callback is not registered")
        _state["callbacks"].remove(callback)

    @_main_thread_only
    def eventCallbacks(self):
        return tuple(_state["callbacks"])


hipFile = _HipFile()

_reset(ui=os.environ.get("HOU_STUB_UI", "1") != "0")
