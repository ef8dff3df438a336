"""Pseudonymisation: people's names, CPR numbers, phone numbers and e-mail addresses.

No Danish named-entity model can be downloaded here, so names are found by
rules over real word lists:

* **first names**: the Danish first names borne by at least a few hundred
  people according to Danmarks Statistik (``data/da_first_names.tsv``, built
  by ``tools/build_first_names.py``; facts, reused with the source named),
  plus Faker's first names (MIT licence) for Denmark, the Nordic neighbours and
  the countries of the largest immigrant groups, so *Jørgen*, *Vibeke*, *Knud*
  and *Fatima* are known;
* **surnames** from Faker's Danish, Norwegian and Swedish providers;
* **common Danish words** (every form in spaCy's Danish lemma table), so that
  a capitalised word at the start of a sentence (*Alle*, *Bo*, *Hans*) is not
  taken for a name unless a surname follows;
* **places** (Faker's Danish towns, regions and Danish country names) and
  **titles** (Faker's Danish job titles plus council offices such as
  *formand*, *borgmester*, *rådmand*): ``formand Østergård`` is a person,
  ``Odense`` is not;
* Danish **surname shapes**: patronymics built on a first name
  (*Jens+en*, *Søren+sen*) and *-gaard/-gård* names.

A name is a run of capitalised words anchored on a known first name (a first
name that is also a common word, like *Per*, counts mid-sentence or when a
surname follows), a known or surname-shaped word, or a word after a title.
Once a full name has been seen, each of its parts is recognised on its own
(*Østergård* later in the text), in any case (keywords are lower case).

Placeholders are stable: the same person gets the same ``[Person N]``
everywhere one :class:`Pseudonymiser` is used, numbered in order of first
mention; CPR numbers, phone numbers and e-mail addresses become ``[CPR]``,
``[Telefon]`` and ``[E-mail]``.

>>> p = Pseudonymiser()
>>> p("Formand Jørgen Østergård takkede. Østergård bor i Odense, tlf. 28 91 47 06.")
'Formand [Person 1] takkede. [Person 1] bor i Odense, tlf. [Telefon].'
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["Span", "NameLexicon", "Pseudonymiser", "load_lexicon", "PLACEHOLDERS"]

PLACEHOLDERS = {"cpr": "[CPR]", "phone": "[Telefon]", "email": "[E-mail]"}

#: Faker locales whose first names are added: Denmark, the Nordic neighbours, Germany and the
#: Netherlands, and the countries of the largest immigrant groups in Denmark (Poland, the former
#: Yugoslavia, Turkey, and transliterations used in Algeria and Pakistan).
FIRST_NAME_LOCALES = ("da_DK", "no_NO", "sv_SE", "is_IS", "de_DE", "nl_NL", "pl_PL", "hr_HR", "tr_TR", "fr_DZ", "en_PK")
SURNAME_LOCALES = ("da_DK", "no_NO", "sv_SE")

# Council offices and honorifics that Faker's job list lacks; words ending in
# these heads (``sekretariatschef``, ``socialminister``) count as titles too.
_TITLE_WORDS = {
    "formand", "næstformand", "forkvinde", "borgmester", "rådmand", "minister", "ordfører",
    "medlem", "hr", "fru", "frk", "dr", "prof", "professor", "pastor", "præst", "sognepræst",
}  # fmt: skip
_TITLE_HEADS = (
    "chef", "direktør", "leder", "konsulent", "rådgiver", "formand", "minister", "ordfører",
    "medarbejder", "mester", "rådmand", "behandler", "pædagog", "sygeplejerske", "vejleder",
)  # fmt: skip
# Surname shapes: Danish -gaard/-gård, and the South Slavic -ić (Bosnian, Croatian, Serbian) and
# Turkish -oğlu endings of the immigrant groups' surnames.
_SURNAME_ENDINGS = ("gaard", "gård", "ić", "oğlu")
_PATRONYMIC = ("sen", "en", "son", "sson", "datter")

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_INITIALS = re.compile(r"(?:[A-ZÆØÅ]\.){1,3}")
_TOKEN = re.compile(f"{_INITIALS.pattern}|{_WORD.pattern}")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?!\w)")
_CPR = re.compile(r"(?<![\d\w-])(?P<d>\d{2})(?P<m>\d{2})(?P<y>\d{2})-?(?P<n>\d{4})(?![\d\w])")
_PHONE = re.compile(
    r"(?<![\w+(])"
    r"(?P<prefix>(?:\(\+45\)|\+45|0045)[ .-]?)?"
    r"(?P<number>\d\d(?P<sep>[ .-]?)\d\d(?P=sep)\d\d(?P=sep)\d\d"  # 12 34 56 78 / 12345678 / 12-34-56-78
    r"|\d{4} \d{4}"  # 1234 5678
    r"|\d{3} \d\d \d{3})"  # 123 45 678
    r"(?![\d]|[.,]\d)"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_ORG_NUMBER = re.compile(r"(?i)\b(cvr|se|ean|p)[-. ]*(nr|nummer)?\.?:?\s*$")
_LOCATIVE = {"i", "på", "fra", "ved", "nær", "mod", "omkring", "udenfor", "syd", "nord", "øst", "vest", "over", "via"}
_SENTENCE_END = ".!?:;•*–-\n\r\t"
_OPENERS = " \"'“”„«»‘’(["


@dataclass(frozen=True)
class Span:
    """A piece of personal data found in a text: ``text[start:end]`` of ``kind``.

    ``kind`` is ``person``, ``cpr``, ``phone`` or ``email``; for a person,
    ``key`` holds the name's words in their base form (genitive *s* removed).
    """

    start: int
    end: int
    kind: str
    text: str
    key: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameLexicon:
    """The word lists behind name detection (see the module docstring)."""

    first_names: frozenset[str]
    danish_first_names: frozenset[str]
    surnames: frozenset[str]
    places: frozenset[str]
    titles: frozenset[str]
    common: frozenset[str]  # lower-case Danish word forms

    def is_common(self, word: str) -> bool:
        return word.lower() in self.common

    def is_place(self, word: str) -> bool:
        return word in self.places or (word.endswith("s") and word[:-1] in self.places)

    def is_first_name(self, word: str) -> bool:
        if word in self.first_names:
            return True
        parts = word.split("-")
        return len(parts) > 1 and all(p in self.first_names for p in parts)

    def is_title(self, word: str) -> bool:
        w = word.lower().rstrip(".")
        return w in self.titles or (len(w) > 5 and w.endswith(_TITLE_HEADS))

    def is_surname_like(self, word: str) -> bool:
        """A known surname, a patronymic on a first name, or a surname shape (*-gaard*, *-ić* …); never a common word or place."""
        if self.is_common(word) or self.is_place(word):
            return False
        if word in self.surnames:
            return True
        parts = word.split("-")
        if len(parts) > 1:
            return all(p in self.surnames or p in self.first_names or self.is_surname_like(p) for p in parts)
        if word.lower().endswith(_SURNAME_ENDINGS) and len(word) > 5:
            return True
        for end in _PATRONYMIC:
            stem = word[: -len(end)]
            if word.endswith(end) and len(stem) >= 2 and stem in self.first_names:
                return True
        return False


def _faker_names(locales: Sequence[str], attrs: Sequence[str]) -> set[str]:
    from importlib import import_module

    names: set[str] = set()
    for locale in locales:
        try:
            provider = import_module(f"faker.providers.person.{locale}").Provider
        except ModuleNotFoundError:  # a locale an older Faker lacks
            continue
        for attr in attrs:
            value = getattr(provider, attr, None)
            if isinstance(value, dict | tuple | list | set | frozenset):
                names.update(str(v) for v in value)
    return {n for n in names if _WORD.fullmatch(n) and n[:1].isupper()}


def _statistics_names() -> set[str]:
    """Danish first names from Danmarks Statistik's counts (``data/da_first_names.tsv``)."""
    from importlib.resources import files

    text = (files("udsatte_nlp") / "data" / "da_first_names.tsv").read_text(encoding="utf-8")
    return {line.split("\t", 1)[0] for line in text.splitlines() if line and not line.startswith("#")}


def _common_words() -> set[str]:
    """Every lower-case word form in spaCy's Danish lemma table (spacy-lookups-data)."""
    import gzip
    import json
    from importlib.resources import files

    path = files("spacy_lookups_data") / "data" / "da_lemma_lookup.json.gz"
    with gzip.open(str(path), "rt", encoding="utf-8") as fh:
        table: dict[str, str] = json.load(fh)
    return {w for w in (*table.keys(), *table.values()) if w.islower()}


@lru_cache(maxsize=4)
def load_lexicon(first_name_locales: tuple[str, ...] = FIRST_NAME_LOCALES) -> NameLexicon:
    """Build the word lists once per process (about a second)."""
    from faker.providers.address.da_DK import Provider as Address
    from faker.providers.job.da_DK import Provider as Jobs

    danish = _statistics_names() | _faker_names(("da_DK",), ("first_names", "first_names_male", "first_names_female"))
    first = danish | _faker_names(first_name_locales, ("first_names", "first_names_male", "first_names_female"))
    surnames = _faker_names(SURNAME_LOCALES, ("last_names",))
    places: set[str] = set()
    for name in (*Address.cities, *Address.countries, *Address.states):
        places.add(name)
        places.update(w for w in name.split() if w[:1].isupper())
    titles = set(_TITLE_WORDS)
    for job in Jobs.jobs:
        words = job.lower().split()
        if len(words) <= 2:
            titles.add(words[-1])
    return NameLexicon(
        first_names=frozenset(first),
        danish_first_names=frozenset(danish),
        surnames=frozenset(surnames),
        places=frozenset(places),
        titles=frozenset(titles),
        common=frozenset(_common_words()),
    )


@dataclass
class _Token:
    start: int
    end: int
    text: str
    sentence_start: bool
    initials: bool = False
    shouted: bool = False  # written in capitals, so its capital letter says nothing

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def _valid_cpr(m: re.Match[str]) -> bool:
    day, month, year = int(m["d"]), int(m["m"]), int(m["y"])
    if not 1 <= month <= 12:
        return False
    # The century is unknown; 29 February is valid when either century allows it.
    leap = calendar.isleap(1900 + year) or calendar.isleap(2000 + year)
    last = 29 if month == 2 and leap else calendar.monthrange(2001, month)[1]
    return 1 <= day <= last


def _is_sentence_start(text: str, start: int) -> bool:
    i = start
    while i > 0 and text[i - 1] in _OPENERS:
        i -= 1
    return i == 0 or text[i - 1] in _SENTENCE_END


@dataclass
class _Person:
    number: int
    forms: set[tuple[str, ...]] = field(default_factory=set)
    first_seen: int = 0


class Pseudonymiser:
    """Find and replace personal data with stable placeholders.

    Parameters
    ----------
    lexicon:
        The word lists; :func:`load_lexicon` by default.

    Call :meth:`learn` with every text of a report first, so that a name seen
    in full anywhere is recognised in its short forms everywhere and people
    are numbered in order of first mention; then call the object on each text.
    """

    def __init__(self, lexicon: NameLexicon | None = None):
        self.lexicon = lexicon or load_lexicon()
        self._people: list[_Person] = []
        self._by_form: dict[tuple[str, ...], _Person] = {}
        self._known: set[str] = set()  # casefolded name parts that are no common word or place
        self._mentions = 0

    # ------------------------------------------------------------ finding
    def find(self, text: str) -> list[Span]:
        """Every piece of personal data in ``text``, sorted by position, without overlaps."""
        spans: list[Span] = []
        taken = bytearray(len(text))  # 1 where a span was found already

        def add(start: int, end: int, kind: str, key: tuple[str, ...] = ()) -> None:
            if any(taken[start:end]):
                return
            taken[start:end] = b"\x01" * (end - start)
            spans.append(Span(start, end, kind, text[start:end], key))

        for m in _EMAIL.finditer(text):
            add(m.start(), m.end(), "email")
        for m in _CPR.finditer(text):
            if _valid_cpr(m):
                add(m.start(), m.end(), "cpr")
        for m in _PHONE.finditer(text):
            digits = re.sub(r"\D", "", m["number"])
            halves = m["number"].split(" ")
            if not m["prefix"] and len(halves) == 2 and all(_YEAR.fullmatch(h) for h in halves):
                continue  # "2022 2023" is two years
            if not m["prefix"] and _ORG_NUMBER.search(text[max(0, m.start() - 16) : m.start()]):
                continue  # an organisation's CVR/SE number
            if len(digits) == 8 and (m["prefix"] or digits[0] not in "01"):  # Danish numbers start with 2-9
                add(m.start(), m.end(), "phone")
        for start, end, key in self._names(text, taken):
            add(start, end, "person", key)
        return sorted(spans, key=lambda s: s.start)

    def _tokens(self, text: str, taken: bytearray) -> list[_Token]:
        """Words and initials outside ``taken``. Words in capitals (``SUSY UDSAT``) are read as
        capitalised names only in a text written mostly in capitals, like a post-it; elsewhere
        they are acronyms and left alone."""
        letters = [c for c in text if c.isalpha()]
        shouting = len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.6 * len(letters)
        tokens = []
        for m in _TOKEN.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            word = m.group()
            initials = bool(_INITIALS.fullmatch(word))
            if not initials and word.isupper() and len(word) > 1:
                if not shouting:
                    continue
                word = word.title()
            tokens.append(
                _Token(m.start(), m.end(), word, _is_sentence_start(text, m.start()), initials, word != m.group())
            )
        return tokens

    def _base(self, word: str) -> tuple[str, bool]:
        """The word without a genitive *s* when only that form is a name: ``Jørgens`` → ``Jørgen``."""
        lex = self.lexicon
        if word.isupper() and len(word) > 2:
            word = word.title()
        if word.endswith("s") and len(word) > 3 and not (lex.is_first_name(word) or word in lex.surnames):
            stem = word[:-1]
            if stem in lex.danish_first_names or lex.is_surname_like(stem) or stem.casefold() in self._known:
                return stem, True  # Sørens, Åses, Jensens
            if lex.is_first_name(stem) and not (lex.is_common(word) or word in lex.places):
                return stem, True
        return word, False

    def _names(self, text: str, taken: bytearray) -> list[tuple[int, int, tuple[str, ...]]]:
        lex = self.lexicon
        tokens = self._tokens(text, taken)
        found: list[tuple[int, int, tuple[str, ...]]] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            base, _ = self._base(tok.text)
            known = base.casefold() in self._known
            if not tok.capitalised:
                # lower-case: only a Danish first name that is no common word, or a name seen before
                title = base[:1].upper() + base[1:]
                if (known or (title in lex.danish_first_names and len(base) > 2)) and not (
                    lex.is_common(base) or lex.is_place(title)
                ):
                    found.append(self._span(tokens[i : i + 1]))
                i += 1
                continue
            # a run of capitalised words (and initials) separated by single spaces
            j = i + 1
            while (
                j < len(tokens)
                and text[tokens[j - 1].end : tokens[j].start] == " "
                and (tokens[j].capitalised or tokens[j].initials)
            ):
                j += 1
            run = tokens[i:j]
            before = tokens[i - 1] if i > 0 and text[tokens[i - 1].end : tok.start] == " " else None
            found.extend(
                self._names_in_run(
                    run,
                    titled=before is not None and lex.is_title(before.text),
                    locative=before is not None and before.text.lower() in _LOCATIVE,
                )
            )
            i = j
        # "Jørgen østergård" in a sentence-case label: two mentions side by side are one name
        merged: list[tuple[int, int, tuple[str, ...]]] = []
        for start, end, key in found:
            if merged and text[merged[-1][1] : start] == " ":
                merged[-1] = (merged[-1][0], end, merged[-1][2] + key)
            else:
                merged.append((start, end, key))
        return merged

    def _names_in_run(
        self, run: list[_Token], *, titled: bool, locative: bool
    ) -> list[tuple[int, int, tuple[str, ...]]]:
        lex = self.lexicon
        out = []
        k = 0
        while k < len(run):
            tok = run[k]
            base, _ = self._base(tok.text)
            nxt = self._base(run[k + 1].text)[0] if k + 1 < len(run) else None
            common = lex.is_common(base)
            place = lex.is_place(base)
            first = lex.is_first_name(base)
            followed = nxt is not None and self._continues(nxt)
            after_title = (titled and k == 0) or (k > 0 and lex.is_title(run[k - 1].text))
            # the word before is outside the name: nothing, or a capitalised common word opening the sentence
            opens = k == 0 or (run[k - 1].sentence_start and lex.is_common(run[k - 1].text))
            loc = locative if k == 0 else run[k - 1].text.lower() in _LOCATIVE
            anchor = False
            if base.casefold() in self._known and not (common and tok.sentence_start and not followed):
                anchor = True
            elif first and not common and not place:
                anchor = True
            elif first and (followed or after_title or (opens and not tok.sentence_start and not (place and loc))):
                anchor = True  # Per, Bo, Hans, Flemming: names mid-sentence or with a surname, not "i Flemming"
            elif lex.is_surname_like(base):
                anchor = True
            elif after_title and not common and not place and not tok.initials:
                anchor = True  # formand Østergård
            elif tok.initials and nxt is not None and lex.is_surname_like(nxt):
                anchor = True  # H.C. Andersen
            if not anchor:
                k += 1
                continue
            # Vibeke Østergaard: an unknown word right before a name's anchor belongs to it
            while (
                k > 0
                and not lex.is_common(run[k - 1].text)
                and not lex.is_place(run[k - 1].text)
                and not (lex.is_title(run[k - 1].text) or (out and out[-1][1] >= run[k - 1].start))
            ):
                k -= 1
            # Mid-sentence, a capitalised word after a name is part of it (Jesper Lund Madsen,
            # Karina Find) unless it is a place or a title; at most four words in all.
            end = k + 1
            while end < len(run) and end - k < 4:
                nb = self._base(run[end].text)[0]
                if self._continues(nb) or not (run[end].shouted or lex.is_place(nb) or lex.is_title(nb)):
                    end += 1
                else:
                    break
            out.append(self._span(run[k:end]))
            k = end
        return out

    def _continues(self, word: str) -> bool:
        """Whether ``word`` can be a further part of a name that has started."""
        lex = self.lexicon
        if lex.is_place(word) and word not in lex.surnames:
            return False
        return (
            lex.is_first_name(word)
            or word in lex.surnames
            or lex.is_surname_like(word)
            or word.casefold() in self._known
            or (not lex.is_common(word) and not lex.is_title(word))
        )

    def _span(self, tokens: list[_Token]) -> tuple[int, int, tuple[str, ...]]:
        last = tokens[-1]
        base, genitive = self._base(last.text)
        end = last.end - 1 if genitive else last.end
        key = tuple(self._base(t.text)[0].casefold() for t in tokens if not t.initials)
        return tokens[0].start, end, key or (tokens[0].text.casefold(),)

    # ----------------------------------------------------------- identities
    def learn(self, texts: Iterable[str]) -> Pseudonymiser:
        """Register every name in ``texts``: full names first, so short forms join them."""
        texts = list(texts)
        mentions: list[tuple[str, ...]] = []
        for _ in range(2):  # the second pass also sees the short forms of names learnt in the first
            mentions = [s.key for text in texts for s in self.find(text) if s.kind == "person"]
            for key in mentions:
                if len(key) > 1:
                    self._register(key)
        for position, key in enumerate(mentions, start=self._mentions):
            person = self._resolve(key)
            person.first_seen = min(person.first_seen, position)
        self._mentions += len(mentions)
        # number people by first mention
        for n, person in enumerate(sorted(self._people, key=lambda p: (p.first_seen, p.number)), start=1):
            person.number = n
        return self

    def _register(self, key: tuple[str, ...]) -> _Person:
        if key in self._by_form:
            return self._by_form[key]
        person = _Person(number=len(self._people) + 1, first_seen=1 << 62)
        person.forms.add(key)
        self._people.append(person)
        self._by_form[key] = person
        lex = self.lexicon
        for part in key:
            if not lex.is_common(part) and not lex.is_place(part.title()):
                self._known.add(part)
        return person

    def _resolve(self, key: tuple[str, ...]) -> _Person:
        """The person a mention refers to; a short form joins the one full name it is part of."""
        if key in self._by_form:
            return self._by_form[key]
        candidates = {
            id(p): p
            for form, p in self._by_form.items()
            if len(form) > len(key) and (form[: len(key)] == key or form[-len(key) :] == key)
        }
        if len(candidates) == 1:
            person = next(iter(candidates.values()))
            self._by_form[key] = person
            person.forms.add(key)
            return person
        return self._register(key)

    # ------------------------------------------------------------ replacing
    def placeholder(self, span: Span) -> str:
        if span.kind == "person":
            return f"[Person {self._resolve(span.key).number}]"
        return PLACEHOLDERS[span.kind]

    def __call__(self, text: str | None) -> str | None:
        """``text`` with every piece of personal data replaced by its placeholder."""
        if not text:
            return text
        out = []
        pos = 0
        for span in self.find(text):
            out.append(text[pos : span.start])
            out.append(self.placeholder(span))
            pos = span.end
        out.append(text[pos:])
        return "".join(out)

    def counts(self) -> dict[str, int]:
        """How many different people were found (for the method note)."""
        return {"people": len(self._people)}
