"""broadcast-kit: turn a radio or podcast script into a finished, publishable episode."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("broadcast-kit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
