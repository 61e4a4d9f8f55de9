"""Find TTS engines: every engine, built-in or not, registers in the `broadcast_kit.engines`
entry-point group; `register()` adds one at run time (tests, embedding applications)."""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from broadcast_kit import install
from broadcast_kit.errors import EngineError, InputError
from broadcast_kit.tts.base import Engine

GROUP = "broadcast_kit.engines"
#: engines of broadcast-kit's own optional extras: engine name -> extra that installs it
EXTRAS = {"piper": "piper", "hibari": "hibari", "kokoro": "kokoro"}
_extra: dict[str, type[Engine]] = {}
_instances: dict[str, Engine] = {}


@cache
def _entry_points() -> dict[str, object]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def names() -> list[str]:
    return sorted({*_entry_points(), *_extra})


def unknown(name: str) -> str:
    """Why `name` is not an engine here, with the fix: the extra to install, else the choices."""
    if name in EXTRAS:
        return (
            f"engine '{name}' is not installed; install it with:"
            f" pip install 'broadcast-kit[{EXTRAS[name]}]'"
        )
    return f"unknown engine '{name}'; installed engines: {', '.join(names())}"


def register(name: str, engine: type[Engine]) -> None:
    _extra[name] = engine
    _instances.pop(name, None)


def get(name: str) -> Engine:
    """The engine instance called `name` (one per process: voices load once)."""
    if name in _instances:
        return _instances[name]
    if name in _extra:
        cls = _extra[name]
    elif name in _entry_points():
        try:
            cls = _entry_points()[name].load()  # type: ignore[attr-defined]
        except Exception as exc:  # a broken plugin must not look like a bug of ours
            why = install.not_installed(exc) or exc  # a missing package: what to install
            raise EngineError(f"engine '{name}' could not be loaded: {why}") from exc
    else:
        raise InputError(unknown(name))
    if not (isinstance(cls, type) and issubclass(cls, Engine)):
        raise EngineError(
            f"engine '{name}' could not be loaded: {cls!r} does not subclass"
            " broadcast_kit.tts.base.Engine (update the plugin)"
        )
    engine: Engine = cls()
    _instances[name] = engine
    return engine
