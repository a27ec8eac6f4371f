"""python.exec and python.eval: the caller's Python run in one shared namespace.

Every python.exec/eval of a process shares one namespace, seeded with the
host's modules (hou for Houdini, bpy for Blender) when they import. Tracebacks
show the caller's own source lines: each snippet gets a pseudo-file registered
in linecache.
"""

import builtins
import collections
import contextlib
import io
import itertools
import linecache

from . import replies

# Modules imported into the namespace when it is made; a host sets this before its first request.
namespace_modules = ()

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
        for name in namespace_modules:
            try:
                _namespace[name] = __import__(name)
            except ImportError:
                pass
    return _namespace


def _compile_user_code(source, kind, mode):
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
    expression = args.get("expr")
    if not isinstance(expression, str) or not expression:
        raise TypeError("python.eval needs args.expr, a non-empty string")
    value = eval(_compile_user_code(expression, "eval", "eval"), _namespace_for_user_code())
    replies.check_serialisable(value, "python.eval result")
    return value


def ping(args):
    return "pong"


# Served by every host; (handler, on_main_thread). ping runs on the socket thread.
COMMON_REQUESTS = {
    "ping": (ping, False),
    "python.exec": (python_exec, True),
    "python.eval": (python_eval, True),
}
