"""The error tree of broadcast-kit and its exit codes.

The core raises these with messages that say what to do; `cli/` is the one place that catches
them, prints `error: <message>` and exits with the class's exit code.
"""

from __future__ import annotations

EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


class BroadcastKitError(Exception):
    """Something the user can act on; the message is printed as is."""

    exit_code = EXIT_FAILURE


class InputError(BroadcastKitError):
    """The episode, show or a file they name is wrong (exit 2)."""

    exit_code = EXIT_BAD_INPUT


class ConfigError(InputError):
    """A YAML file is malformed or does not match the schema; may carry several problems."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class EngineError(BroadcastKitError):
    """A TTS engine failed or is not available (exit 1)."""


class FfmpegError(BroadcastKitError):
    """ffmpeg failed on an input (exit 1)."""


class OutputError(BroadcastKitError):
    """An output could not be written (exit 1)."""


class NotInstalled(BroadcastKitError):
    """A module kit needs is not installed here (exit 1); the message names what to install."""
