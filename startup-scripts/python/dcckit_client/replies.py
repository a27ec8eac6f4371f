"""Building reply frames: results checked for JSON, exceptions made structured."""

import math
import os
import traceback

from . import framing

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# Frames of the request plumbing say nothing useful to the caller.
_PLUMBING = frozenset(
    os.path.join(_PACKAGE_DIR, name) for name in ("mainthread.py", "client.py", "replies.py")
)
USER_CODE_PREFIX = "<dcckit-"


def _type_name(value):
    kind = type(value)
    module = getattr(kind, "__module__", "builtins")
    name = getattr(kind, "__qualname__", kind.__name__)
    return name if module == "builtins" else "%s.%s" % (module, name)


def _find_unserialisable(value, where, seen):
    """Return (where, reason) for the first part json cannot encode, or None."""
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        if math.isfinite(value):
            return None
        return where, "is the float %r, which JSON cannot represent" % value
    if isinstance(value, (list, tuple, dict)):
        if id(value) in seen:
            return where, "is a circular reference"
        seen = seen | {id(value)}
        if isinstance(value, dict):
            for key, item in value.items():
                if not (key is None or isinstance(key, (str, int, float, bool))):
                    return "%s (a key)" % ("%s[%r]" % (where, key)), "is of type %s, not a string" % _type_name(key)
                found = _find_unserialisable(item, "%s[%r]" % (where, key), seen)
                if found:
                    return found
        else:
            for index, item in enumerate(value):
                found = _find_unserialisable(item, "%s[%d]" % (where, index), seen)
                if found:
                    return found
        return None
    return where, "is of type %s" % _type_name(value)


_PLAIN = frozenset((type(None), str, int, bool))


def check_serialisable(value, what):
    """Raise TypeError naming the offending part and its type."""
    if type(value) in _PLAIN:
        return
    try:
        framing.dumps(value)
        return
    except (TypeError, ValueError, RecursionError):
        pass
    found = _find_unserialisable(value, what, frozenset())
    where, reason = found if found else (what, "is of type %s" % _type_name(value))
    raise TypeError(
        "%s cannot be sent as JSON: %s %s; return plain data (str, number, bool, None, list, dict), "
        "e.g. node.path() rather than a node" % (what, where, reason)
    )


def _trim(tb):
    frames = []
    walk = tb
    while walk is not None:
        frames.append(walk)
        walk = walk.tb_next
    for entry in frames:
        if entry.tb_frame.f_code.co_filename.startswith(USER_CODE_PREFIX):
            return entry
    for entry in frames:
        if os.path.abspath(entry.tb_frame.f_code.co_filename) not in _PLUMBING:
            return entry
    return None


def error_object(error):
    name = type(error).__name__
    try:
        message = str(error)
    except Exception:
        message = repr(error)
    if not message:
        message = name
    stack = "".join(traceback.format_exception(type(error), error, _trim(error.__traceback__)))
    return {"name": name, "message": message, "stack": stack}


def error_frame(message_id, error):
    return framing.encode({"message_id": message_id, "reply": True, "error": error_object(error)})


def result_frame(message_id, result):
    """Encode a result reply, or an error reply when the result cannot be sent."""
    try:
        return framing.encode({"message_id": message_id, "reply": True, "result": result})
    except (TypeError, ValueError, RecursionError):
        # Only now look for the part JSON cannot encode, to name it.
        try:
            check_serialisable(result, "result")
            raise TypeError("the result cannot be sent as JSON; return plain data (str, number, bool, None, list, dict)")
        except TypeError as error:
            return error_frame(message_id, error)
    except framing.FrameTooLargeError as error:
        return error_frame(message_id, framing.FrameTooLargeError(
            "the result is too large to send (%s); return less data or write it to a file "
            "and return the path" % error))
