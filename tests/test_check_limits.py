"""`kit check` on hostile files: every reader bounded by `limits.py` (size, depth, count) in
linear time, every failure a finding on its file (never "a bug in kit check"), and the report
never written over a file it read. Also every comparison rule on both sides of its
threshold, and the JUnit counts against the test cases they summarize."""

# ruff: noqa: F811 (test_check's fixtures, imported, are the arguments of these tests)
from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from mutagen.id3 import APIC, CHAP, CTOC, ID3, TIT2, CTOCFlags
from typer.testing import CliRunner

from broadcast_kit import limits
from broadcast_kit.check import report, runner, sidecars
from broadcast_kit.check.rules import FileResult
from broadcast_kit.cli import app
from tests.conftest import ROOT
from tests.test_check import (  # noqa: F401 (fixtures)
    SHOW,
    _break_feed,
    dist,
    good,
    mp3_of,
    retag,
    rules_failed,
    sidecar,
)

cli = CliRunner()
NOT_A_BUG = "this is a bug in kit check"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- the feed -----------------------------------------------------------------------------


@pytest.mark.timeout(20)  # the quadratic reader took minutes
def test_a_description_of_500000_short_lines_is_read_in_linear_time(dist: Path) -> None:
    lines = "a\n" * 500_000  # 1 MB: expat hands each line over as a piece of text
    path = _break_feed(dist, "<description>A show for tests.</description>",
                       f"<description>{lines}</description>")  # fmt: skip
    failed = rules_failed(path)
    assert list(failed) == ["feed-channel"]
    assert "<description> is 999,999 bytes; Apple allows 4000" in failed["feed-channel"][0]


def test_millions_of_empty_elements_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    """5 million elements (20 MB, under the size cap) cost 1.4 GB as a tree: the count limit
    stops the reading at 500,000, in a process whose own peak memory is measured."""
    feed = tmp_path / "feed.xml"
    with feed.open("wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n')
        out.write(b"<a/>" * 5_000_000)
        out.write(b"\n</channel></rss>\n")
    script = (
        "import json, sys; from pathlib import Path;"
        "from broadcast_kit.check import runner; from broadcast_kit.testing import peak_memory_mib;"
        "r = runner.run([Path(sys.argv[1])]);"
        "print(json.dumps([[f.rule, f.message] for f in r.findings] + [peak_memory_mib()]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(feed)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    *findings, peak = json.loads(done.stdout)
    assert findings == [
        [
            "feed-xml",
            "not well-formed XML: line 3: more than 500,000 elements (the limit for a feed); a"
            " feed of 10,000 episodes has about 300,000; escape & as &amp; and < as &lt;, use"
            " numeric references instead of HTML entities (&#160; for &nbsp;) or put HTML in"
            " CDATA; podcast parsers drop the whole feed on one such error",
        ]
    ]
    assert peak < 350, f"{peak:.0f} MiB"  # about 80 MiB of elements on top of the imports


def test_elements_nested_past_the_limit_are_refused(dist: Path) -> None:
    depth = limits.MAX_XML_DEPTH + 1
    path = _break_feed(
        dist, "<itunes:explicit>", "<x>" * depth + "</x>" * depth + "<itunes:explicit>"
    )
    failed = rules_failed(path)
    assert list(failed) == ["feed-xml"]
    assert f"elements nested more than {limits.MAX_XML_DEPTH} deep" in failed["feed-xml"][0]


# --- JSON sidecars and the render report ----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rule"),
    [("chapters", "chapters-json-format"), ("transcript", "transcript-json-format")],
)
@pytest.mark.parametrize("depth", [limits.MAX_JSON_DEPTH + 1, 10_000])
def test_json_sidecars_nested_too_deep_are_findings(
    dist: Path, kind: str, rule: str, depth: int
) -> None:
    sidecar(dist, kind).write_text(nested(depth))
    failed = rules_failed(dist)
    assert list(failed) == [rule]
    assert failed[rule] == [
        f"not valid JSON (nested more than {limits.MAX_JSON_DEPTH} deep); write it again"
    ]


def test_json_nested_to_the_limit_is_read() -> None:
    assert limits.load_json(nested(limits.MAX_JSON_DEPTH)) == eval(nested(limits.MAX_JSON_DEPTH))
    with pytest.raises(limits.TooDeep):
        limits.load_json('{"a": ' * 33 + "1" + "}" * 33)


def test_a_render_report_nested_10000_deep_leaves_the_mp3_checked(dist: Path) -> None:
    """The report cannot vouch for the MP3 any more; the MP3's own rules all still run."""
    mp3 = mp3_of(dist)
    report_file = next(p for p in dist.glob("*.json") if p.suffix == ".json" and "." not in p.stem)
    report_file.write_text(nested(10_000))
    result = runner.run([mp3])
    assert [f.message for f in result.findings if NOT_A_BUG in f.message] == []
    mp3_result = next(r for r in result.results if r.kind == "mp3")
    assert mp3_result.findings == []
    assert {"id3-unreadable", "cover-size", "chapters-ctoc-children"} <= set(mp3_result.checked)


# --- ID3 ------------------------------------------------------------------------------------


def _chapters(tags: ID3, n: int) -> None:
    """`n` CHAP frames and a CTOC listing the first 255 of them."""
    tags.delall("CHAP")
    tags.delall("CTOC")
    for k in range(n):
        tags.add(CHAP(element_id=f"c{k}", start_time=k * 10, end_time=k * 10 + 10,
                      sub_frames=[TIT2(encoding=3, text=[f"Chapter {k}"])]))  # fmt: skip
    flags = CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    tags.add(CTOC(element_id="toc", flags=flags, child_element_ids=[f"c{k}" for k in range(255)],
                  sub_frames=[TIT2(text=["Chapters"])]))  # fmt: skip


@pytest.mark.timeout(25)  # mutagen's reader alone takes minutes on 50,000 frames
def test_a_tag_of_50000_chapter_frames_is_refused_by_the_frame_limit(dist: Path) -> None:
    retag(mp3_of(dist), lambda tags: _chapters(tags, 50_000))
    failed = rules_failed(mp3_of(dist))
    assert failed == {
        "id3-unreadable": [
            f"the ID3v2 tag holds more than {limits.MAX_ID3_FRAMES:,} frames (the limit; a tag"
            " with 255 chapters has about 300); rewrite it with a tag editor"
        ]
    }


@pytest.mark.timeout(10)  # ids.count() for each chapter made this minutes
def test_the_chapter_rules_are_linear_in_the_number_of_chapters(dist: Path) -> None:
    """50,000 CHAP frames, one ID used twice (mutagen's own tag object would merge them:
    this one lists every frame, as a tag read from bytes can)."""
    from broadcast_kit.check.mp3 import TAG_RULES, Audio, _chapter_rules

    tags = ID3()
    _chapters(tags, 50_000)
    frames = {"CHAP": tags.getall("CHAP") + tags.getall("CHAP")[:1], "CTOC": tags.getall("CTOC")}

    class Listed:
        def getall(self, key: str) -> list[object]:
            return frames.get(key, [])

    result = FileResult("x.mp3", "mp3", frozenset(TAG_RULES))
    _chapter_rules(Listed(), Audio(mp3_of(dist)), result)
    messages = {f.rule: f.message for f in result.findings}
    assert messages["chapters-ids"].startswith("CHAP element IDs used twice: 'c0'; ")
    assert "leaves out 'c255', 'c256'" in messages["chapters-ctoc-children"]


def test_a_tag_of_4900_chapters_is_read(dist: Path) -> None:
    retag(mp3_of(dist), lambda tags: _chapters(tags, 4_900))
    failed = rules_failed(mp3_of(dist))
    assert "id3-unreadable" not in failed
    assert "leaves out 'c255', 'c256'" in failed["chapters-ctoc-children"][0]


def test_a_50_mb_embedded_cover_fails_the_cover_size_rule(dist: Path) -> None:
    art = (ROOT / "assets" / "cover.jpg").read_bytes()
    # a real JPEG whose comment segments pad it to 50 MB (decoders skip them)
    padding = (b"\xff\xfe\xff\xff" + b"\0" * 65533) * (50 * 1024 * 1024 // 65537)
    big = art[:2] + padding + art[2:]

    def embed(tags: ID3) -> None:
        tags.delall("APIC")
        tags.add(APIC(encoding=0, mime="image/jpeg", type=3, desc="Cover", data=big))

    retag(mp3_of(dist), embed)
    failed = rules_failed(mp3_of(dist))
    assert list(failed) == ["cover-size"]
    assert failed["cover-size"] == [
        f"the embedded cover is 50 MiB ({len(big):,} bytes), over the 5 MiB limit for cover art,"
        " which every MP3 embeds; save it as a JPEG of 3000 px or less (1-2 MB)"
    ]
    # and kit check says so on its exit code
    assert cli.invoke(app, ["check", str(mp3_of(dist))]).exit_code == 1


def test_a_cover_at_the_limit_passes_and_one_byte_over_fails(dist: Path) -> None:
    art = (ROOT / "assets" / "cover.jpg").read_bytes()
    for extra, expected in ((0, set()), (1, {"cover-size"})):
        size = limits.MAX_COVER_BYTES + extra
        data = art + b"\0" * (size - len(art))  # bytes after the JPEG's end are ignored

        def embed(tags: ID3, data: bytes = data) -> None:
            tags.delall("APIC")
            tags.add(APIC(encoding=0, mime="image/jpeg", type=3, desc="Cover", data=data))

        retag(mp3_of(dist), embed)
        assert set(rules_failed(mp3_of(dist))) == expected, extra


# --- the report file ------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["feed.xml", "MP3", "vtt", "show.yaml"])
def test_the_report_never_overwrites_a_file_it_checks(
    dist: Path, tmp_path: Path, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    show = tmp_path / "show.yaml"
    show.write_text(SHOW)
    (tmp_path / "cover.jpg").write_bytes((ROOT / "assets" / "cover.jpg").read_bytes())
    path = {
        "feed.xml": dist / "feed.xml",
        "MP3": mp3_of(dist),
        "vtt": sidecar(dist, "vtt"),
        "show.yaml": show,
    }[target]
    before = path.read_bytes()
    monkeypatch.chdir(dist)
    spelled = f"./../{dist.name}/{path.name}" if path.parent == dist else str(path)
    result = cli.invoke(app, ["check", ".", "--show", str(show), "-f", "junit", "-o", spelled])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: --output {Path(spelled)}: that is a file kit check reads; write the report to"
        " a file of its own (e.g. --output check-report.xml)\n"
    )
    assert path.read_bytes() == before


def test_the_report_may_go_into_the_checked_folder(dist: Path) -> None:
    result = cli.invoke(app, ["check", str(dist), "-f", "junit", "-o", str(dist / "check.xml")])
    assert result.exit_code == 0, result.output
    assert ET.parse(dist / "check.xml").getroot().get("failures") == "0"


# --- comparison rules on both sides of their thresholds ---------------------------------------


@pytest.mark.parametrize("delta", [-1, 1, -1000])
def test_an_enclosure_length_off_either_way_fails(dist: Path, delta: int) -> None:
    size = mp3_of(dist).stat().st_size
    path = _break_feed(dist, f'length="{size}"', f'length="{size + delta}"')
    failed = rules_failed(path)
    assert list(failed) == ["feed-enclosure-length"]
    assert f"enclosure length {size + delta} but " in failed["feed-enclosure-length"][0]


@pytest.mark.parametrize(("whole", "fails"), [(-1, True), (0, False), (1, False), (2, True)])
def test_itunes_duration_within_a_second(dist: Path, whole: int, fails: bool) -> None:
    """Whole seconds around the decoded length: floor - 1 and ceil + 1 are over 1 s off."""
    seconds = _duration_ms(dist) / 1000
    assert seconds != int(seconds)
    stated = math.floor(seconds) + whole
    text = (dist / "feed.xml").read_text()
    path = _break_feed(dist, re.search(r"<itunes:duration>\d+<", text).group(0),  # type: ignore[union-attr]
                       f"<itunes:duration>{stated}<")  # fmt: skip
    assert ("feed-duration" in rules_failed(path)) is fails


@pytest.mark.parametrize(("length", "fails"), [(4000, False), (4001, True)])
def test_channel_description_at_and_over_4000_bytes(dist: Path, length: int, fails: bool) -> None:
    text = "é" * (length // 2) + "x" * (length % 2)  # bytes, not characters, count
    path = _break_feed(dist, "<description>A show for tests.</description>",
                       f"<description>{text}</description>")  # fmt: skip
    assert ("feed-channel" in rules_failed(path)) is fails


@pytest.mark.parametrize(("chars", "fails"), [(64, False), (65, True)])
def test_cover_description_at_and_over_64_characters(dist: Path, chars: int, fails: bool) -> None:
    def describe(tags: ID3) -> None:
        picture = tags.getall("APIC")[0]
        picture.desc = "d" * chars

    retag(mp3_of(dist), describe)
    assert ("cover-description" in rules_failed(mp3_of(dist))) is fails


@pytest.mark.parametrize(("children", "fails"), [(255, False), (256, True)])
def test_ctoc_children_at_and_over_255(children: int, fails: bool) -> None:
    from broadcast_kit.check.mp3 import TaggedChapter, _toc_rules

    toc = CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
               child_element_ids=[f"c{n}" for n in range(children)],
               sub_frames=[TIT2(text=["Chapters"])])  # fmt: skip
    chapters = [TaggedChapter.of(f"c{n}", n * 10, n * 10 + 10, "t") for n in range(children)]
    rules = {"chapters-ctoc-children", "chapters-title", "chapters-ctoc-missing",
             "chapters-ctoc-flags"}  # fmt: skip
    result = FileResult("x.mp3", "mp3", frozenset(rules))
    _toc_rules([toc], chapters, result)
    assert bool(result.findings) is fails


@pytest.mark.parametrize(("slack", "fails"), [(sidecars.CHAPTER_SLACK_S, False), (1.2, True)])
def test_chapters_json_within_a_second_of_chap(dist: Path, slack: float, fails: bool) -> None:
    path = sidecar(dist, "chapters")
    data = json.loads(path.read_text())
    data["chapters"][1]["startTime"] += slack
    path.write_text(json.dumps(data))
    assert ("chapters-json-mismatch" in rules_failed(dist)) is fails


@pytest.mark.parametrize(("late_ms", "fails"), [(0, False), (40, False), (200, True)])
def test_a_cue_ending_after_the_audio(dist: Path, late_ms: int, fails: bool) -> None:
    """Cues may pass the decoded end by the MP3's rounding (SLACK_MS), no more."""
    path = sidecar(dist, "vtt")
    text = path.read_text()
    end = math.floor(_duration_ms(dist)) + late_ms
    stamp = (
        f"{end // 3_600_000:02d}:{end // 60_000 % 60:02d}:{end // 1000 % 60:02d}.{end % 1000:03d}"
    )
    last = re.findall(r"--> (\S+)", text)[-1]
    path.write_text(text.replace(f"--> {last}", f"--> {stamp}"))
    assert ("vtt-after-end" in rules_failed(dist)) is fails


def _duration_ms(folder: Path) -> float:
    from broadcast_kit.check import mpeg

    return mpeg.scan(mp3_of(folder)).duration * 1000


# --- report counts against the test cases they summarize -----------------------------------


def _junit_counts(suite: ET.Element) -> dict[str, int]:
    cases = suite.findall("testcase")
    return {
        "tests": len(cases),
        "failures": sum(c.find("failure") is not None for c in cases),
        "skipped": sum(c.find("skipped") is not None for c in cases),
        "errors": sum(c.find("error") is not None for c in cases),
    }


def test_junit_counts_are_the_test_cases_they_summarize(dist: Path) -> None:
    """Many findings under one rule are one failing test case, not many: failures never
    exceed tests, and every count equals the cases below it, per suite and in all."""

    def damage(tags: ID3) -> None:
        for chap in tags.getall("CHAP"):
            chap.end_time = 0  # every chapter fails chapters-times: several findings, one rule
        tags.delall("COMM")  # a warning: not a failure

    retag(mp3_of(dist), damage)
    result = cli.invoke(app, ["check", str(dist), "-f", "junit"])
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout)
    totals = dict.fromkeys(("tests", "failures", "skipped", "errors"), 0)
    for suite in root.findall("testsuite"):
        counts = _junit_counts(suite)
        assert {k: int(suite.get(k, "-1")) for k in counts} == counts, suite.get("name")
        assert counts["failures"] <= counts["tests"]
        for key in totals:
            totals[key] += counts[key]
    assert {k: int(root.get(k, "-1")) for k in totals} == totals
    episode = next(s for s in root.findall("testsuite") if s.get("name") == "ep1")
    failing = [
        (c.get("classname"), c.get("name"))
        for c in episode.findall("testcase")
        if c.find("failure") is not None
    ]
    assert failing == [("ep1.mp3", "chapters-times")]
    assert int(episode.get("failures", "-1")) == 1
    assert len(episode.find("testcase[@name='chapters-times']/failure").text.splitlines()) >= 2  # type: ignore[union-attr]


def test_text_and_json_counts_match_the_findings(dist: Path) -> None:
    retag(mp3_of(dist), lambda t: [t.delall("COMM"), t.delall("TALB")])
    checked = runner.run([dist])
    data = json.loads(report.as_json(checked))
    assert data["errors"] == sum(f["severity"] == "error" for f in data["findings"]) == 1
    assert data["warnings"] == sum(f["severity"] == "warning" for f in data["findings"]) == 1
    summary = report.summary(checked)
    assert summary.endswith(": 1 error, 1 warning in 1 of them")
    assert summary.startswith(f"{len(checked.results)} files")
    assert f"{sum(len(r.checked) for r in checked.results)} rule checks" in summary


@pytest.mark.parametrize(
    ("lufs", "peak", "failed"),
    [
        (-17.0, -1.0, set()),  # 1 LU under the target, peak at the ceiling: both pass
        (-15.0, -1.1, set()),
        (-17.05, -1.0, {"loudness-integrated"}),
        (-14.9, -0.95, {"loudness-integrated", "loudness-true-peak"}),
    ],
)
def test_loudness_rules_at_and_past_their_limits(
    dist: Path, monkeypatch: pytest.MonkeyPatch, lufs: float, peak: float, failed: set[str]
) -> None:
    """The comparisons alone (ffmpeg's meter stands in with the figures to compare); the
    meter itself is measured against real files in test_check.py."""
    from broadcast_kit import ffmpeg

    monkeypatch.setattr(ffmpeg, "measure", lambda _path: (lufs, peak))
    assert set(rules_failed(mp3_of(dist), loudness=True)) == failed


@pytest.mark.parametrize(("shown", "fails"), [(65, False), (66, True)])
def test_vtt_lines_at_and_over_65_characters_shown(dist: Path, shown: int, fails: bool) -> None:
    path = sidecar(dist, "vtt")
    text = path.read_text()
    first = re.search(r"^<v [^>]*>(.*)$", text, re.M)
    assert first is not None
    # a long voice tag and an entity, which are not shown: only the text counts
    line = "<v " + "N" * 70 + ">" + "&amp;" + "x" * (shown - 1)
    path.write_text(text.replace(first.group(0), line, 1))
    assert ("vtt-lines" in rules_failed(dist)) is fails


@pytest.mark.parametrize(
    ("lines", "fails"), [(["x" * 32, "y" * 32], False), (["x" * 33], True), (["a", "b", "c"], True)]
)
def test_srt_cues_at_and_over_two_lines_of_32(dist: Path, lines: list[str], fails: bool) -> None:
    path = sidecar(dist, "srt")
    blocks = path.read_text().split("\n\n")
    head = blocks[0].split("\n")[:2]
    blocks[0] = "\n".join([*head, *lines])
    path.write_text("\n\n".join(blocks))
    assert ("srt-lines" in rules_failed(dist)) is fails
