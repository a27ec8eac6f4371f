# dcc-kit bootstrap for the classic setup (this scripts/ folder on
# HOUDINI_SCRIPT_PATH or HOUDINI_PATH). Houdini FX runs only the FIRST
# 123.py/123.cmd on its path when it starts without a scene, so after starting
# the client this runs the 123 script ours hides (normally
# $HFS/houdini/scripts/123.cmd). Starting twice (pythonrc.py already did) is
# harmless: start() is a singleton. Never breaks Houdini's startup; does not
# rely on __file__.


def _dcckit_bootstrap_123():
    import os
    import sys
    import traceback

    root = os.environ.get("DCC_KIT_HOUDINI_ROOT")
    if not root and globals().get("__file__"):
        # <root>/scripts/123.py
        root = os.path.dirname(os.path.dirname(os.path.abspath(globals()["__file__"])))
    classic = None
    if root:
        try:
            # <root>/python holds dcckit_houdini; <root>/../python the shared dcckit_client.
            for python_dir in (os.path.join(root, "..", "python"), os.path.join(root, "python")):
                python_dir = os.path.normpath(python_dir)
                if python_dir not in sys.path:
                    sys.path.insert(0, python_dir)
            import dcckit_houdini
            import dcckit_houdini.classic as classic

            dcckit_houdini.start()
        except Exception:
            print("[dcc-kit] not started; Houdini continues without it:\n" + traceback.format_exc())
    else:
        print("[dcc-kit] not started: DCC_KIT_HOUDINI_ROOT is not set (is the dcckit package installed?)")
    try:
        if classic is not None:
            classic.run_next_123(root)
        else:
            import hou

            hou.hscript("source 123.cmd")
    except Exception:
        print("[dcc-kit] the next 123 script failed:\n" + traceback.format_exc())


_dcckit_bootstrap_123()
del _dcckit_bootstrap_123
