"""broadcast-kit: turn a radio or podcast script into a finished, publishable episode."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # the version is read from the installed metadata when first asked for: importlib.metadata
    # costs every command's start-up otherwise
    if name != "__version__":
        raise AttributeError(f"module 'broadcast_kit' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("broadcast-kit")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
