"""Danish keywords, labels and descriptions for themes.

* Keywords: class-based TF-IDF over lemmatised tokens, Danish stop words removed,
  æ/ø/å intact (the tokenizer is Unicode-aware; nothing is transliterated).
* Labels: a short phrase that many of the theme's inputs actually use and the other
  themes' inputs do not ("billige boliger", "Misbrugsbehandling og ventetid"), not
  a bag of keywords.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

__all__ = ["proper_nouns", "danish_stop_words", "keyword_analyzer", "theme_keywords", "make_label", "describe",
           "refresh_keywords", "theme_vocabulary", "label_by_meaning", "phrase_candidates"]

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
# a word as a label candidate: not the tail of an abbreviation ("f.eks" → "eks")
_LABEL_WORD = re.compile(r"(?<![.\w])[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•\n]\s*|[\"“„«(]\s*)$")


def proper_nouns(texts: Sequence[str]) -> frozenset[str]:
    """Lower-cased words the corpus only ever writes with a capital inside a sentence:
    people, places and organisations. Kept out of labels and keywords (a theme is not
    about "Jann" or "Odense", and names do not belong in a shared report)."""
    capital: set[str] = set()
    lower: set[str] = set()
    for text in texts:
        low, cap = _name_evidence(text)
        lower.update(low)
        capital.update(cap)
    return frozenset(w for w in capital if w not in lower)


@lru_cache(maxsize=400_000)
def _name_evidence(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words ``text`` writes in lower case, and those it capitalises inside a sentence
    (remembered per text: the app recomputes keywords after every edit)."""
    capital: list[str] = []
    lower: list[str] = []
    for m in _LABEL_WORD.finditer(text):
        w = m.group(0)
        if w[0].islower():
            lower.append(w.lower())
        elif not w.isupper() and not _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()]) and m.start() > 0:
            capital.append(w.lower())
    # interned: 300,000 texts share their words instead of holding a copy each
    return tuple(map(sys.intern, dict.fromkeys(lower))), tuple(map(sys.intern, dict.fromkeys(capital)))


@lru_cache(maxsize=1)
def danish_stop_words() -> frozenset[str]:
    """Danish stop words (spaCy's list, via the language layer when present) plus workshop filler."""
    try:
        from ..lang import stop_words

        base = set(stop_words())
    except ImportError:
        from spacy.lang.da.stop_words import STOP_WORDS

        base = set(STOP_WORDS)
    extra = {"fx", "ca", "mv", "osv", "evt", "pga", "jf", "bla", "feks", "mere", "flere", "bare", "rigtig",
             "rigtigt", "godt", "gerne", "ting", "får", "få", "fik", "gå", "går", "komme", "kommer", "gøre",
             "gør", "sige", "siger", "give", "giver", "tage", "tager", "lave", "laver", "hele", "helt", "altid",
             "når", "nå", "se", "ser", "stå", "står", "holde", "holder", "sætte", "sætter",
             # closed-class words in the stopwords-iso Danish list that spaCy's lacks
             "ad", "dit", "ej", "hej", "hos", "ja", "mod", "nej", "okay", "sin", "sine", "sit", "thi",
             "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti"}
    # the keyword tokenizer splits on periods, so multi-part stop words would never match
    words = {w.lower() for w in base if "." not in w} | extra
    try:  # keywords are lemmas: a stop word's lemma ("når" -> "nå") must not slip through either
        from ..lang import lemma

        words |= {lemma(w) for w in words}
    except ImportError:
        pass
    return frozenset(words)


@lru_cache(maxsize=1)
def keyword_analyzer() -> Callable[[str], list[str]]:
    """``str -> list[str]`` of lower-cased lemmas without stop words, for keyword counting."""
    stop = danish_stop_words()
    try:
        from ..lang import keyword_analyzer as lang_analyzer

        inner = lang_analyzer()

        def analyze(text: str) -> list[str]:
            # only real words: no markup or URL debris ("alert('x')</script") becomes a keyword
            return [w for w in inner(text) if w not in stop and len(w) > 1 and _WORD.fullmatch(w)]

        return analyze
    except ImportError:

        def analyze(text: str) -> list[str]:
            return [w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in stop and len(w) > 1]

        return analyze


@lru_cache(maxsize=400_000)
def keyword_tokens(text: str) -> tuple[str, ...]:
    """:func:`keyword_analyzer` of one text, remembered: keywords are recomputed after every edit
    in the app and twice in an analysis, and lemmatising 300,000 inputs takes 15-20 s each time."""
    return tuple(keyword_analyzer()(text))


def theme_keywords(
    texts: Sequence[str], labels: Sequence[int], top_n: int = 8, *, exclude: frozenset[str] | None = None
) -> dict[int, list[str]]:
    """Top ``top_n`` keywords per label by class-based TF-IDF (BERTopic's c-TF-IDF formula).

    ``exclude``: words never to use (default: the corpus's :func:`proper_nouns`)."""
    exclude = proper_nouns(texts) if exclude is None else exclude
    labels_arr = np.asarray(labels)
    classes = sorted(set(int(x) for x in labels_arr))
    counts: dict[int, Counter[str]] = {c: Counter() for c in classes}
    for text, lab in zip(texts, labels_arr.tolist(), strict=True):
        counts[int(lab)].update(w for w in keyword_tokens(text) if w not in exclude)
    vocab = sorted(set().union(*counts.values())) if counts else []
    if not vocab:
        return {c: [] for c in classes}
    index = {w: i for i, w in enumerate(vocab)}
    M = np.zeros((len(classes), len(vocab)))
    for r, c in enumerate(classes):
        for w, n in counts[c].items():
            M[r, index[w]] = n
    tf = M / np.maximum(M.sum(axis=1, keepdims=True), 1)
    avg = M.sum() / max(len(classes), 1)
    idf = np.log(1 + avg / np.maximum(M.sum(axis=0), 1))
    words = np.array(vocab)
    scores = tf * idf * np.sqrt([informativeness(w) for w in vocab])
    out = {}
    for r, c in enumerate(classes):
        order = np.lexsort((words, -scores[r]))  # ties broken alphabetically: deterministic
        # words used more than once in the theme first; single mentions only fill up
        repeated = [str(words[i]) for i in order if M[r, i] > 1]
        once = [str(words[i]) for i in order if M[r, i] == 1]
        out[c] = (repeated + once)[:top_n]
    return out


@lru_cache(maxsize=200_000)
def informativeness(word: str) -> float:
    """How much a word can carry a label, from its general frequency in Danish (wordfreq).

    Everyday words ("dag", "holder", "høre") say little about a theme; rarer content
    words ("hjemløshed", "misbrugsbehandling") say much. 1.0 for rare words, down to
    0.15 for the most common ones.
    """
    from wordfreq import zipf_frequency

    zipf = zipf_frequency(word, "da")
    return float(min(1.0, max(0.15, (6.3 - zipf) / 2.8)))


@lru_cache(maxsize=100_000)
def nominal(word: str) -> float:
    """How well ``word`` can head a label, from the word classes of the Danish Hunspell
    dictionary (the OCR lexicon): 1.0 for a noun form, or a word the dictionary does not
    know (mostly compounds: "misbrugsbehandling"); 0.8 for a noun form that is also an
    infinitive or participle ("klage", "rådet"); 0.5 for other listed words ("drøftet",
    "udskrive", "gratis"). A label names a matter, and in Danish that is a noun phrase.
    """
    from ..clean.ocr import lexicon

    kinds = lexicon().kinds.get(word, "")
    if "w" not in kinds:
        return 1.0
    if "N" in kinds:
        return 0.8 if ("I" in kinds or "P" in kinds) else 1.0
    return 0.5


def _phrases(text: str, stop: frozenset[str]) -> frozenset[tuple[str, ...]]:
    """Candidate label phrases of ``text`` (cached per text for the default stop words)."""
    return _phrases_cached(text) if stop is danish_stop_words() else _phrases_uncached(text, stop)


@lru_cache(maxsize=100_000)
def _phrases_cached(text: str) -> frozenset[tuple[str, ...]]:
    return _phrases_uncached(text, danish_stop_words())


def _phrases_uncached(text: str, stop: frozenset[str]) -> frozenset[tuple[str, ...]]:
    """Candidate label phrases: 1-3 word runs that neither start nor end with a stop word."""
    words = [m.group(0).lower() for m in _LABEL_WORD.finditer(text)]
    out: set[tuple[str, ...]] = set()
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            gram = tuple(words[i : i + n])
            if gram[0] in stop or gram[-1] in stop or any(len(w) < 3 for w in (gram[0], gram[-1])):
                continue
            if n == 3 and gram[1] in stop and gram[1] not in {"og", "til", "for", "med", "på", "om", "i", "af"}:
                continue
            out.add(gram)
    return frozenset(out)


def _scored_phrases(
    member_texts: Sequence[str], all_texts: Sequence[str], exclude: frozenset[str] = frozenset()
) -> list[tuple[float, int, str, float]]:
    """Label phrases of the members, best first: ``(score, words, phrase, share of members using it)``.

    A phrase scores by how many members use it and how much more often than in the
    corpus as a whole; longer phrases win when used about as widely.
    """
    stop = danish_stop_words()
    m, n = len(member_texts), max(len(all_texts), 1)
    if m > MEMBER_SAMPLE or n > CORPUS_SAMPLE:
        return _scored_phrases_sampled(member_texts, all_texts, exclude)
    inside: Counter[tuple[str, ...]] = Counter()
    for t in member_texts:
        inside.update(_phrases(t, stop))
    overall: Counter[tuple[str, ...]] = Counter()
    member_set = set(member_texts)
    for t in all_texts:
        if t not in member_set:
            overall.update(_phrases(t, stop))
    return _score(inside, lambda gram, df_in: (df_in + overall.get(gram, 0)) / n, m, stop, exclude)


#: Label phrases of a theme with more inputs than this are counted in an evenly spaced sample of
#: them (its members come most confident first, so the sample spans the confidences), and a
#: corpus larger than :data:`CORPUS_SAMPLE` is counted in an evenly spaced sample of its texts:
#: a phrase's share of 5,000 inputs is within about one point of its share of all of them.
MEMBER_SAMPLE = 5000
CORPUS_SAMPLE = 20000


def _spaced(items: Sequence[str], size: int) -> Sequence[str]:
    """``size`` items evenly spaced through ``items`` (all of them when there are no more)."""
    if len(items) <= size:
        return items
    return [items[int(i)] for i in np.linspace(0, len(items) - 1, size).round().astype(int)]


def _scored_phrases_sampled(
    member_texts: Sequence[str], all_texts: Sequence[str], exclude: frozenset[str]
) -> list[tuple[float, int, str, float]]:
    """:func:`_scored_phrases` on a large theme or corpus: shares are estimated in samples."""
    stop = danish_stop_words()
    members = _spaced(member_texts, MEMBER_SAMPLE)
    inside: Counter[tuple[str, ...]] = Counter()
    for t in members:
        inside.update(_phrases(t, stop))
    corpus = _spaced(all_texts, CORPUS_SAMPLE)  # the same sample for every theme: its phrases stay cached
    overall: Counter[tuple[str, ...]] = Counter()
    for t in corpus:
        overall.update(_phrases(t, stop))
    m, n = len(member_texts), len(all_texts)
    m_s, n_s = len(members), max(len(corpus), 1)
    # a phrase's share of all texts is its share of the corpus sample, and at least the members' part
    return _score(
        Counter({g: df * m / m_s for g, df in inside.items()}),
        lambda gram, df_in: min(1.0, max(df_in / n, overall.get(gram, 0) / n_s)),
        m, stop, exclude, min_df=2 * m / m_s,
    )


def _score(
    inside: Counter, p_all: Callable[[tuple[str, ...], float], float], m: int, stop: frozenset[str],
    exclude: frozenset[str], min_df: float = 2,
) -> list[tuple[float, int, str, float]]:
    """Score the phrases counted in ``inside`` (document frequency among the ``m`` members);
    ``p_all(gram, df_in)`` is the phrase's share of all texts."""
    scored = []
    for gram, df_in in inside.items():
        if (df_in < min_df and m > 3) or any(w in exclude for w in gram):
            continue
        p_in = df_in / m
        lift = math.log((p_in + 1e-3) / (p_all(gram, df_in) + 1e-3))
        content = [w for w in gram if w not in stop]
        weight = sum(informativeness(w) for w in content) / len(content)
        score = p_in * max(lift, 0.0) * weight * nominal(gram[-1]) * (1.0 + 0.35 * (len(gram) - 1))
        scored.append((score, len(gram), " ".join(gram), p_in))
    scored.sort(key=lambda x: (-x[0], -x[1], x[2]))
    return [s for s in scored if s[0] > 0]


def make_label(
    member_texts: Sequence[str],
    all_texts: Sequence[str],
    keywords: Sequence[str] = (),
    *,
    taken: set[str] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> str:
    """A short Danish label: the phrase most typical of the members compared with the corpus.

    A phrase scores by how many members use it and how much more often than in the
    corpus as a whole; longer phrases win when used about as widely. Two single words
    that are both typical become "A og b".
    """
    taken = taken or set()
    if not member_texts:
        return "Tomt tema"
    candidates = _scored_phrases(member_texts, all_texts, exclude)
    label = ""
    if candidates:
        best = candidates[0]
        label = best[2]
        if best[1] == 1:
            for other in candidates[1:6]:
                if (other[1] == 1 and other[0] >= 0.6 * best[0] and other[3] >= 0.12 and other[2] not in label
                        and nominal(other[2]) >= 0.8):
                    label = f"{label} og {other[2]}"
                    break
    if not label:
        nouns_first = sorted(keywords, key=lambda w: nominal(w) < 1.0)  # stable: keyword order within each
        label = " og ".join(nouns_first[:2]) or "Uden nøgleord"
    label = label[0].upper() + label[1:]
    if label.casefold() in taken:
        for alt in candidates[1:]:
            alt_label = alt[2][0].upper() + alt[2][1:]
            if alt_label.casefold() not in taken:
                return alt_label
        i = 2
        while f"{label} ({i})".casefold() in taken:
            i += 1
        label = f"{label} ({i})"
    return label


@lru_cache(maxsize=1)
def theme_vocabulary() -> tuple[str, ...]:
    """Danish theme names of social policy (``data/temanavne.tsv``, sources in its header)."""
    from importlib.resources import files

    text = files("udsatte_nlp").joinpath("data/temanavne.tsv").read_text(encoding="utf-8")
    names = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("navn\t"):
            continue
        names.append(line.split("\t", 1)[0].strip())
    return tuple(dict.fromkeys(n for n in names if n))


_VOCAB_VECTORS: dict[tuple[str, str], np.ndarray] = {}


def _embed_phrases(embedder: object, phrases: Sequence[str]) -> np.ndarray:
    """Vectors of short phrases, cached per embedder for the life of the process."""
    name = str(getattr(embedder, "name", id(embedder)))
    todo = [p for p in dict.fromkeys(phrases) if (name, p) not in _VOCAB_VECTORS]
    if todo:
        for p, v in zip(todo, np.asarray(embedder.encode(todo)), strict=True):  # type: ignore[attr-defined]
            _VOCAB_VECTORS[(name, p)] = np.asarray(v, dtype=np.float64)
    return np.vstack([_VOCAB_VECTORS[(name, p)] for p in phrases])


def label_by_meaning(
    theme: int,
    centres: np.ndarray,
    candidates: Sequence[str],
    embedder: object,
    *,
    taken: set[str] | None = None,
) -> str | None:
    """Among ``candidates``, the one nearest ``centres[theme]`` of those nearer that theme than
    any other (a label must name *this* theme), or None.

    ``centres`` are the themes' mean unit vectors as the embedder gives them (not centred:
    a short phrase and a sentence share the model's common direction, so comparing them
    where it is removed would mostly compare the difference between phrases and sentences).
    """
    taken = taken or set()
    pool = [c for c in dict.fromkeys(candidates) if c and c.casefold() not in taken]
    if not pool:
        return None
    V = _embed_phrases(embedder, pool)
    V = V / np.maximum(np.linalg.norm(V, axis=1, keepdims=True), 1e-12)
    C = np.asarray(centres, dtype=np.float64)
    C = C / np.maximum(np.linalg.norm(C, axis=1, keepdims=True), 1e-12)
    sims = V @ C.T
    own = sims[:, theme]
    others = np.delete(sims, theme, axis=1)
    eligible = own >= (others.max(axis=1) if others.shape[1] else -np.inf)
    if not eligible.any():
        return None
    best = int(np.argmax(np.where(eligible, own, -np.inf)))
    return pool[best][0].upper() + pool[best][1:]


def phrase_candidates(
    member_texts: Sequence[str], all_texts: Sequence[str], *, exclude: frozenset[str] = frozenset(), n: int = 10
) -> list[str]:
    """The members' ``n`` best label phrases (see :func:`make_label`)."""
    return [c[2] for c in _scored_phrases(member_texts, all_texts, exclude)[:n]]


def describe(label: str, keywords: Sequence[str], size: int, total: int) -> str:
    """A one-sentence Danish description of a model theme, for staff to rewrite.

    It does not state the theme's size (``size`` and ``total`` are accepted for
    callers): the size changes as people move inputs, and every report shows it
    beside the description, so it would be said twice and soon be wrong.
    """
    kw = [k for k in keywords if k.lower() not in label.lower()][:4]
    words = f" Typiske ord: {', '.join(kw)}." if kw else ""
    return f"Handler om {label.lower()}.{words}"


def current_description(
    description: str, source: str | None, label: str, keywords: Sequence[str], size: int, total: int
) -> str:
    """A theme's description as it reads now.

    A description a person wrote (``source == 'human'``) is kept as written; any
    other is generated, and made again from the theme's current label, keywords and
    size (:func:`describe`), so it never shows the counts of before an edit.
    """
    if source == "human":
        return description or ""
    return describe(label, keywords, size, total)


def refresh_keywords(store: object, top_n: int = 8) -> None:
    """Recompute every active theme's keywords from its current members (human moves
    included), and the label of themes whose label still comes from the model.

    Derived data: not an undoable edit, and safe to call after every edit.
    """
    import json

    conn = store.conn  # type: ignore[attr-defined]
    rows = conn.execute(
        "SELECT a.theme_id, u.text FROM assignments a JOIN units u ON u.id = a.unit_id"
        " JOIN themes t ON t.id = a.theme_id WHERE t.active = 1 ORDER BY a.theme_id, u.id"
    ).fetchall()
    if not rows:
        return
    texts = [r[1] for r in rows]
    theme_of = [int(r[0]) for r in rows]
    names = proper_nouns(texts)
    keywords = theme_keywords(texts, theme_of, top_n, exclude=names)
    taken = {
        r[0].casefold()
        for r in conn.execute("SELECT label FROM themes WHERE active = 1 AND NOT (label_source = 'model' AND source = 'model')")
    }
    from .quality import label_support

    with store.atomic():  # type: ignore[attr-defined]
        for theme_id, kw in keywords.items():
            conn.execute("UPDATE themes SET keywords = ? WHERE id = ?", (json.dumps(kw, ensure_ascii=False), theme_id))
            row = conn.execute("SELECT label, label_source, source FROM themes WHERE id = ?", (theme_id,)).fetchone()
            members = [t for t, th in zip(texts, theme_of, strict=True) if th == theme_id]
            label = row["label"]
            if row["label_source"] == "model" and row["source"] == "model":
                label = make_label(members, texts, kw, taken=taken, exclude=names)
                taken.add(label.casefold())
                conn.execute("UPDATE themes SET label = ? WHERE id = ?", (label, theme_id))
            if row["source"] != "outlier":
                conn.execute("UPDATE themes SET label_support = ? WHERE id = ?", (label_support(label, members), theme_id))
