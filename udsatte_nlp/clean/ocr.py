"""Danish OCR repair: æ/ø/å lost by a non-Danish OCR model, l read as I or |, glued words, e/o bullets.

Two steps for the cleaning chain:

* :func:`ocr_markers` (before bullet normalisation and reflow): a lone ``e`` or ``o``
  at the start of a line is a bullet the OCR misread; a lone ``|`` is the word ``I``.
* :func:`ocr_repair` (last): word-by-word repair from real Danish resources.

How :func:`ocr_repair` decides
------------------------------
The lexicon is every word form of Debian's ``hunspell-da`` (expanded through its
affix rules by ``tools/build_danish_words.py`` and shipped compressed in
``udsatte_nlp/data/``) plus compounds (a linking form such as ``hjemløsheds``
or a common word of four letters or more, followed by a word that may end a
compound; a compound scores by its last part). Frequencies come from wordfreq's
Danish list (a form it does not know backs off to its stem).

1. A word that is not Danish gets candidates from a confusion map of what an
   English OCR model makes of Danish letters (ø read as g p d o e @ 0; å as a d;
   æ as ae ee e a ze sz; l as I |), up to three substitutions. Each valid
   candidate scores its Zipf frequency minus the cost of its substitutions;
   the best wins if it beats the original (a compound-only or unknown word).
   A word with no candidate may be two words glued together (``Detvar``).
2. The document's damage decides how bold to be: the share of æ/ø/å among its
   letters (normal Danish has 2-4 %) and how many of its words were not Danish
   but became Danish words with æ/ø/å, against the words that already had them.
3. In a damaged document, a real word that is also a damaged form of another
   (``far``/``får``, ``made``/``måde``, ``for``/``før``) changes only when its
   context supports the other reading (the word class the neighbouring
   function words call for, ``både … og``, damaged neighbours) and the
   frequencies do not speak against it. In a clean document valid words are
   never touched.

Never touched: all-caps abbreviations (KL, SKP), tokens with digits (except an
``0`` between letters, ``h0jt``), e-mail addresses and URLs, CamelCase names.
"""

from __future__ import annotations

import lzma
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..records import Correction
from .base import StepResult, sub

__all__ = [
    "Damage",
    "Lexicon",
    "SUGGEST_BELOW",
    "ambiguous",
    "candidates",
    "dictionary_word",
    "estimate_damage",
    "lexicon",
    "ocr_markers",
    "ocr_repair",
    "repair_word",
]

DANISH = frozenset("æøåÆØÅ")

# What an English OCR model makes of Danish letters: (read as, meant, cost in Zipf units).
CONFUSIONS: tuple[tuple[str, str, float], ...] = (
    ("o", "ø", 0.8),
    ("g", "ø", 1.0),
    ("p", "ø", 1.1),
    ("d", "ø", 1.2),
    ("e", "ø", 1.3),
    ("a", "ø", 1.0),
    ("@", "ø", 0.3),
    ("0", "ø", 0.4),
    ("a", "å", 0.7),
    ("d", "å", 1.1),
    ("ae", "æ", 0.5),
    ("ze", "æ", 0.5),
    ("sz", "æ", 0.6),
    ("ee", "æ", 0.9),
    ("e", "æ", 1.0),
    ("a", "æ", 0.9),
    ("z", "æ", 1.0),  # the "z" of "ze"/"sz" on its own ("szrligt": særligt)
    ("x", "æ", 1.0),
    ("|", "l", 0.3),
    ("I", "l", 0.4),  # only inside or at the start of a lower-case word (handled before lower-casing)
)
MAX_EDITS = 3
MAX_CANDIDATES = 600
MIN_PART = 3  # shortest part of a compound we accept

# Closed-class Danish words that tell which word class the next (or previous) word has.
DETERMINERS = frozenset(
    "en et denne dette disse samme hver hvert enhver ethvert ingen intet min mit mine din dit dine sin sit sine "
    "vores jeres hans hendes dens dets anden andet hvilken hvilket sådan sådant sådanne ny nyt god godt".split()
)
SUBJECTS = frozenset("jeg du han hun man vi der".split())
MODALS = frozenset("kan kunne skal skulle vil ville må måtte bør burde tør turde".split())
INFINITIVE_MARKERS = MODALS | {"at"}
CLAUSE_OPENERS = frozenset("og men så nu da når hvis fordi at hvor hvordan hvorfor hvad også derfor".split())
CORRELATIVES = {"både": "og", "hverken": "eller", "enten": "eller"}
# Function words whose class the dictionary cannot tell (they carry every tag).
CLOSED_CLASS = {
    **{w: "C" for w in "før når så da end fordi hvis mens siden efter".split()},
    **{w: "P" for w in "for på i til med af om fra ved under over mod hos uden".split()},
    **{w: "D" for w in DETERMINERS},
    **{w: "S" for w in "jeg du han hun man vi de dem os mig dig ham hende".split()},
    **{w: "R" for w in "her der nu også ikke kun meget mere".split()},
    **{w: "M" for w in MODALS},
}
MAX_STEM_ZIPF = 6.0  # above this a word is a function word (med, for, til, og), never a stem to back off to
COMPOUND_DOUBT = 1.0  # how much a listed reading may trail a compound-only reading in a damaged text
#: A repair less sure than this is not made but kept as a suggestion (``Correction.status``),
#: and so is one whose result is no dictionary word (:func:`dictionary_word`).
SUGGEST_BELOW = 0.55

_WORD = re.compile(r"@?[^\W\d_]+(?:[@0|][^\W\d_]+)*")  # "@nsker", "sp@rgeskema", "h0jt" too
_URL_HINT = re.compile(r"@|://|www\.|\.(?:dk|com|org|net|eu|de|se|no|info)\b", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_HAS_DANISH = re.compile("[æøåÆØÅ]").search
_LETTER = re.compile(r"[^\W\d_]")
_SENTENCE_BREAK = re.compile(r"[.!?:;•\n]").search
_O_LINE = re.compile(r"^[ \t]*(?:•\s*)?o .*$", re.M)


# ------------------------------------------------------------------ lexicon
@dataclass
class Lexicon:
    """Danish word forms (with their kinds, see ``tools/build_danish_words.py``) and frequencies."""

    kinds: dict[str, str]
    zipf: dict[str, float]

    def listed(self, word: str) -> bool:
        return "w" in self.kinds.get(word, "")

    def can_begin(self, part: str, loose: bool = False) -> bool:
        """``part`` may begin a compound: the dictionary says so, or (``loose``) it is a
        common word of four letters or more (``udsatte-``), as Danish allows."""
        k = self.kinds.get(part, "")
        if "b" in k:
            return True
        return loose and len(part) >= 4 and "w" in k and self.frequency(part) >= 3.0

    def can_end(self, part: str) -> bool:
        return "e" in self.kinds.get(part, "")

    def frequency(self, word: str) -> float:
        """Zipf frequency. A listed form wordfreq does not know gets its longest known
        stem's frequency less 1.5 (``rådene`` from ``råd``), at least 1.0. A function
        word is no stem (``mede``, to fish, is not as common as ``med``): stems more
        frequent than :data:`MAX_STEM_ZIPF` are passed over."""
        z = self.zipf.get(word)
        if z:
            return z
        if not self.listed(word):
            return 0.0
        for i in range(len(word) - 1, max(2, len(word) - 6), -1):
            stem = self.zipf.get(word[:i])
            if stem and stem <= MAX_STEM_ZIPF and self.listed(word[:i]):
                return max(1.0, stem - 1.5)
        return 1.0

    def compound(self, word: str, depth: int = 0, loose: bool = False) -> str | None:
        """The last part (head) of ``word`` if it is a compound (start part + end part,
        recursively; the longest start part first), else ``None``."""
        if depth > 3 or len(word) < 2 * MIN_PART:
            return None
        for i in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            if self.can_begin(word[:i], loose and depth == 0):
                rest = word[i:]
                if self.can_end(rest):
                    return rest
                head = self.compound(rest, depth + 1, loose)
                if head is not None:
                    return head
        return None

    def name(self, word: str) -> bool:
        """``word`` (lower case) is a name or unit the dictionary spells with a capital."""
        return "w" in self.kinds.get(word[:1].upper() + word[1:], "")

    def valid(self, word: str, loose: bool = False, title: bool = False) -> float | None:
        """The score of a lower-case ``word`` if it is Danish, else ``None``: its frequency if
        listed (or, with ``title``, a name); for a compound, its head's frequency less 3
        (a function word as head counts as a content word: ``rådvar`` is two words)."""
        if self.listed(word):
            return self.frequency(word)
        if title and self.name(word):
            return self.zipf.get(word) or 2.0
        head = self.compound(word, loose=loose)
        if head is not None:
            return min(self.frequency(head), 4.5) - 3.0
        return None

    def word_class(self, word: str) -> str:
        """The word's main class: one of N (noun), V (finite verb), I (infinitive), A, P, C, D, S, R, ''."""
        if word in CLOSED_CLASS:
            return CLOSED_CLASS[word]
        k = self.kinds.get(word, "")
        if "V" in k and word.endswith("r") and "I" in self.kinds.get(word[:-1], ""):
            return "V"  # present tense of an infinitive: får (få), går (gå), bor (bo)
        if "I" in k and "N" not in k:
            return "I"
        for c in "NVAP":
            if c in k:
                return c
        return ""


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load the shipped word forms and wordfreq's Danish frequencies once (about a second)."""
    import wordfreq

    raw = resources.files("udsatte_nlp").joinpath("data", "da_words.tsv.xz").read_bytes()
    kinds: dict[str, str] = {}
    intern: dict[str, str] = {}
    for line in lzma.decompress(raw).decode("utf-8").splitlines():
        if not line or line[0] == "#":
            continue
        form, _, k = line.partition("\t")
        kinds[form] = intern.setdefault(k, k)
    zipf = {w: round(math.log10(f) + 9, 2) for w, f in wordfreq.get_frequency_dict("da", "best").items() if f > 0}
    return Lexicon(kinds, zipf)


# --------------------------------------------------------------- candidates
def _sites(word: str) -> list[tuple[int, int, str, float]]:
    sites = []
    for i in range(len(word)):
        for src, dst, cost in CONFUSIONS:
            if src == "I":
                continue
            if word.startswith(src, i):
                sites.append((i, len(src), dst, cost))
    return sites


def candidates(word: str, max_edits: int = MAX_EDITS) -> Iterator[tuple[str, float, int]]:
    """Every repair of lower-case ``word`` by the confusion map: ``(candidate, cost, edits)``.

    >>> sorted(c for c, _, n in candidates("pa") if n == 1)
    ['på', 'pæ', 'øa']
    """
    sites = _sites(word)
    count = 0
    yield word, 0.0, 0

    def rec(start: int, pos: int, built: str, cost: float, edits: int) -> Iterator[tuple[str, float, int]]:
        nonlocal count
        for s in range(start, len(sites)):
            i, n, dst, c = sites[s]
            if i < pos:
                continue
            if count >= MAX_CANDIDATES:
                return
            new = built + word[pos:i] + dst
            count += 1
            yield new + word[i + n :], cost + c, edits + 1
            if edits + 1 < max_edits:
                yield from rec(s + 1, i + n, new, cost + c, edits + 1)

    yield from rec(0, 0, "", 0.0, 0)


@dataclass(frozen=True)
class Repair:
    word: str  # the repaired lower-case word
    score: float  # its frequency minus the cost of the edits
    margin: float  # over the original (or the runner-up)
    edits: int
    rule: str  # 'ocr' or 'ocr-glued'
    base: float = -1.0  # the score of the word as it stands (-1: not Danish)
    strong: bool = False  # only unmistakable OCR confusions (ae, ze, @, 0, |)


GLUE_COST = 1.5


@lru_cache(maxsize=200_000)
def repair_word(word: str, title: bool = False) -> Repair | None:
    """The best Danish reading of a lower-case word that is not plainly Danish (else ``None``).

    A word that is not Danish takes its best candidate, or two words if it is two
    glued together. A word that is Danish only as a compound (or, with ``title``,
    as a name) returns a candidate only if it is nearly as likely (the caller
    decides, from the document's damage, whether to use it). A listed word returns
    ``None`` (see :func:`ambiguous` for those).
    """
    lex = lexicon()
    if lex.listed(word):
        return None
    original = lex.valid(word, loose=True, title=title)
    base = original if original is not None else -1.0
    best = _best_candidate(word, title)
    if "|" not in word and "@" not in word and "0" not in word:
        # Danish writes compounds as one word: split only where no reading as one word exists,
        # or where two very common words beat a rare or compound-only reading ("haret": "har et",
        # "rådvar": "råd var").
        glued = _unglue(word, strict=best is not None, compound=original is not None)
        if glued is not None and (best is None or not lex.listed(best.word) or best.score < 2.5):
            runner_up = max(base, best.score if best else base)
            if glued.score > runner_up + (0.0 if original is None else 1.0):
                return Repair(glued.word, glued.score, glued.score - runner_up, glued.edits, glued.rule, base)
    if best is None or best.score <= base - COMPOUND_DOUBT:
        return None
    margin = best.score - max(best.margin, base)
    return Repair(best.word, best.score, margin, best.edits, "ocr", base, best.strong)


def _best_candidate(word: str, title: bool = False) -> Repair | None:
    """The best-scoring Danish candidate (``margin`` holds the runner-up's score)."""
    lex = lexicon()
    best: tuple[float, str, int, float] | None = None
    second = -1.0
    for cand, cost, edits in candidates(word):
        if not edits or "|" in cand or "@" in cand or "0" in cand:
            continue
        score = lex.valid(cand, loose=True, title=title)
        if score is None:
            continue
        total = score - cost
        if best is None or total > best[0]:
            if best is not None:
                second = max(second, best[0])
            best = (total, cand, edits, cost)
        else:
            second = max(second, total)
    if best is None:
        return None
    return Repair(best[1], best[0], second, best[2], "ocr", strong=best[3] / best[2] <= 0.6)


def _unglue(word: str, strict: bool = False, compound: bool = False) -> Repair | None:
    """Split two words read as one (``detvar`` → ``det var``, ``harfdet`` → ``har fået``) when
    one is a common Danish word and the other a Danish word (as it stands or repaired)."""
    lex = lexicon()
    best: tuple[float, str] | None = None
    for i in range(1, len(word)):
        left, right = word[:i], word[i:]
        parts = []
        for part in (left, right):
            if lex.listed(part):
                parts.append((part, lex.frequency(part)))
            elif len(part) >= 3:
                r = _best_candidate(part)
                if r is None or not lex.listed(r.word):
                    break
                parts.append((r.word, r.score))
            else:
                break
        if len(parts) != 2:
            continue
        (lw, fl), (rw, fr) = parts
        low, high = min(fl, fr), max(fl, fr)
        if compound:  # a compound as it stands: only if one part is a function word ("rådvar")
            if high < 6.5 or low < 4.0:
                continue
        elif high < 5.5 or low < (5.5 if strict else 2.5):
            continue
        if len(lw) == 1 and lw not in "iå":
            continue
        if best is None or fl + fr > best[0]:
            best = (fl + fr, f"{lw} {rw}", min(fl, fr) - GLUE_COST)
    if best is None:
        return None
    return Repair(best[1], best[2], best[2], 1, "ocr-glued")


@lru_cache(maxsize=100_000)
def ambiguous(word: str) -> tuple[tuple[str, float], ...]:
    """Listed words with æ/ø/å that ``word`` (itself listed) may be a damaged form of, with the
    cost of the damage: ``far`` → ``(("får", 0.7),)``."""
    lex = lexicon()
    out = []
    for cand, cost, edits in candidates(word, 2):
        if edits and _HAS_DANISH(cand) and lex.listed(cand) and "|" not in cand:
            out.append((cand, cost))
    return tuple(out)


# ------------------------------------------------------------------- damage
@dataclass
class Damage:
    """How damaged a text looks: share of æ/ø/å among letters and repairable non-words."""

    letters: int
    share: float  # æ/ø/å among letters (normal Danish: 0.02-0.04)
    repairable: int  # words that are not Danish but become Danish words with æ/ø/å
    intact: int  # words that already have æ/ø/å
    words: int

    @property
    def damaged(self) -> bool:
        if self.repairable >= 2 and self.repairable >= 0.5 * self.intact:
            return True
        return self.repairable >= 1 and (self.intact == 0 or self.share < 0.006)

    @property
    def level(self) -> float:
        """0 (clean) to 1 (every æ/ø/å lost)."""
        total = self.repairable + self.intact
        return self.repairable / total if total else 0.0


def estimate_damage(text: str) -> Damage:
    """Estimate how damaged ``text`` is (see :class:`Damage`)."""
    return _survey(text)[0]


@lru_cache(maxsize=8)  # the cleaner's next pass asks again about the same text
def _survey(text: str) -> tuple[Damage, dict[str, Repair]]:
    """The damage estimate and the repair of every distinct word that is not Danish."""
    counts = Counter(_WORD.findall(text))
    kinds = lexicon().kinds
    repairs: dict[str, Repair] = {}
    letters = repairable = intact = words = 0
    for w, n in counts.items():
        words += n
        letters += n * len(w)
        if _HAS_DANISH(w):
            intact += n
        if "w" in kinds.get(w, "") or "w" in kinds.get(w.lower(), "") or (len(w) > 1 and w.isupper()):
            continue
        r = _repair_token(w)
        if r is None:
            continue
        repairs[w] = r
        if r.rule == "ocr" and r.base < 0 and (_HAS_DANISH(r.word) or "l" in r.word and "I" in w):
            repairable += n
    danish = sum(text.count(ch) for ch in DANISH)
    return Damage(letters, danish / letters if letters else 0.0, repairable, intact, words), repairs


# ----------------------------------------------------------------- tokens
@dataclass(slots=True)
class _Token:
    text: str
    start: int
    skip: str | None = None  # why it must not be touched
    new: str | None = None
    rule: str = ""
    confidence: float = 0.0


def _url_spans(text: str) -> list[tuple[int, int]]:
    """Whitespace-delimited chunks that are e-mail addresses or web addresses."""
    spans: list[tuple[int, int]] = []
    for m in _URL_HINT.finditer(text):
        if spans and spans[-1][1] > m.start():
            continue
        a = m.start()
        while a > 0 and not text[a - 1].isspace():
            a -= 1
        b = m.end()
        while b < len(text) and not text[b].isspace():
            b += 1
        if m.group() == "@" and not _EMAIL.search(text, a, b):
            continue  # "sp@rgeskema": an ø the OCR read as @
        spans.append((a, b))
    return spans


def _tokens(text: str) -> list[_Token]:
    """The words of ``text``, each marked with why it must not be touched (if so)."""
    urls = _url_spans(text)
    u = 0
    out = []
    n = len(text)
    for m in _WORD.finditer(text):
        start, end = m.span()
        while u < len(urls) and urls[u][1] <= start:
            u += 1
        if u < len(urls) and urls[u][0] <= start:
            continue
        word = m.group()
        before = text[start - 1] if start else " "
        after = text[end] if end < n else " "
        skip = None
        if before.isdigit() or after.isdigit() or before in "@#/\\_" or after in "@_/\\":
            skip = "digits"
        elif not word.islower():
            if len(word) > 1 and word.isupper():
                skip = "abbreviation"
            elif _camel(word):
                skip = "camelcase"
        out.append(_Token(word, start, skip))
    return out


def _camel(word: str) -> bool:
    """An upper-case letter after a lower-case one (``DanChurchAid``), not an OCR'd l (``soIidaritet``)."""
    for i in range(1, len(word)):
        if word[i].isupper() and word[i - 1].islower() and word[i] != "I":
            return True
    return False


@lru_cache(maxsize=200_000)
def _repair_token(token: str) -> Repair | None:
    """Repair a token as written: keeps its capital, handles l read as ``I`` (``Iokale``, ``soIidaritet``)."""
    lex = lexicon()
    if "I" in token and len(token) > 1 and not token.isupper():
        spots = [i for i, ch in enumerate(token) if ch == "I"]
        if all(i > 0 and token[i - 1].islower() or i == 0 and token[1:2].islower() for i in spots):
            fixed = token.replace("I", "l")
            if fixed.islower() and not lex.listed(token.lower()):
                if lex.listed(fixed):
                    return Repair(fixed, lex.frequency(fixed), 2.0, len(spots), "ocr")
                r = repair_word(fixed)
                if r is not None and r.rule == "ocr":
                    return Repair(r.word, r.score, r.margin, r.edits + len(spots), "ocr")
        if any(i > 0 for i in spots):
            return None
    title = token[:1].isupper()
    r = repair_word(token.lower(), title)
    if r is None:
        return None
    word = r.word
    if title:
        word = word[:1].upper() + word[1:]
    return Repair(word, r.score, r.margin, r.edits, r.rule, r.base, r.strong)


def _confidence(margin: float) -> float:
    return round(min(0.99, 0.5 + 0.5 * (1 - math.exp(-max(margin, 0.0)))), 2)


# ------------------------------------------------------------------- steps
_MARKER = re.compile(r"^([ \t]*)(?:([eo])|•\s*([eo]))[ ]+(?=[\"“„(]?[^\W\d_])", re.M)
_PIPE_I = re.compile(r"(?:(?<=^)|(?<=^• )|(?<=[.!?] ))\|(?= [a-zæøå])", re.M)


def ocr_markers(text: str) -> StepResult:
    """A lone ``e`` starting a line is a misread bullet (→ ``•``), and so is a lone ``o`` in a
    damaged document (Word's own sub-bullet is an ``o`` too, so a clean one keeps it); a lone
    ``|`` starting a line or sentence is the word ``I``."""
    damaged: list[bool] = []

    def repl(m: re.Match[str]) -> str:
        if (m.group(2) or m.group(3)) == "o":
            if not damaged:
                damaged.append(_o_lines_damaged(text))
            if not damaged[0]:
                return m.group(0)
        return m.group(1) + "• "

    res = sub(_MARKER, repl, text, "ocr-bullet", 0.9)
    res2 = sub(_PIPE_I, "I", res.text, "ocr", 0.9)
    return StepResult(res2.text, res.corrections + res2.corrections)


def _o_lines_damaged(text: str) -> bool:
    """Whether a text with ``o``-marked lines is a damaged scan: almost no æ/ø/å at all, or
    damage on the ``o`` lines themselves."""
    sample = text[:20000]
    letters = len(_LETTER.findall(sample))
    if letters >= 200 and sum(sample.count(ch) for ch in DANISH) / letters < 0.006:
        return True
    return _survey("\n".join(_O_LINE.findall(text)))[0].damaged


def ocr_repair(text: str) -> StepResult:
    """Repair Danish OCR damage word by word (see the module docstring)."""
    if not text:
        return StepResult(text)
    lex = lexicon()
    damage, repairs = _survey(text)
    strict = not damage.damaged
    if strict and not any(_clean_doc_ok(w, r, lex) for w, r in repairs.items()):
        return StepResult(text)  # the common case: clean Danish, nothing to do
    tokens = _tokens(text)
    for tok in tokens:
        if tok.skip is not None:
            continue
        r = repairs.get(tok.text)
        if r is None:
            continue
        if strict and not _clean_doc_ok(tok.text, r, lex):
            continue
        if r.base >= 0 and r.rule == "ocr":
            # a compound (or name) as it stands: the damage of the document decides
            bonus = damage.level if lex.listed(r.word.lower()) else -0.5
            if r.score + bonus <= r.base:
                continue
        if (
            tok.text[:1].isupper()
            and not r.strong
            and not _sentence_start(text, tok)
            and lex.frequency(r.word.lower()) < 3.0
            and not lex.name(r.word.lower())
        ):
            continue  # probably a name the dictionary does not know
        tok.new, tok.rule, tok.confidence = r.word, r.rule, _confidence(r.margin)
        if strict:
            tok.confidence = round(tok.confidence * 0.8, 2)
    if damage.damaged:
        _resolve_ambiguous(text, tokens, lex, damage)
    corrections = [
        Correction(t.start, t.text, t.new, t.rule, t.confidence, "suggested" if _only_suggest(t, lex) else "applied")
        for t in tokens
        if t.new is not None and t.new != t.text
    ]
    applied = [c for c in corrections if c.status == "applied"]
    if not applied:
        return StepResult(text, corrections)
    out, last = [], 0
    for c in applied:
        out.append(text[last : c.start])
        out.append(c.after)
        last = c.start + len(c.before)
    out.append(text[last:])
    return StepResult("".join(out), corrections)


def dictionary_word(word: str, lex: Lexicon | None = None) -> bool:
    """Whether ``word`` is in the Danish dictionary: a listed form, a name the dictionary
    spells with a capital (for a capitalised word), or a compound of dictionary words (a
    start part the dictionary marks as such or a common word of four letters or more, as
    in *udsatte-området*) headed by a noun, adjective or participle, as Danish compounds
    are (``låseøger`` is not: *øger* is a verb).

    >>> dictionary_word("hjemløshedsstrategien"), dictionary_word("låseøger"), dictionary_word("ærligt")
    (True, False, True)
    """
    lex = lex or lexicon()
    low = word.lower()
    if lex.listed(low) or (word[:1].isupper() and lex.name(low)):
        return True
    head = lex.compound(low, loose=True)
    return head is not None and any(c in lex.kinds.get(head, "") for c in "NAP")


def _only_suggest(tok: _Token, lex: Lexicon) -> bool:
    """A repair the cleaner should not make on its own: too unsure, or not a dictionary word."""
    if tok.confidence < SUGGEST_BELOW:
        return True
    return not all(dictionary_word(w, lex) for w in (tok.new or "").split())


def _clean_doc_ok(word: str, r: Repair, lex: Lexicon) -> bool:
    """In a clean document only obvious repairs: a lower-case non-word becoming a common listed word."""
    if r.rule != "ocr" or not word.islower() or r.base >= 0:
        return False
    return lex.listed(r.word) and lex.frequency(r.word) >= 3.5 and r.margin >= 2.0 and r.edits == 1


def _sentence_start(text: str, tok: _Token) -> bool:
    """Nothing but a sentence end, a line break or a bullet before ``tok``."""
    i = tok.start - 1
    while i >= 0 and text[i] in " \t\"“„(":
        i -= 1
    return i < 0 or text[i] in ".!?:;•\n\f"


def _resolve_ambiguous(text: str, tokens: list[_Token], lex: Lexicon, damage: Damage) -> None:
    """Decide real words that may be damaged (``far``/``får``) from their context."""
    words = [(t.new or t.text).lower() for t in tokens]
    for i, tok in enumerate(tokens):
        if tok.skip is not None or tok.new is not None or _HAS_DANISH(tok.text):
            continue
        low = tok.text.lower()
        if not lex.listed(low):
            continue
        options = ambiguous(low)
        if not options:
            continue
        if tok.text[:1].isupper() and not _sentence_start(text, tok):
            continue  # a capitalised word inside a sentence is a name
        best = None
        for cand, cost in options:
            evidence = _context(text, tokens, words, i, low, cand, lex)
            if damage.level >= 0.8:
                evidence += 0.5  # nearly every æ/ø/å in the document was lost
            if evidence <= 0:
                continue
            total = lex.frequency(cand) - lex.frequency(low) + 1.5 * evidence - cost
            if total > 1.0 and (best is None or total > best[0]):
                best = (total, cand)
        if best is not None:
            new = best[1]
            tok.new = new[:1].upper() + new[1:] if tok.text[:1].isupper() else new
            tok.rule = "ocr-context"
            tok.confidence = round(_confidence(best[0] - 1.0) * 0.9, 2)


def _neighbour(text: str, tokens: list[_Token], words: list[str], i: int, step: int) -> str | None:
    """The neighbouring word in the same sentence (``None`` across a sentence end)."""
    j = i + step
    if j < 0 or j >= len(tokens):
        return None
    a, b = (tokens[j], tokens[i]) if step < 0 else (tokens[i], tokens[j])
    between = text[a.start + len(a.text) : b.start]
    if _SENTENCE_BREAK(between):
        return None
    return words[j]


def _context(text: str, tokens: list[_Token], words: list[str], i: int, word: str, cand: str, lex: Lexicon) -> float:
    """Evidence (> 0 for ``cand``, < 0 for ``word``) from the neighbouring words."""
    prev = _neighbour(text, tokens, words, i, -1)
    nxt = _neighbour(text, tokens, words, i, +1)
    cw, cc = lex.word_class(word), lex.word_class(cand)
    slots: list[set[str]] = []
    if prev in DETERMINERS:
        slots.append({"N", "A"})
    elif prev in SUBJECTS:
        slots.append({"V", "M"})
    elif prev in INFINITIVE_MARKERS:
        slots.append({"I"})
    if nxt in SUBJECTS and (prev is None or prev in CLAUSE_OPENERS):
        slots.append({"V", "C", "M"})  # inverted verb ("får vi") or a clause opener ("før vi")
    elif nxt is not None and nxt not in SUBJECTS and lex.word_class(nxt) == "I" and not _HAS_DANISH(word):
        slots.append({"M", "V"} if prev in SUBJECTS else {"M"})  # a modal before its infinitive
    evidence = 0.0
    for slot in slots:
        evidence += (cc in slot) - (cw in slot)
    partner = CORRELATIVES.get(cand)
    if partner:
        ahead = []
        for j in range(i, min(i + 8, len(words) - 1)):
            nxt_word = _neighbour(text, tokens, words, j, +1)
            if nxt_word is None:
                break
            ahead.append(nxt_word)
        if partner in ahead[1:]:
            evidence += 1.0
    damaged_near = any(
        tokens[j].new is not None and tokens[j].rule == "ocr"
        for j in range(max(0, i - 4), min(len(tokens), i + 5))
        if j != i
    )
    if damaged_near:
        evidence += 0.5
    return evidence
