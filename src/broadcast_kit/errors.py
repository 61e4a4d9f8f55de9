"""The error tree of broadcast-kit and its exit codes.

The core raises these with messages that say what to do; `cli/` is the one place that catches
them, prints `error: <message>` and exits with the class's exit code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Every exit code of `kit` (httpie's status.py): documented in the CLI's help."""

    SUCCESS = 0
    FAILURE = 1  # an engine, ffmpeg or an output failed; a batch had failed episodes
    BAD_INPUT = 2  # the episode, show or a file they name is wrong; command-line usage
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)


class BroadcastKitError(Exception):
    """Something the user can act on; the message is printed as is."""

    exit_code: ExitStatus = ExitStatus.FAILURE


class InputError(BroadcastKitError):
    """The episode, show or a file they name is wrong (exit 2)."""

    exit_code = ExitStatus.BAD_INPUT


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
