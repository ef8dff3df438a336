"""The Danish language layer: sentences, lemmas and stop words for keywords and labels.

One cached spaCy pipeline, ``spacy.blank("da")`` with

* tokenizer special cases for :data:`ABBREVIATIONS` (so ``bl.a.`` is one token),
* ``da_sentencizer``: a rule-based sentencizer that knows Danish abbreviations,
  ordinals (``d. 8. juni``) and quotes, and
* ``da_lemmatizer``: spaCy's lookup lemmatizer with the table from
  ``spacy-lookups-data``, looked up in lower case, with a small reviewed table
  of domain fixes (:data:`LEMMA_FIXES`) and a fallback for compounds the
  table lacks (``udsatterådene`` → ``udsatteråd``).

Only keywords and labels use lemmas and stop words. Embeddings always see the
unit text as written.

>>> analyzer = keyword_analyzer()
>>> analyzer("Socialt udsatte borgere mangler boliger, fx i kommunerne.")
['social', 'udsat', 'borger', 'mangle', 'bolig', 'kommune']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "ABBREVIATIONS",
    "LEMMA_FIXES",
    "KeywordAnalyzer",
    "keyword_analyzer",
    "lemma",
    "lemmatize",
    "nlp",
    "sentence_spans",
    "stop_words",
]

# Abbreviations that end in a period but never end a sentence (lower case,
# without the final period). Reviewed for words that are also ordinary words
# at the end of a sentence: ``man`` (Monday/one), ``red`` (rode), ``søn`` (son),
# ``min`` (my) and ``tom`` (empty) are deliberately absent.
ABBREVIATIONS: frozenset[str] = frozenset(
    """
    a.h.t adr afd alm ang anm bek bl.a bla ca cand d dec div dr dvs e.l ekskl el el.lign etc evt
    f.eks feks ff fhv fmd fr fx gl hhv hr iflg ifm ift iht inkl istf jf jfr jnr jvf kap kbh kl km kr
    lign m.a.o m.fl ph.d m.h.t m.m m.v maks md mdr mfl mht mia mill mio mm mv nb ndr nr o.a o.fl o.l
    o.lign obs off ol osv p.g.a p.t pba pct pers pga pkt pr prof pt ref resp s sek skt sml st stk
    t.o.m tidl tilsv tlf udg vedr vejl vha vs
    jan feb febr mar apr jun jul aug sep sept okt nov
    tirs ons tors lør
    """.split()
)

# Participles that this domain uses as nouns and adjectives for groups of
# people ("de udsatte", "socialt udsatte", "tidligere anbragte"). The lookup
# table maps them to the verb ("udsatte" → "udsætte": to postpone), which
# would merge unrelated keywords. Each maps, with its plural and genitive
# forms, to the participle itself. Reviewed by hand; add a word only when the
# lookup gives the verb and the noun reading dominates in workshop input.
_PARTICIPLE_NOUNS: dict[str, str] = {
    # participle: plural/definite form
    "udsat": "udsatte",
    "ansat": "ansatte",
    "anbragt": "anbragte",
    "indsat": "indsatte",
    "sygemeldt": "sygemeldte",
    "fremmødt": "fremmødte",
    "berørt": "berørte",
    "løsladt": "løsladte",
    "dømt": "dømte",
    "straffet": "straffede",
    "handicappet": "handicappede",
    "marginaliseret": "marginaliserede",
    "isoleret": "isolerede",
    "involveret": "involverede",
    "visiteret": "visiterede",
}

# Nouns the lookup table turns into verbs or other words (form → lemma). These
# are central in workshop input: "borger" is not "borge" (to vouch), "retten
# til hjælp" is not "rette" (to correct), "viden" is not "vide" (to know).
_NOUN_FIXES: dict[str, str] = {
    "borger": "borger",
    "sagsbehandler": "sagsbehandler",
    "bisidder": "bisidder",
    "misbruger": "misbruger",
    "rådgiver": "rådgiver",
    "grupper": "gruppe",
    "budgetter": "budget",
    "viden": "viden",
    "ret": "ret",
    "retten": "ret",
    "fase": "fase",
    "faser": "fase",
    "fasen": "fase",
    "faserne": "fase",
    "centret": "center",
    "centre": "center",
}

# Adjectives, adverbs and verbs the table maps to an unrelated word.
_WORD_FIXES: dict[str, str] = {
    "syge": "syg",  # "de psykisk syge" (the table keeps "syge")
    "hørt": "høre",  # "at blive hørt" (missing)
    "let": "let",  # not "le" (to laugh)
    "svært": "svær",  # not "sværte" (to blacken)
    "tæt": "tæt",
    "tør": "turde",  # "folk tør ikke klage": not "tø" (to thaw)
    "væk": "væk",  # not "vække" (to wake)
    "frit": "fri",
    "klar": "klar",
    "fast": "fast",
    "skabe": "skabe",  # not "skab" (cupboard)
    "tage": "tage",  # not "tag" (roof)
    "taget": "tage",
    "begrebet": "begreb",  # not "begribe"
}

def _participle_fixes() -> dict[str, str]:
    fixes: dict[str, str] = {}
    for participle, plural in _PARTICIPLE_NOUNS.items():
        for form in (participle, plural, plural + "s"):
            fixes[form] = participle
    return fixes


LEMMA_FIXES: dict[str, str] = {**_participle_fixes(), **_NOUN_FIXES, **_WORD_FIXES}

# Filler of workshop notes that says nothing about a theme, on top of spaCy's
# Danish stop words (which we also add in lemma form, e.g. "skulle" for "skal").
_EXTRA_STOP_WORDS = frozenset(
    """
    fx ca mv osv evt pga jf bla feks bl.a f.eks m.v m.m m.fl etc dvs
    mere flere bare rigtig rigtigt godt gerne ting helt hele også både
    blive have være kunne skulle ville måtte burde gøre få
    """.split()
)

_QUOTES_OPEN = frozenset("\"“„«‘'(`[")
_QUOTES_CLOSE = frozenset("\"”»’'`)]")
_SENTENCE_PUNCT = frozenset({".", "!", "?", "…", "...", "?!", "!?", "!!", "??"})
_NUMBER_DOT = re.compile(r"^\d+\.$")
_ABBREV_TOKEN = re.compile(r"^[^\W\d_][\w.]*\.$")


# --------------------------------------------------------------- pipeline
def _is_abbreviation(token_text: str) -> bool:
    """``bl.a.``, ``Pga.``, ``s.``: a token ending in a period that is a known abbreviation or one letter."""
    core = token_text[:-1].lower() if token_text.endswith(".") else token_text.lower()
    return core in ABBREVIATIONS or (len(core) == 1 and core.isalpha())


def _starts_upper(text: str) -> bool:
    c = text[:1]
    return c.isupper() or c.isdigit() or c == "§"


def _sentence_starts(doc: Doc) -> list[bool]:
    """Where sentences start: after . ! ? … (and closing quotes), before an
    upper-case letter, a digit, ``§`` or an opening quote; never after an
    abbreviation or one letter (``bl.a.``, ``f.eks.``, ``S.``), and after an
    ordinal (``8.``) only when the next word is capitalised."""
    n = len(doc)
    starts = [False] * n
    if n:
        starts[0] = True
    i = 0
    while i < n - 1:
        tok = doc[i]
        text = tok.text
        ends = False
        if text in _SENTENCE_PUNCT:
            ends = True
            if text == "." and i > 0 and not doc[i - 1].whitespace_:
                # "bl.a" "." or "2013" "." split by the tokenizer
                prev = doc[i - 1].text
                if _is_abbreviation(prev + "."):
                    ends = False
        elif text.endswith(".") and len(text) > 1:
            if _NUMBER_DOT.match(text):
                ends = True  # "2013." / ordinal "8.": decided by the next word below
            elif _ABBREV_TOKEN.match(text):
                ends = not _is_abbreviation(text)
        if not ends:
            i += 1
            continue
        # closing quotes and brackets right after the punctuation belong to this sentence
        j = i + 1
        while j < n and doc[j].text in _QUOTES_CLOSE and not doc[j - 1].whitespace_:
            j += 1
        if j >= n:
            break
        if not doc[j - 1].whitespace_ and doc[j].text not in _QUOTES_OPEN:
            i = j  # "3.5", "www.x.dk", "?!" inside a word: no break
            continue
        nxt = doc[j]
        k = j
        while k < n and doc[k].text in _QUOTES_OPEN:
            k += 1
        first = doc[k].text if k < n else ""
        if _NUMBER_DOT.match(text) and not (first[:1].isupper() or nxt.text in _QUOTES_OPEN):
            i = j  # "d. 8. juni", "nr. 3 og 4": an ordinal, not an end
            continue
        if _starts_upper(first) or (k < n and k > j and first[:1].isalnum()):
            starts[j] = True
        i = j
    return starts


def _make_sentencizer(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    def da_sentencizer(doc: Doc) -> Doc:
        for tok, start in zip(doc, _sentence_starts(doc), strict=True):
            tok.is_sent_start = start
        return doc

    return da_sentencizer


def _register_factories() -> None:
    from spacy.language import Language
    from spacy.pipeline import Lemmatizer

    if not Language.has_factory("da_sentencizer"):
        Language.factory("da_sentencizer")(_make_sentencizer)

    if not Language.has_factory("da_lemmatizer"):

        class DanishLookupLemmatizer(Lemmatizer):
            """spaCy's lookup lemmatizer, in lower case, with :data:`LEMMA_FIXES` and compounds."""

            def lookup_lemmatize(self, token: Any) -> list[str]:
                return [lemma(token.text)]

        @Language.factory("da_lemmatizer", default_config={"mode": "lookup", "overwrite": True})
        def make_da_lemmatizer(nlp: Language, name: str, mode: str, overwrite: bool) -> Lemmatizer:
            return DanishLookupLemmatizer(nlp.vocab, None, name, mode=mode, overwrite=overwrite)


def _blank() -> Language:
    """``spacy.blank("da")`` whose tokenizer keeps each of :data:`ABBREVIATIONS` as one token."""
    import spacy
    from spacy.symbols import ORTH

    _register_factories()
    nlp_ = spacy.blank("da")
    for abbr in ABBREVIATIONS:
        for form in {abbr + ".", abbr[:1].upper() + abbr[1:] + "."}:
            nlp_.tokenizer.add_special_case(form, [{ORTH: form}])
    nlp_.add_pipe("da_sentencizer")
    return nlp_


@lru_cache(maxsize=1)
def _base() -> Language:
    """Tokenizer and sentencizer only: fast to build, all that segmentation needs."""
    return _blank()


@lru_cache(maxsize=1)
def _lemma_table() -> Any:
    """The Danish lookup table of spacy-lookups-data (form → lemma, about 550,000 forms).

    A spaCy ``Table``: keys are hashed, so look up with ``.get(form)``.
    """
    from spacy.lookups import load_lookups

    return load_lookups("da", ["lemma_lookup"]).get_table("lemma_lookup")


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The full Danish pipeline: tokenizer, ``da_sentencizer`` and ``da_lemmatizer`` (cached).

    Building it takes a few seconds (the lookup table is large); every later call is free.
    """
    from spacy.lookups import Lookups

    nlp_ = _blank()
    nlp_.add_pipe("da_lemmatizer")
    # the lemmatizer reads through lemma(), which holds the table; it needs no other init data
    lookups = Lookups()
    lookups.add_table("lemma_lookup", {})
    nlp_.get_pipe("da_lemmatizer").lookups = lookups
    return nlp_


# ----------------------------------------------------------------- lemmas
_MIN_HEAD = 3
_MIN_TAIL = 4


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The lemma of one word, lower-cased: fixes first, then the lookup table, then compounds.

    >>> lemma("Udsatte"), lemma("boligerne"), lemma("udsatterådene")
    ('udsat', 'bolig', 'udsatteråd')
    """
    w = word.lower().replace("’", "'")
    if w in LEMMA_FIXES:
        return LEMMA_FIXES[w]
    table = _lemma_table()
    found = table.get(w)
    if found is not None:
        return found.lower()
    if "-" in w:  # "bdo-undersøgelsen" → "bdo-undersøgelse"
        head, _, tail = w.rpartition("-")
        return f"{head}-{lemma(tail)}" if head and tail else w
    if w.endswith("s") and len(w) > _MIN_TAIL:  # a genitive: "hjemløses", "gentoftes"
        base = LEMMA_FIXES.get(w[:-1]) or table.get(w[:-1])
        if base is not None:
            return base.lower()
    # a compound the table lacks ("udsatterådene"): lemmatise its longest known
    # tail, unless that tail is a stop word ("rekordmange" is not "rekord" + "mangen")
    stops = stop_words()
    for i in range(_MIN_HEAD, len(w) - _MIN_TAIL + 1):
        tail = w[i:]
        base = LEMMA_FIXES.get(tail) or table.get(tail)
        if base is not None and base[:2].lower() == tail[:2] and tail not in stops:
            return w[:i] + base.lower()
    return w


def lemmatize(text: str) -> list[str]:
    """Lower-cased lemmas of the words in ``text`` (stop words kept, punctuation and numbers left out).

    >>> lemmatize("De udsatte boede på herbergerne.")
    ['de', 'udsat', 'bo', 'på', 'herberg']
    """
    return [lemma(w) for w in _words(text)]


def _words(text: str) -> Iterable[str]:
    for tok in _base().tokenizer(text):
        w = _clean_token(tok.text)
        if w:
            yield w


_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_HAS_LETTER = re.compile(r"[^\W\d_]")


def _clean_token(text: str) -> str:
    """The word in a token: edge punctuation stripped (``§110-botilbud`` → ``110-botilbud``),
    leading numbers dropped from compounds (→ ``botilbud``); empty for numbers and punctuation."""
    w = _EDGE.sub("", text)
    if not w or not _HAS_LETTER.search(w):
        return ""
    if w[0].isdigit() and "-" in w:
        w = w.split("-", 1)[1]
        w = _EDGE.sub("", w)
    if not w or w[0].isdigit():
        return ""
    return w


# ------------------------------------------------------------- stop words
@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Danish stop words (spaCy's list), abbreviations and the filler of workshop notes, lower case.

    Filter a word when its form *or* its lemma is in the set ("skal" and "skulle"
    both go). Lemmas of stop words are not added wholesale: "tidligere" is a stop
    word, but its lemma "tidlig" (as in "tidlig indsats") is not.
    """
    from spacy.lang.da.stop_words import STOP_WORDS

    return frozenset({w.lower() for w in STOP_WORDS} | _EXTRA_STOP_WORDS | ABBREVIATIONS)


# --------------------------------------------------------------- analyzer
class KeywordAnalyzer:
    """``str -> list[str]``: lemmatised, lower-cased content words without stop words.

    For ``sklearn.feature_extraction.text.CountVectorizer(analyzer=KeywordAnalyzer())``.
    Picklable; the spaCy objects are module-level caches shared by all instances.

    Parameters
    ----------
    min_length:
        Shortest word kept (in characters).
    extra_stop_words:
        More words to drop (forms or lemmas), e.g. the name of the municipality.
    """

    def __init__(self, min_length: int = 2, extra_stop_words: Iterable[str] = ()):
        self.min_length = min_length
        self.extra_stop_words = frozenset(w.lower() for w in extra_stop_words)

    def __call__(self, text: str) -> list[str]:
        stops = self._stops()
        out = []
        for w in _words(text):
            lw = w.lower()
            if lw in stops or len(lw) < self.min_length:
                continue
            lem = lemma(lw)
            if lem in stops or len(lem) < self.min_length:
                continue
            out.append(lem)
        return out

    def _stops(self) -> frozenset[str]:
        stops = getattr(self, "_stop_cache", None)
        if stops is None:
            base = stop_words()
            stops = base | self.extra_stop_words
            self._stop_cache = stops
        return stops

    def __getstate__(self) -> dict[str, Any]:
        return {"min_length": self.min_length, "extra_stop_words": self.extra_stop_words}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return f"KeywordAnalyzer(min_length={self.min_length})"


def keyword_analyzer(min_length: int = 2, extra_stop_words: Iterable[str] = ()) -> KeywordAnalyzer:
    """A callable for ``CountVectorizer(analyzer=...)``; see :class:`KeywordAnalyzer`.

    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> cv = CountVectorizer(analyzer=keyword_analyzer()).fit(["Flere boliger til de hjemløse", "En bolig"])
    >>> list(cv.get_feature_names_out())
    ['bolig', 'hjemløs']
    """
    return KeywordAnalyzer(min_length, extra_stop_words)


# -------------------------------------------------------------- sentences
def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character spans of the sentences in ``text``, whitespace trimmed.

    >>> text = "Vi talte bl.a. om boliger d. 8. juni. Næste sætning."
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['Vi talte bl.a. om boliger d. 8. juni.', 'Næste sætning.']
    """
    if not text.strip():
        return []
    doc = _base().tokenizer(text)
    starts = _sentence_starts(doc)
    bounds = [tok.idx for tok, s in zip(doc, starts, strict=True) if s] + [len(text)]
    spans = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        chunk = text[a:b]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            spans.append((a + lead, a + trail))
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[s:e] for s, e in sentence_spans(text)]

