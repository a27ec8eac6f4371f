# dcc-kit bootstrap: Houdini runs every scripts/python/pythonrc.py on its path
# at startup (GUI and hython). It must never break that startup, must not rely
# on __file__ (Houdini may exec this file without it), and must not leave names
# behind in the namespace it shares with other pythonrc files.


def _dcckit_bootstrap():
    import os
    import sys
    import traceback

    try:
        root = os.environ.get("DCC_KIT_HOUDINI_ROOT")
        if not root:
            here = globals().get("__file__")
            if not here:
                print("[dcc-kit] not started: DCC_KIT_HOUDINI_ROOT is not set (is the dcckit package installed?)")
                return
            # <root>/scripts/python/pythonrc.py
            root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(here))))
        # <root>/python holds dcckit_houdini; <root>/../python the shared dcckit_client.
        for python_dir in (os.path.join(root, "..", "python"), os.path.join(root, "python")):
            python_dir = os.path.normpath(python_dir)
            if python_dir not in sys.path:
                sys.path.insert(0, python_dir)
        import dcckit_houdini

        dcckit_houdini.start()
    except Exception:
        print("[dcc-kit] not started; Houdini continues without it:\n" + traceback.format_exc())


_dcckit_bootstrap()
del _dcckit_bootstrap
