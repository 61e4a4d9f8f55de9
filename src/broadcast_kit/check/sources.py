"""Where a finding's cause lies: the line of the show file, or of the episode file an MP3 was
rendered from (named by its render report), that a fix belongs in. CI reports point there
(JUnit `file`/`line`, GitHub annotations), not at the output file the rule read.

A file that is gone, unreadable or not valid YAML simply has no places: the finding still
names the checked file.
"""

from __future__ import annotations

import os
from pathlib import Path

from broadcast_kit import loader
from broadcast_kit.check.rules import Cause, Place
from broadcast_kit.check.sidecars import Reports
from broadcast_kit.errors import BroadcastKitError

Loc = tuple[str | int, ...]


class Sources:
    """The show file and the episode files of the checked renders, each read once."""

    def __init__(self, reports: Reports, show: loader.Source | None = None) -> None:
        self.reports = reports
        self._show = show
        self._episodes: dict[Path, loader.Source | None] = {}

    def show(self, *loc: str | int) -> Place | None:
        """The show file's line of `loc` (its nearest parent that is there when it is not)."""
        return _place(self._show, loc)

    def episode(self, mp3: Path | None, *loc: str | int) -> Place | None:
        """The line of `loc` in the episode file `mp3` was rendered from."""
        path = self.episode_file(mp3)
        if path is None:
            return None
        if path not in self._episodes:
            try:
                self._episodes[path] = loader.parse_yaml(path)
            except (BroadcastKitError, OSError):
                self._episodes[path] = None
        return _place(self._episodes[path], loc)

    def episode_file(self, mp3: Path | None) -> Path | None:
        """The episode file that `mp3`'s render report names, when it is there."""
        found = self.reports.of(mp3) if mp3 is not None else None
        if found is None:
            return None
        report, data = found
        named = data.episode_path
        if not named:
            return None
        path = Path(os.path.normpath(report.parent / named))
        return path if path.is_file() else None

    def place(self, cause: Cause, mp3: Path | None) -> Place | None:
        """The line `cause` names, for a file that belongs to `mp3` (None: the feed)."""
        if cause.scope == "show":
            # an MP3 comes from the show file only when kit rendered it (a report names it)
            rendered = mp3 is None or self.reports.of(mp3) is not None
            return self.show(*cause.loc) if rendered else None
        return self.episode(cause.mp3 or mp3, *cause.loc)

    def slug(self, mp3: Path) -> str | None:
        """The slug of the episode `mp3` is a render of, from its render report."""
        found = self.reports.of(mp3)
        return found[1].slug if found is not None else None


def _place(source: loader.Source | None, loc: Loc) -> Place | None:
    if source is None:
        return None
    return Place(loader.display(source.path), source.line(loc))
