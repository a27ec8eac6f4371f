"""Checks of a request's arguments shared by every host's handlers."""


def string_arg(args, key, request, required=True):
    """args[key] as a non-empty string; None when absent and not required; TypeError naming the request otherwise."""
    value = args.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise TypeError("%s needs args.%s, a non-empty string" % (request, key))
    return value
