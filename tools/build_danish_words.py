#!/usr/bin/env python3
"""Build ``udsatte_nlp/data/da_words.tsv.xz``: every Danish word form of Debian's ``hunspell-da``.

The Danish Hunspell dictionary (Stavekontrolden, via LibreOffice) stores about
160,000 stems with numeric affix flags. This script expands them through the
affix rules of ``da_DK.aff`` into full word forms, the same thing ``unmunch``
is meant to do (``unmunch`` mangles this dictionary's numeric flags, so the
expansion is done here, in plain Python, deterministically).

Output: an xz-compressed UTF-8 text file. ``#`` lines are comments (source,
licence, how it was built); every other line is ``form<TAB>kinds`` with the
form in lower case, or as spelled when the dictionary spells it with capitals
(names, units: ``Odense``, ``mA``), and ``kinds`` a (possibly empty) string of letters:

* ``w`` the form is a word on its own;
* ``b`` it can begin or continue a compound (including linking forms such as
  ``hjemløsheds-``), ``e`` it can end one;
* ``N`` noun form, ``V`` finite verb (present, past, imperative), ``I`` verb
  infinitive, ``A`` adjective form, ``P`` past participle (from the affix
  rules' morphology tags such as ``+BESTEMT_ENTAL`` and ``+DATID``).

Run it on a machine with ``apt-get install hunspell-da``::

    python tools/build_danish_words.py            # writes udsatte_nlp/data/da_words.tsv.xz
    python tools/build_danish_words.py --check    # rebuild in memory, compare with the shipped file

The dictionary is tri-licensed GPL-2.0 / LGPL-2.1 / MPL-1.1; the generated list
is distributed under the same terms (see ``udsatte_nlp/data/da_words.LICENSE``).
"""

from __future__ import annotations

import argparse
import lzma
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIC = Path("/usr/share/hunspell/da_DK.dic")
AFF = Path("/usr/share/hunspell/da_DK.aff")
OUT = ROOT / "udsatte_nlp" / "data" / "da_words.tsv.xz"

# Flag numbers declared in da_DK.aff (checked when parsing).
FORBIDDEN, NEEDAFFIX, BEGIN, MIDDLE, END, ONLYINCOMPOUND = "6", "8", "32", "33", "34", "36"

NOUN_TAGS = {"BESTEMT_ENTAL", "PLUR_BEK", "PLUR_UBEK"}
VERB_TAGS = {"NUTID", "DATID", "IMPERATIV"}
ADJ_TAGS = {"KOMPARATIV", "SUPERLATIV", "SUPERLATIV_PLURALIS"}
PART_TAGS = {"PERF_PART"}
WORD = re.compile(r"^[a-zæøåéüöäèáóíúàôêçñ'-]+$")


@dataclass(frozen=True)
class Rule:
    flag: str
    strip: str
    add: str
    cont: frozenset[str]
    cond: re.Pattern[str]
    tag: str


@dataclass
class Affixes:
    sfx: dict[str, list[Rule]]
    pfx: dict[str, list[Rule]]
    cross: dict[str, bool]
    special: dict[str, str]


def parse_aff(path: Path) -> Affixes:
    sfx: dict[str, list[Rule]] = defaultdict(list)
    pfx: dict[str, list[Rule]] = defaultdict(list)
    cross: dict[str, bool] = {}
    special: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if parts[0] in {"FORBIDDENWORD", "NEEDAFFIX", "COMPOUNDBEGIN", "COMPOUNDMIDDLE", "COMPOUNDEND",
                        "ONLYINCOMPOUND", "FLAG"}:
            special[parts[0]] = parts[1]
            continue
        if parts[0] not in {"SFX", "PFX"}:
            continue
        kind, flag = parts[0], parts[1]
        if len(parts) == 4 and parts[2] in {"Y", "N"} and parts[3].isdigit():
            cross[flag] = parts[2] == "Y"
            continue
        strip, add, cond = parts[2], parts[3], parts[4] if len(parts) > 4 else "."
        tags = [p.lstrip("+") for p in parts[5:] if p.startswith("+")]
        add, _, cont = add.partition("/")
        strip = "" if strip == "0" else strip
        add = "" if add == "0" else add
        pattern = re.compile((cond + "$") if kind == "SFX" else ("^" + cond))
        rule = Rule(flag, strip, add, frozenset(cont.split(",")) if cont else frozenset(), pattern,
                    tags[0] if tags else "")
        (sfx if kind == "SFX" else pfx)[flag].append(rule)
    expected = {"FLAG": "num", "FORBIDDENWORD": FORBIDDEN, "NEEDAFFIX": NEEDAFFIX, "COMPOUNDBEGIN": BEGIN,
                "COMPOUNDMIDDLE": MIDDLE, "COMPOUNDEND": END, "ONLYINCOMPOUND": ONLYINCOMPOUND}
    for key, value in expected.items():
        if special.get(key) != value:
            raise SystemExit(f"{path}: expected {key} {value}, found {special.get(key)}; update this script")
    return Affixes(dict(sfx), dict(pfx), cross, special)


def parse_dic(path: Path) -> list[tuple[str, frozenset[str], str]]:
    """``(word, flags, stem)`` per dictionary line: ``stem`` is the ``st:`` field of an
    irregular form ("får st:få"), ``"="`` for a lemma listing its irregular forms with
    ``al:`` ("gå al:går …", an infinitive), else ""."""
    entries = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split()
        word_parts, morph = [], []
        for f in fields:
            (morph if morph or re.match(r"^[a-z]{2}:", f) else word_parts).append(f)
        word = " ".join(word_parts)
        stem = next((m[3:] for m in morph if m.startswith("st:")), "")
        if not stem and any(m.startswith("al:") for m in morph):
            stem = "="
        word, _, flags = word.partition("/") if not word.startswith("/") else (word, "", "")
        entries.append((word, frozenset(flags.split(",")) if flags else frozenset(), stem))
    return entries


def _apply(word: str, rule: Rule, suffix: bool) -> str | None:
    if not rule.cond.search(word):
        return None
    if suffix:
        if rule.strip and not word.endswith(rule.strip):
            return None
        return word[: len(word) - len(rule.strip)] + rule.add
    if rule.strip and not word.startswith(rule.strip):
        return None
    return rule.add + word[len(rule.strip):]


def _tag_kind(tag: str) -> str:
    if tag in NOUN_TAGS:
        return "N"
    if tag in VERB_TAGS:
        return "V"
    if tag in ADJ_TAGS:
        return "A"
    if tag in PART_TAGS:
        return "P"
    return ""


def expand(aff: Affixes, entries: list[tuple[str, frozenset[str], str]]) -> dict[str, set[str]]:
    """Every form with its kinds (see the module docstring)."""
    forms: dict[str, set[str]] = defaultdict(set)

    def add(form: str, flags: frozenset[str], kinds: str) -> None:
        if FORBIDDEN in flags or " " in form:
            return
        low = form.lower()
        if not WORD.match(low) or low.strip("-'") != low:
            return
        # Names and units keep their case ("Pa", "Odense", "mA"): only that spelling is a word.
        k = forms[form]
        if NEEDAFFIX not in flags and ONLYINCOMPOUND not in flags:
            k.add("w")
        if BEGIN in flags or MIDDLE in flags:
            k.add("b")
        if END in flags:
            k.add("e")
        k.update(kinds)

    for word, flags, stem in entries:
        root_kinds = _root_kinds(aff, flags, word, stem)
        add(word, flags, root_kinds)
        # first-level suffixes, then suffixes allowed by their continuation classes
        level1: list[tuple[str, frozenset[str], str]] = []
        for flag in flags:
            for rule in aff.sfx.get(flag, ()):
                new = _apply(word, rule, True)
                if new is None:
                    continue
                kind = _tag_kind(rule.tag) or ("" if rule.tag else _kind_of_zero(rule, root_kinds))
                level1.append((new, rule.cont, kind))
                add(new, rule.cont, kind)
        for form, cont, kind in level1:
            for flag in cont:
                for rule in aff.sfx.get(flag, ()):
                    new = _apply(form, rule, True)
                    if new is not None:
                        add(new, rule.cont, _tag_kind(rule.tag) or kind)
        # prefixes (cross product with suffixed forms where both allow it)
        for flag in flags:
            for rule in aff.pfx.get(flag, ()):
                for form, cont, kind in [(word, flags, root_kinds)] + level1:
                    if form != word and not (aff.cross.get(flag) and _crosses(aff, flags)):
                        continue
                    new = _apply(form, rule, False)
                    if new is not None:
                        add(new, rule.cont | (cont & {END}), kind)
    return forms


def _crosses(aff: Affixes, flags: frozenset[str]) -> bool:
    return any(aff.cross.get(f) for f in flags if f in aff.sfx)


def _kind_of_zero(rule: Rule, root_kinds: str) -> str:
    """Zero suffixes (compound markers) keep the root's kinds."""
    return root_kinds if not rule.add and not rule.strip else ""


def _root_kinds(aff: Affixes, flags: frozenset[str], word: str, stem: str) -> str:
    """A stem's own kind: the kinds its inflection rules produce tell what it is."""
    tags = {r.tag for f in flags for r in aff.sfx.get(f, ())}
    kinds = ""
    if tags & NOUN_TAGS:
        kinds += "N"
    if tags & {"DATID", "PERF_PART", "PASSIV", "PRÆSENS_PART"}:
        kinds += "I"  # a verb stem is its infinitive
    if tags & ADJ_TAGS:
        kinds += "A"
    if stem == "=":
        kinds += "I"  # a lemma listing its irregular forms, e.g. "gå al:går al:gik"
    elif stem and not flags:
        kinds += "V"  # irregular inflected forms listed with st:, e.g. "får st:få"
    return kinds


def render(forms: dict[str, set[str]], dic: Path, aff: Path) -> bytes:
    header = [
        "# Danish word forms expanded from Debian's hunspell-da (da_DK.dic + da_DK.aff, Stavekontrolden).",
        f"# Source: {dic.name} ({_version(aff)}), {aff.name}. Built by tools/build_danish_words.py.",
        "# Licence: GPL-2.0 / LGPL-2.1 / MPL-1.1 (tri-licence of Stavekontrolden); see da_words.LICENSE.",
        "# Copyright (C) 2007-2022 Foreningen for frit tilgængelige sprogværktøjer, www.stavekontrolden.dk.",
        "# Columns: form<TAB>kinds (w word, b compound start/middle, e compound end, N noun, V finite verb,",
        "#          I infinitive, A adjective, P past participle).",
    ]
    order = "wbeNVIAP"
    lines = [f"{form}\t{''.join(k for k in order if k in kinds)}" for form, kinds in sorted(forms.items())
             if kinds & {"w", "b", "e"}]
    text = "\n".join(header + lines) + "\n"
    return lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)


def _version(aff: Path) -> str:
    m = re.search(r"Stavekontrolden version ([\d.]+)", aff.read_text(encoding="utf-8"))
    return f"Stavekontrolden {m.group(1)}" if m else "Stavekontrolden"


def build(dic: Path = DIC, aff: Path = AFF) -> bytes:
    if not dic.exists() or not aff.exists():
        raise SystemExit(f"{dic} not found: apt-get install hunspell-da")
    return render(expand(parse_aff(aff), parse_dic(dic)), dic, aff)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dic", type=Path, default=DIC)
    ap.add_argument("--aff", type=Path, default=AFF)
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing")
    args = ap.parse_args(argv)
    data = build(args.dic, args.aff)
    if args.check:
        same = args.output.exists() and lzma.decompress(args.output.read_bytes()) == lzma.decompress(data)
        print("up to date" if same else f"{args.output} differs from a fresh build")
        return 0 if same else 1
    args.output.write_bytes(data)
    n = lzma.decompress(data).count(b"\n")
    print(f"wrote {args.output} ({len(data) / 1e6:.1f} MB, {n} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
