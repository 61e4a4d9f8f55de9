"""Local batch workers forked from a fork server (--jobs 2 and more): each starts with the
render stack already imported, yet sees this process's environment and folder as they are
when its pool starts, not as they were when the fork server started."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

import pytest

from broadcast_kit import batch
from tests.test_batch import make_batch


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_forked_workers_take_this_process_environment_and_folder(
    show_dir: Path, music_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_batch(show_dir, music_dir)
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(tmp_path / "first-cache"))
    first = batch.plan([show_dir], tmp_path / "first")
    before = _children_cpu()
    batch.run(first, batch.LocalExecutor(2))  # starts a fork server, ended with the batch
    assert [item.state for item in first.items] == ["rendered"] * 6
    # the workers' CPU (and their ffmpeg's) is this process's children's, as when spawned:
    # the fork server was waited for (`time kit render` and the bench count it)
    assert _children_cpu() - before > 1.0
    entries = sorted((tmp_path / "first-cache").rglob("*"))
    assert entries
    # a relative cache folder: found from the worker's folder, which must be this one's now
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", "second-cache")
    second = batch.plan([show_dir], tmp_path / "second")
    executor = batch.LocalExecutor(2)
    assert executor._context.get_start_method() == "forkserver"
    batch.run(second, executor)
    assert [item.state for item in second.items] == ["rendered"] * 6
    assert sorted((tmp_path / "first-cache").rglob("*")) == entries  # not written again
    assert sorted(p.name for p in (tmp_path / "second-cache").rglob("*") if p.is_file())
    assert all(item.outcome and item.outcome.synthesized for item in second.items)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def test_one_job_is_a_spawned_worker(tmp_path: Path) -> None:
    executor = batch.LocalExecutor(1)
    try:
        assert executor._context.get_start_method() == "spawn"
    finally:
        executor.close()
