"""Benchmark `kit render` as ratios against a baseline measured in the same run.

1. Render the episode once to warm the speech cache (not timed: synthesis is the engine's
   speed, not ours).
2. Time a render with a warm cache, in a child process, recording its peak memory.
3. Baseline: bare ffmpeg encoding of the same audio (the rendered mix, decoded to float
   samples) at the same bitrate, also in a child process.
Prints stage timings, the ratios render/encode, and peak memory against the size of the
decoded audio. With --minutes N the episode is a generated N-minute programme spoken by the
fake engine instead (host, interview, beds), to see how the render scales.

With --check N: render one generated episode (--minutes, default 12) with the fake engine,
lay out N copies of it as N episodes (hard links: the same bytes, no disk used), and time
`kit check` on them in a child process against a baseline child that only opens each MP3
with mutagen (tag and first frames, no validation).

With --feed N: `kit feed` on a folder of N rendered episodes (one generated episode of
--minutes, default 10, its files hard-linked under N slugs), against a baseline child that
only reads the N render reports with json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(code: str) -> tuple[float, float]:
    """Run `code` in a fresh interpreter; return (seconds, peak RSS MiB) of that child."""
    start = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL)
    seconds = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def cpu_child(code: str) -> tuple[float, float]:
    """Run `code` in a fresh interpreter; return (wall seconds, CPU seconds) of that child.
    CPU time does not grow when other work shares the machine's cores."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_utime + usage.ru_stime
    seconds, _ = child(code)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, usage.ru_utime + usage.ru_stime - before


def long_episode(folder: Path, minutes: int) -> Path:
    """An N-minute episode for the fake engine: stories of host and guest under beds."""
    show = folder / "show.yaml"
    show.write_text(
        textwrap.dedent(f"""\
        title: Bench Show
        author: Bench
        owner: {{name: Bench, email: bench@example.org}}
        cover: {ROOT / "assets" / "cover.jpg"}
        base_url: https://example.org/bench/
        voices:
          host: {{engine: fake, voice: mid}}
          guest: {{engine: fake, voice: low}}
        """)
    )
    phrase = (
        "the talks between the two sides resumed after four long years of silence and "
        "many experts expect progress on several key issues"
    )
    words = phrase.split()
    segments = [f"  - music: {ROOT / 'assets' / 'theme.mp3'}\n    role: intro\n    overlap: 3"]
    seconds, n = 0.0, 0
    while seconds < minutes * 60:
        n += 1
        text = " ".join(words[(n * 7 + i) % len(words)] for i in range(60)).capitalize() + "."
        speaker = "host" if n % 3 else "guest"
        if n % 9 == 0:
            segments.append(f"  - chapter: Story {n // 9 + 1}")
            bed = ROOT / "assets" / "bed.mp3"
            segments.append(f"  - music: {bed}\n    role: bed\n    under: 2")
        kind = "host" if speaker == "host" else "interview"
        extra = "" if speaker == "host" else "\n    speaker: guest"
        segments.append(f"  - {kind}: {text}{extra}")
        seconds += 60 * 0.12 + 0.7
    episode = folder / "long" / "episode.yaml"
    episode.parent.mkdir()
    episode.write_text(
        "title: Long\ndate: 2024-01-01\ndescription: A generated programme.\n"
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
            import resource, sys
            from broadcast_kit.cli import main
            sys.argv = ["kit", "check", {str(dist)!r}]
            try:
                main()
            finally:
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "episode",
        nargs="?",
        type=Path,
        default=ROOT / "episodes" / "kbs-2012-09-06" / "episode.yaml",
    )
    parser.add_argument("--minutes", type=int, help="bench a generated N-minute episode")
    parser.add_argument(
        "--check", type=int, metavar="N", help="time kit check on N copies of a rendered episode"
    )
    parser.add_argument("--feed", type=int, metavar="N", help="time kit feed on N episodes")
    args = parser.parse_args()
    if args.feed:
        bench_feed(args.feed, args.minutes or 10)
        return
    if args.check:
        bench_check(args.check, args.minutes or 12)
        return
    work = Path(tempfile.mkdtemp(prefix="kit-bench-"))
    episode = long_episode(work, args.minutes) if args.minutes else args.episode.resolve()
    out = work / "dist"
    render = (
        f"from pathlib import Path; from broadcast_kit.render import pipeline; "
        f"pipeline.render(Path({str(episode)!r}), Path({str(out)!r}))"
    )
    print(f"warming the speech cache: {episode}", flush=True)
    subprocess.run([sys.executable, "-c", render], check=True)
    render_s, render_mb = child(render)
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
    encode_s, _ = child(encode)
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
