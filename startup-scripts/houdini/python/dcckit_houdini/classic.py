"""Keeping the classic 123 startup chain intact.

Houdini runs only the FIRST scripts/123.py or 123.cmd found on its path (.py
before .cmd in the same folder). Ours sits early on the path, so without help it
would hide the one Houdini would otherwise run -- usually $HFS/houdini/scripts/
123.cmd, which sets up the default session. After starting the client, our
123.py runs that next script itself.
"""

import os

from dcckit_client import log

_running = False


def _same_dir(a, b):
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def next_123_script(own_root, path_dirs):
    """The 123 script Houdini would have run had our root not been on the path."""
    later = list(path_dirs)
    for index, folder in enumerate(later):
        if _same_dir(folder, own_root):
            later = later[index + 1:]
            break
    for folder in later:
        if _same_dir(folder, own_root):
            continue
        for name in ("123.py", "123.cmd"):
            candidate = os.path.join(folder, "scripts", name)
            if os.path.isfile(candidate):
                return candidate
    return None


def run_next_123(own_root):
    """Run the shadowed 123 script on the main thread; returns its path or None."""
    global _running
    if _running:  # a second copy of our 123.py on the path chained back to us
        return None
    import hou

    script = next_123_script(own_root, hou.houdiniPath())
    if script is None:
        return None
    _running = True
    try:
        if script.endswith(".py"):
            with open(script, "rb") as handle:
                code = compile(handle.read(), script, "exec")
            exec(code, {"__name__": "__main__", "__file__": script})
        else:
            hou.hscript('source "%s"' % script.replace("\\", "/"))
        log.debug("ran the next 123 script: %s" % script)
    finally:
        _running = False
    return script
