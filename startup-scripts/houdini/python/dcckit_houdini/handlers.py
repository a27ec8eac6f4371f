"""The named requests this Houdini serves to the hub.

REQUESTS is an explicit allow-list: a request name is looked up in it and
nothing else; no attribute lookup or import is ever driven by a peer's string.
Each entry is (handler, on_main_thread). Handlers marked on_main_thread run on
Houdini's main thread and may use hou; the others (ping) run on the socket
thread and must never touch hou, so they answer while the main thread is busy.
"""

import builtins
import collections
import contextlib
import io
import itertools
import linecache
import os

from . import replies


class UnknownRequestError(LookupError):
    pass


class NodeNotFoundError(LookupError):
    pass


def _string_arg(args, key, request, required=True):
    value = args.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise TypeError("%s needs args.%s, a non-empty string" % (request, key))
    return value


def _hou_path(path):
    # Houdini wants forward slashes; AYON reports backslash paths crashing hipFile.save.
    return path.replace("\\", "/")


def _is_plain_path(path):
    """False for paths with Houdini variables ($HIP, $JOB): only hou can expand those."""
    return "$" not in path


# ---- python.exec / python.eval ------------------------------------------------

_namespace = None
_snippet_numbers = itertools.count(1)
# Source of recent snippets is kept for tracebacks; older ones are forgotten so
# a pipeline that sends thousands of snippets does not grow the process.
_KEPT_SNIPPETS = 200
_kept_snippets = collections.deque()


def _namespace_for_user_code():
    """One namespace shared by every python.exec/eval call of this process."""
    global _namespace
    if _namespace is None:
        _namespace = {"__name__": "__dcckit__", "__builtins__": builtins}
        try:
            import hou

            _namespace["hou"] = hou
        except ImportError:
            pass
    return _namespace


def _compile_user_code(source, kind, mode):
    # A unique pseudo-file per snippet, registered in linecache, so tracebacks
    # show the caller's source lines.
    filename = "%s%s-%d>" % (replies.USER_CODE_PREFIX, kind, next(_snippet_numbers))
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    _kept_snippets.append(filename)
    while len(_kept_snippets) > _KEPT_SNIPPETS:
        linecache.cache.pop(_kept_snippets.popleft(), None)
    return compile(source, filename, mode)


def python_exec(args):
    source = args.get("code")
    if not isinstance(source, str):
        raise TypeError("python.exec needs args.code, a string of Python source")
    code = _compile_user_code(source, "exec", "exec")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        exec(code, _namespace_for_user_code())
    return {"stdout": stdout.getvalue(), "stderr": stderr.getvalue()}


def python_eval(args):
    expression = _string_arg(args, "expr", "python.eval")
    value = eval(_compile_user_code(expression, "eval", "eval"), _namespace_for_user_code())
    replies.check_serialisable(value, "python.eval result")
    return value


# ---- scene ------------------------------------------------------------------


def hip_open(args):
    import hou

    path = _string_arg(args, "path", "hip.open")
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

    path = _string_arg(args, "path", "hip.save", required=False)
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

    path = _string_arg(args, "path", "nodes.list", required=False) or "/obj"
    recursive = args.get("recursive", False)
    if not isinstance(recursive, bool):
        raise TypeError("nodes.list: args.recursive must be true or false")
    node = hou.node(path)
    if node is None:
        raise NodeNotFoundError("nodes.list: there is no node at %s" % path)
    found = node.allSubChildren() if recursive else node.children()
    return [{"path": child.path(), "name": child.name(), "type": child.type().name()} for child in found]


def ping(args):
    return "pong"


REQUESTS = {
    "ping": (ping, False),
    "python.exec": (python_exec, True),
    "python.eval": (python_eval, True),
    "hip.open": (hip_open, True),
    "hip.save": (hip_save, True),
    "hip.info": (hip_info, True),
    "nodes.list": (nodes_list, True),
}


def lookup(name):
    """Return (handler, on_main_thread) for a request name, or raise UnknownRequestError."""
    entry = REQUESTS.get(name) if isinstance(name, str) else None
    if entry is None:
        raise UnknownRequestError(
            "unknown request %r; this Houdini serves: %s" % (name, ", ".join(sorted(REQUESTS)))
        )
    return entry
