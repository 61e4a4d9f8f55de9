"""Who holds the programme, settled from the whole page once attribution has read it turn by
turn: evidence no single paragraph carries, read from the page's own shape, never from a
name. Each pass changes only what its evidence covers and says so with a `# check:` note.

- Press questions printed bare: on a page that presents a press event ("Daily Press
  Briefing", "... said to the media"), unlabelled questions each followed by an unlabelled
  answer are the journalists'; the one answering holds the event (the host).
"""

from __future__ import annotations

import itertools
import re

from broadcast_kit.importer.cues import ends_with_question
from broadcast_kit.importer.document import Paragraph, Transcript
from broadcast_kit.importer.words import Words, alternatives, normal

# "said to the media", "told reporters", "briefs the press": the page reports a press event
_TO_THE_PRESS = re.compile(
    r"(?i)\b(?:said|says|spoke|speaks|speaking|told|tells|talks?|talked|brief(?:s|ed|ing)?)"
    r"\s+(?:to\s+)?(?:the\s+)?(?:media|press|reporters|journalists)\b"
)
_QUESTION_WORDS = 80  # a journalist's question with its preamble; longer is a statement
# "1/ ...", "2) ...", "Q3. ...": the page numbers its questions
_NUMBERED = re.compile(r"^\s*(?:Q\s*)?\d{1,2}\s*([/).:-])\s")


def settle(transcript: Transcript) -> None:
    """Run the page-wide passes on an attributed transcript."""
    words = transcript.people.words
    _press_questions(transcript, words)
    _hosts_among_themselves(transcript, words)


def _press_event(transcript: Transcript, words: Words) -> bool:
    lines = [transcript.title or "", transcript.programme or "", *transcript.header_lines]
    return any(words.press_event.search(line) or _TO_THE_PRESS.search(line) for line in lines)


def _press_questions(transcript: Transcript, words: Words) -> None:
    """Bare questions at a press event: a journalist asks, the one holding it answers."""
    spoken = [p for p in transcript.paragraphs if p.spoken]
    if len(spoken) < 4 or any(p.label is not None for p in spoken):
        return
    if not _press_event(transcript, words):
        return
    # a page that numbers its questions numbers the ones that end without a question mark too
    numbering = {
        m.group(1)
        for p in spoken
        if ends_with_question(p.text) and (m := _NUMBERED.match(p.text)) is not None
    }
    questions: list[Paragraph] = []
    for i, para in enumerate(spoken):
        numbered = (m := _NUMBERED.match(para.text)) is not None and m.group(1) in numbering
        if not (ends_with_question(para.text) or numbered):
            continue
        if len(para.text.split()) > _QUESTION_WORDS:
            continue
        after = spoken[i + 1] if i + 1 < len(spoken) else None
        if after is not None and ends_with_question(after.text):
            return  # questions in a row: someone's own rhetoric, not a press event's Q and A
        if para.kind != "host" or (para.person is not None and para.person.host_side):
            continue  # a voice attribution found (a quote, a hand-over) stays
        questions.append(para)
    answers = len(spoken) - len(questions)
    if len(questions) < 2 or answers < len(questions):
        return
    journalist = transcript.people.person("Journalist")
    # the first question, printed right under the headline, was read as a header line
    first = spoken[0]
    above = [b for b in transcript.dropped if b.line < first.line]
    if (
        above
        and above[-1].text in transcript.header_lines[-1:]
        and above[-1].text != transcript.title
        and ends_with_question(above[-1].text)
        and len(above[-1].text.split()) <= _QUESTION_WORDS
        and not ends_with_question(first.text)
    ):
        block = above[-1]
        transcript.dropped.remove(block)
        story = next(s for s in transcript.stories if first in s.paragraphs)
        asked = Paragraph(block.text, block.line)
        story.paragraphs.insert(story.paragraphs.index(first), asked)
        questions.insert(0, asked)
    journalist.interviewee = True
    for n, para in enumerate(questions):
        para.kind, para.person = "interview", journalist
        para.notes = ["Journalist: an unlabelled question at a press event"]
        if n == 0:
            para.notes.append(
                "check: the questions are taken as journalists' and the answers as the"
                " host's: the page presents a press event and labels no one"
            )


def _mean_words(paragraphs: list[Paragraph]) -> float:
    return sum(len(p.text.split()) for p in paragraphs) / len(paragraphs) if paragraphs else 0.0


def _hosts_among_themselves(transcript: Transcript, words: Words) -> None:
    """Named voices talking with the host as equals, where the page shows no guest."""
    spoken = [p for p in transcript.paragraphs if p.spoken]
    labelled = [p for p in spoken if p.label is not None]
    if len(spoken) < 6 or len(labelled) < 0.8 * len(spoken):
        return
    host = [p for p in spoken if p.kind == "host" and p.person is None and p.label is not None]
    others = [p for p in spoken if p.kind != "host"]
    if any(p.person is None for p in others):
        return
    voices = list(dict.fromkeys(p.person for p in others if p.person is not None))
    # two voices alone are an interview unless the page says otherwise; three or four at a
    # table where no one is welcomed are the programme's own
    if not host or not 2 <= len(voices) <= 3:
        return
    if any(p.kind != "interview" or p.label is None or p.label.by_role for p in others):
        return  # a voxpop, a clip, or a role ("Reporter:", "Caller:") is no co-host
    roles = words.reporter_labels | words.questioner_labels | words.answerer_labels
    if any(normal(v.name) in roles or normal(v.name) in words.voxpop_labels for v in voices):
        return  # "Reporter:", "Q:", "Caller:" name a role, not a co-host
    head = [transcript.title or "", *transcript.header_lines]
    if any(re.search(rf"(?i)\b(?:{words.guest_events})\s+with\b", line) for line in head):
        return  # "An Interview with Jane Doe": the page bills a guest
    if any(words.guest_heard.search(line) for line in [*head, *(p.text for p in spoken)]):
        return  # someone is welcomed, billed or thanks for being had: an interview
    # "With your hosts, Jane Doe and John Roe": a page that names its hosts bills no one else
    hosts = alternatives(words.lists.host_labels)
    names_hosts = re.compile(
        rf"(?i:\b(?:{hosts})s?)(?:\s*[,:]|\s+(?:are|is|was|were))?\s+[A-Z]|(?i:\bhosted\s+by)\s+[A-Z]"
    )
    billing = [line for line in [*head, *(p.text for p in spoken[:4])] if names_hosts.search(line)]
    for voice in voices:
        own = [p for p in others if p.person is voice]
        if billing and not any(t in line for t in voice.tokens for line in billing):
            return  # not among the hosts the page names: a guest
        names = "|".join(re.escape(n) for n in {voice.name, *voice.tokens})
        thanked = re.compile(
            rf"(?i:thanks?(?:\s+you)?(?:\s+(?:so|very)\s+much)?),?\s+(?:{names})\b"
            rf"|\b(?:{names}),?\s+(?i:thanks?\b|thank\s+you)"
        )
        if any(thanked.search(p.text) for p in spoken if p.person is not voice):
            return  # "Jane Doe, thank you.": the programme thanks its guest
        if len(own) < 3 or _mean_words(own) > max(1.5 * _mean_words(host), 40):
            return  # a soundbite, or answers at length: a guest
        after_question = sum(
            1
            for before, para in itertools.pairwise(spoken)
            if para.person is voice
            and before.person is not voice
            and ends_with_question(before.text)
        )
        if after_question * 2 > len(own):
            return  # mostly answers questions put to it: a guest
    for voice in voices:
        voice.interviewee, voice.programme = False, "co-host"
        first = True
        for para in (p for p in others if p.person is voice):
            para.kind = "host"
            para.notes = [
                n.replace(f"{voice.name}: ", f"{voice.name} (co-host): ", 1) for n in para.notes
            ]
            if first:
                para.notes.append(
                    f"check: {voice.name} taken as co-host: talks with the host turn after turn,"
                    " and the page welcomes or bills no guest"
                )
                first = False
