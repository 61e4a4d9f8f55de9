"""People named in a transcript: capitalised name runs, titles, and who a short reference
("Professor Shin") means."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# --- names --------------------------------------------------------------------------------

TOKEN = r"[A-Z][a-z][a-zA-Z'’]*(?:-[A-Za-z][a-z]*)*"
_RUN = re.compile(rf"(?<![\w’'-]){TOKEN}(?:\s+{TOKEN})*")
TITLES = {
    "Professor", "Prof", "Dr", "Mr", "Mrs", "Ms", "Miss", "Minister", "President", "Director",
    "Chairman", "Chairwoman", "Ambassador", "Secretary", "Senator", "Governor", "Mayor",
    "General", "Rev", "Reverend", "Father", "Sister", "Lawmaker", "Representative",
    "Researcher", "Analyst", "Chief", "Deputy", "Commissioner", "Dean", "Captain", "Coach",
    "Judge", "Justice", "Vice", "Prime", "Former", "Singer", "Pianist", "Player", "Reporter",
    "Correspondent", "Administrator", "Manager", "Chef", "Pastor", "Doctor",
}  # fmt: skip
# capitalized words that are not (part of) a person's name
_NOT_NAMES = {
    "The", "A", "An", "This", "That", "These", "Those", "It", "Its", "He", "She", "They",
    "We", "I", "You", "His", "Her", "Their", "Our", "My", "Here", "There", "So", "But",
    "And", "Or", "Also", "Now", "Then", "However", "Moreover", "In", "On", "At", "For",
    "As", "With", "By", "From", "To", "Of", "According", "Among", "Other", "Others",
    "Despite", "Since", "Having", "Being", "When", "While", "If", "After", "Before",
    "During", "First", "Second", "Third", "Secondly", "Thirdly", "Finally", "Obviously",
    "Experts", "Attention", "Expectations", "Some", "Many", "Most", "Still", "Yet", "Even",
    "North", "South", "East", "West", "Northeast", "Korea", "Korean", "Koreans", "Japan",
    "Japanese", "China", "Chinese", "America", "American", "Russia", "Russian", "Europe",
    "European", "Asia", "Asian", "Seoul", "Pyongyang", "Tokyo", "Beijing", "Washington",
    "Moscow", "University", "Department", "Ministry", "Foreign", "Institute", "Center",
    "Centre", "Alliance", "Association", "Party", "Government", "Council", "Committee",
    "Orchestra", "Art", "Arts", "School", "Hall", "City", "Province", "Peninsula",
    "Declaration", "Democratic", "Liberal", "National", "International", "Military",
    "Symphony", "Human", "Rights", "Citizens", "Unification", "Relations", "Affairs",
    "Division", "Office", "Agency", "News", "Media", "Radio", "Television", "Newspaper",
    "Shinbun", "Times", "Post", "Daily", "World", "War", "Summit", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December", "Today", "Tomorrow", "Yesterday", "Program", "Programme", "Concert",
    "Festival", "Foundation", "Company", "Group", "Bank", "Union", "United",
    "States", "Nations", "Republic", "Kingdom", "Cabinet", "Assembly", "Court", "Police",
    "Army", "Navy", "Museum", "Library", "Station", "Street", "Road", "Island", "River",
    "Mountain", "Gyeonggi", "Gangwon", "Busan", "Incheon", "Hamgyeong", "Pyeongan",
    "Hwanghae", "Jeolla", "Gyeongsang", "Chungcheong", "Jeju", "Yes", "No", "Well", "Oh",
    "Thank", "Thanks", "Please", "Let", "Let's", "Let’s", "What", "Why", "How", "Who",
    "Where", "Which", "Whether", "Each", "Every", "Both", "All", "Such", "Only", "Just",
}  # fmt: skip
_KOREAN_NAME = re.compile(r"[A-Z][a-z]{1,4} [A-Z][a-z]+-[a-z]+")


@dataclass
class Person:
    name: str  # the full name as written, without titles
    key: str = ""  # voice key
    interviewee: bool = False
    mentioned: int = 0  # position of the last mention (larger = more recent)

    @property
    def tokens(self) -> list[str]:
        return self.name.split()

    @property
    def surname(self) -> str:
        # Korean names as written in English put the family name first: Shin Jeong-hwa
        return self.tokens[0] if _KOREAN_NAME.fullmatch(self.name) else self.tokens[-1]


def _name_runs(text: str) -> Iterable[tuple[list[str], bool]]:
    """Capitalized word runs that may name a person: (name tokens, had a title)."""
    for match in _RUN.finditer(text):
        words = match.group(0).split()
        if words[-1].endswith(("'s", "’s")):
            continue
        titled = False
        while words and words[0].rstrip(".") in TITLES:
            words, titled = words[1:], True
        while words and words[0] in _NOT_NAMES:
            words, titled = words[1:], False
        if not words or any(w in _NOT_NAMES or w in TITLES for w in words):
            continue
        if len(words) > 3:
            continue
        # a title written before the run ("professor Kim", "player Im")
        before = text[: match.start()].split()[-1:] if match.start() else []
        if before and before[0].rstrip(".,").capitalize() in TITLES:
            titled = True
        yield words, titled


class People:
    """Everyone named so far, so that "Professor Shin" finds "Shin Jeong-hwa"."""

    def __init__(self) -> None:
        self.known: list[Person] = []
        self.clock = 0

    def resolve(self, words: list[str], titled: bool) -> Person | None:
        self.clock += 1
        if len(words) >= 2:
            name = " ".join(words)
            person = next((p for p in self.known if p.name == name), None)
            if person is None:
                person = Person(name)
                self.known.append(person)
            person.mentioned = self.clock
            return person
        word = words[0]
        matches = [p for p in self.known if word in p.tokens]
        if not matches:
            if not titled:
                return None
            person = Person(word)
            self.known.append(person)
            matches = [person]
        best = max(matches, key=lambda p: (p.surname == word, p.interviewee, p.mentioned))
        best.mentioned = self.clock
        return best

    def named_in(self, text: str) -> list[Person]:
        """The people a paragraph names, in order of last mention."""
        found: dict[str, Person] = {}
        for words, titled in _name_runs(text):
            person = self.resolve(words, titled)
            if person is not None:
                found.pop(person.name, None)
                found[person.name] = person
        return list(found.values())

    def first_named(self, phrase: str) -> Person | None:
        for words, titled in _name_runs(phrase):
            person = self.resolve(words, titled)
            if person is not None:
                return person
        return None


def mentions(text: str, person: Person) -> bool:
    """Whether `text` talks about `person` in the third person (name, surname or title)."""
    if person.name in text:
        return True
    surname = re.escape(person.surname)
    return re.search(rf"(?<![\w-]){surname}(?![\w-])(?!\s+{TOKEN})", text) is not None
