"""The sidecar format modules (formats/): what the render writes, the page and kit check read
back the same way."""

from __future__ import annotations

from broadcast_kit.formats import srt, vtt


def test_a_long_cue_shares_its_time_out_by_length() -> None:
    # the span is the cue's whole time, whatever piece is being placed
    assert vtt.share_time(1000, 4000, ["ab", "abcd", "ab"]) == [
        (1000, 1750),
        (1750, 3250),
        (3250, 4000),
    ]
    assert vtt.share_time(0, 999, ["one"]) == [(0, 999)]


def test_what_is_written_reads_back() -> None:
    cues = [
        vtt.Cue(0, 1500, "Ana & Bo", "Hello <there>."),
        vtt.Cue(1500, 65_000, None, "A sentence long enough to be wrapped onto a second line " * 2),
    ]
    text = vtt.write(cues)
    read = [b for b in vtt.blocks(text) if not b.note]
    assert [b.times for b in read] == [(0, 1500), (1500, 65_000)]
    assert [vtt.speaker_and_text(b.lines) for b in read] == [
        ("Ana & Bo", "Hello <there>."),
        ("Speaker", " ".join(cues[1].text.split())),
    ]
    subtitles = srt.write([vtt.Cue(0, 4000, "Ana", "Hello there, this is a longer line to split.")])
    blocks = srt.blocks(subtitles)
    assert blocks[0].lines[0].startswith("Ana: ") and blocks[-1].times is not None
    assert blocks[-1].times[1] == 4000
    assert all(len(line) <= srt.LINE for b in blocks for line in b.lines)
