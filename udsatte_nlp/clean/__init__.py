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
        expose new damage), so that cleaning cleaned text changes nothing."""
        corrections: list[Correction] = []
        for _ in range(self.max_passes):
            made = 0
            for step in self.steps:
                res = step(text)
                text = res.text
                corrections.extend(res.corrections)
                made += len(res.corrections)
            if not made:
                break
        return CleanResult(text, corrections)

    def __repr__(self) -> str:
        return f"Cleaner([{', '.join(s.__name__ for s in self.steps)}])"


def build_cleaner(steps: Sequence[Step] | None = None) -> Cleaner:
    return Cleaner(DEFAULT_STEPS if steps is None else steps)


def clean_text(text: str) -> CleanResult:
    """Clean ``text`` with the default steps."""
    return Cleaner()(text)
