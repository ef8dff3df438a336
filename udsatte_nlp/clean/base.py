"""Building blocks for cleaning steps.

A step is a pure function ``str -> StepResult``: the new text and the
:class:`~udsatte_nlp.records.Correction` s it made, with positions in the
step's *input* text. Steps never mutate anything and never look at files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..records import Correction


@dataclass
class StepResult:
    text: str
    corrections: list[Correction] = field(default_factory=list)


Step = Callable[[str], StepResult]


def sub(
    pattern: re.Pattern[str],
    repl: str | Callable[[re.Match[str]], str],
    text: str,
    rule: str,
    confidence: float = 1.0,
) -> StepResult:
    """``re.sub`` that records every replacement that changed something."""
    out: list[str] = []
    corrections: list[Correction] = []
    last = 0
    for m in pattern.finditer(text):
        new = repl(m) if callable(repl) else m.expand(repl)
        if new == m.group(0):
            continue
        out.append(text[last : m.start()])
        out.append(new)
        corrections.append(Correction(m.start(), m.group(0), new, rule, confidence))
        last = m.end()
    if not corrections:
        return StepResult(text)
    out.append(text[last:])
    return StepResult("".join(out), corrections)


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def diff_corrections(before: str, after: str, rule: str, offset: int = 0, confidence: float = 1.0) -> list[Correction]:
    """The smallest token-level corrections that turn ``before`` into ``after``."""
    a = _TOKEN.findall(before)
    b = _TOKEN.findall(after)
    starts = []
    pos = 0
    for tok in a:
        starts.append(pos)
        pos += len(tok)
    starts.append(pos)
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        out.append(Correction(offset + starts[i1], "".join(a[i1:i2]), "".join(b[j1:j2]), rule, confidence))
    return out


def linewise(fix: Callable[[str], str], rule: str, confidence: float = 1.0) -> Step:
    """Lift a ``str -> str`` line fixer into a step that records token-level corrections."""

    def step(text: str) -> StepResult:
        out = []
        corrections: list[Correction] = []
        pos = 0
        for line in text.splitlines(keepends=True):
            new = fix(line)
            if new != line:
                corrections.extend(diff_corrections(line, new, rule, pos, confidence))
            out.append(new)
            pos += len(line)
        return StepResult("".join(out), corrections) if corrections else StepResult(text)

    step.__name__ = rule
    return step
