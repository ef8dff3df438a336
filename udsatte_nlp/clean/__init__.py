"""Cleaning: a chain of small pure steps, each reporting its corrections.

>>> from udsatte_nlp.clean import clean_text
>>> result = clean_text("Gå direkte til indhold\\n- fÃ¸rste hÃ¸ring")
>>> result.text
'• første høring'
>>> sorted({c.rule for c in result.corrections})
['boilerplate', 'bullet', 'mojibake']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..records import Correction
from .base import Step, StepResult, diff_corrections, linewise, sub
from .ocr import estimate_damage, ocr_markers, ocr_repair
from .steps import boilerplate, bullets, dehyphenate, mojibake, normalise, reflow

__all__ = [
    "Cleaner",
    "CleanResult",
    "DEFAULT_STEPS",
    "Step",
    "StepResult",
    "build_cleaner",
    "clean_text",
    "diff_corrections",
    "estimate_damage",
    "linewise",
    "sub",
]

DEFAULT_STEPS: tuple[Step, ...] = (
    mojibake,
    normalise,
    boilerplate,
    dehyphenate,
    ocr_markers,
    bullets,
    reflow,
    ocr_repair,
)


@dataclass
class CleanResult:
    text: str
    corrections: list[Correction] = field(default_factory=list)


class Cleaner:
    """Runs steps in order. ``Correction.start`` is a position in the text given to the step that made it."""

    def __init__(self, steps: Sequence[Step] = DEFAULT_STEPS):
        self.steps = tuple(steps)

    max_passes = 3

    def __call__(self, text: str) -> CleanResult:
        """Run the steps; repeat while a pass still changes something (a joined line can
        expose new damage), so that cleaning cleaned text changes nothing.

        Suggestions (``Correction.status == "suggested"``) change nothing. They are
        returned after the corrections, with ``start`` a position in the *cleaned* text:
        each is moved along by the changes made after it, and dropped when a later
        change touches its words (or it is made again by a later pass)."""
        corrections: list[Correction] = []
        pending: list[Correction] = []
        for _ in range(self.max_passes):
            made = 0
            for step in self.steps:
                res = step(text)
                text = res.text
                applied = [c for c in res.corrections if c.status != "suggested"]
                corrections.extend(applied)
                made += len(applied)
                new = [c for c in res.corrections if c.status == "suggested"]
                if applied or new:
                    pending = _carry(pending + new, applied)
            if not made:
                break
        return CleanResult(text, corrections + pending)

    def __repr__(self) -> str:
        return f"Cleaner([{', '.join(s.__name__ for s in self.steps)}])"


def _carry(suggestions: list[Correction], applied: list[Correction]) -> list[Correction]:
    """Suggestions (positions in a step's input) moved to the step's output, in order and
    without repeats; one whose words the step changed is dropped."""
    from bisect import bisect_right
    from dataclasses import replace

    changes = sorted(applied, key=lambda c: c.start)
    ends = [c.start + len(c.before) for c in changes]
    shift = [0]
    for c in changes:
        shift.append(shift[-1] + len(c.after) - len(c.before))
    out: dict[tuple[int, str, str], Correction] = {}
    for s in suggestions:
        k = bisect_right(ends, s.start)  # changes that end at or before the suggestion
        if k < len(changes) and changes[k].start < s.start + max(len(s.before), 1):
            continue  # a later change rewrote these words
        moved = replace(s, start=s.start + shift[k]) if shift[k] else s
        out.setdefault((moved.start, moved.before, moved.after), moved)
    return sorted(out.values(), key=lambda c: c.start)


def build_cleaner(steps: Sequence[Step] | None = None) -> Cleaner:
    return Cleaner(DEFAULT_STEPS if steps is None else steps)


def clean_text(text: str) -> CleanResult:
    """Clean ``text`` with the default steps."""
    return Cleaner()(text)
