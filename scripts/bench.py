"""Benchmark `kit render` as ratios against a baseline measured in the same run.

1. Render the episode once to warm the speech cache (not timed: synthesis is the engine's
   speed, not ours).
2. Time a render with a warm cache, in a child process, recording its peak memory.
3. Baseline: bare ffmpeg encoding of the same audio (the rendered mix, decoded to float
   samples) at the same bitrate, also in a child process.
Prints stage timings, the ratios render/encode, and peak memory against the size of the
decoded audio. With --minutes N the episode is a generated N-minute programme spoken by the
fake engine instead (host, interview, beds), to see how the render scales.

With --feed N: `kit feed` on a folder of N rendered episodes (one generated 10-minute
episode, its files hard-linked under N slugs), against a baseline child that only reads the
N render reports with json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def long_episode(folder: Path, minutes: int) -> Path:
    """An N-minute episode for the fake engine: stories of host and guest under beds."""
    show = folder / "show.yaml"
    show.write_text(textwrap.dedent(f"""\
        title: Bench Show
        author: Bench
        owner: {{name: Bench, email: bench@example.org}}
        cover: {ROOT / "assets" / "cover.jpg"}
        base_url: https://example.org/bench/
        voices:
          host: {{engine: fake, voice: mid}}
          guest: {{engine: fake, voice: low}}
        """))
    phrase = ("the talks between the two sides resumed after four long years of silence and "
              "many experts expect progress on several key issues")
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
    episode.write_text("title: Long\ndate: 2024-01-01\nsegments:\n" + "\n".join(segments) + "\n")
    return episode


def feed_bench(count: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="kit-bench-feed-"))
    episode = long_episode(work, 10)
    one = work / "one"
    subprocess.run([sys.executable, "-c", f"from pathlib import Path; from broadcast_kit import"
                    f" pipeline; pipeline.render(Path({str(episode)!r}), Path({str(one)!r}))"],
                   check=True)
    report = json.loads((one / "long.json").read_text())
    site = work / "site"
    site.mkdir()
    for n in range(count):
        slug = f"ep{n:04d}"
        files = {}
        for kind, name in report["files"].items():
            new = name.replace("long", slug, 1)
            files[kind] = new
            os.link(one / name, site / new)
        copy = {**report, "slug": slug, "title": f"Episode {n}", "number": n + 1,
                "date": f"{2000 + n // 365:04d}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                "audio": {**report["audio"], "file": files["mp3"]}, "files": files}
        (site / f"{slug}.json").write_text(json.dumps(copy, indent=2))
    size = sum(p.stat().st_size for p in site.glob("*.json")) / 2**20
    feed = (f"import sys; from broadcast_kit.cli import main; "
            f"sys.argv = ['kit', 'feed', '--out', {str(site)!r}]; main()")
    read = (f"import json, pathlib; [json.loads(p.read_text()) for p in "
            f"pathlib.Path({str(site)!r}).glob('*.json')]")
    subprocess.run([sys.executable, "-c", feed], check=True, stdout=subprocess.DEVNULL)  # warm
    feed_s, _ = child(feed)
    read_s, _ = child(read)
    print(f"{count} episodes, reports {size:.0f} MiB in all")
    print(f"kit feed: {feed_s:.2f} s")
    print(f"baseline (a child reading the {count} reports with json): {read_s:.2f} s")
    print(f"ratio feed / read: {feed_s / read_s:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episode", nargs="?", type=Path,
                        default=ROOT / "episodes" / "kbs-2012-09-06" / "episode.yaml")
    parser.add_argument("--minutes", type=int, help="bench a generated N-minute episode")
    parser.add_argument("--feed", type=int, metavar="N", help="bench kit feed on N episodes")
    args = parser.parse_args()
    if args.feed:
        feed_bench(args.feed)
        return
    work = Path(tempfile.mkdtemp(prefix="kit-bench-"))
    episode = long_episode(work, args.minutes) if args.minutes else args.episode.resolve()
    out = work / "dist"
    render = (f"from pathlib import Path; from broadcast_kit import pipeline; "
              f"pipeline.render(Path({str(episode)!r}), Path({str(out)!r}))")
    print(f"warming the speech cache: {episode}", flush=True)
    subprocess.run([sys.executable, "-c", render], check=True)
    render_s, render_mb = child(render)
    reports = [p for p in out.glob("*.json") if not p.name.endswith((".chapters.json",
                                                                      ".transcript.json"))]
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
    subprocess.run([sys.executable, "-c", textwrap.dedent(f"""\
        from pathlib import Path
        from broadcast_kit import ffmpeg
        ffmpeg.decode(Path({str(mp3)!r}), 44100, {channels}).tofile({str(raw)!r})
        """)], check=True)
    encode_s, _ = child(encode)
    audio_mb = raw.stat().st_size / 2**20
    minutes = report["duration_ms"] / 60000
    print(f"episode: {minutes:.1f} min, {report['audio']['channels']}, "
          f"{report['audio']['bitrate_kbps']} kbit/s; decoded float audio {audio_mb:.0f} MiB")
    print(f"render (warm cache): {render_s:.1f} s, peak memory {render_mb:.0f} MiB")
    print(f"  stages: {report['timings']}")
    print(f"baseline (bare ffmpeg MP3 encode of the same audio): {encode_s:.1f} s")
    print(f"ratio render / encode: {render_s / encode_s:.2f}x;"
          f" peak memory / decoded audio: {render_mb / audio_mb:.1f}x")


if __name__ == "__main__":
    main()
