"""Plotly's toolbar and messages in Danish, shipped with the app (nothing is fetched).

Plotly.js reads a locale from the chart's own config (``locale`` and ``locales``),
so the map needs no registered locale file. Plotly's own Danish locale has month
and day names only; the dictionary below is ours and covers the texts a 2-D
scatter map can show. Keys are Plotly's English source strings.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DICTIONARY", "FORMAT", "config"]

DICTIONARY = {
    "Autoscale": "Tilpas automatisk",
    "Box Select": "Markér med boks",
    "Lasso Select": "Markér med lasso",
    "Pan": "Flyt kortet",
    "Zoom": "Zoom",
    "Zoom in": "Zoom ind",
    "Zoom out": "Zoom ud",
    "Reset axes": "Nulstil visning",
    "Reset view": "Nulstil visning",
    "Reset views": "Nulstil visninger",
    "Reset": "Nulstil",
    "Download plot as a png": "Hent kortet som PNG",
    "Download plot": "Hent kortet",
    "Taking snapshot - this may take a few seconds": "Gemmer billedet – det kan tage nogle sekunder",
    "Snapshot succeeded": "Billedet er gemt",
    "Sorry, there was a problem downloading your snapshot!": "Beklager, billedet kunne ikke hentes.",
    "Produced with Plotly.js": "Lavet med Plotly.js",
    "Produced with Plotly": "Lavet med Plotly",
    "Double-click to zoom back out": "Dobbeltklik for at zoome ud igen",
    "Double-click on legend to isolate one trace": "Dobbeltklik på et tema i forklaringen for kun at se det",
    "Show closest data on hover": "Vis nærmeste punkt ved musen",
    "Compare data on hover": "Sammenlign punkter ved musen",
    "Toggle show closest data on hover": "Slå visning af nærmeste punkt til/fra",
    "Toggle Spike Lines": "Slå hjælpelinjer til/fra",
    "Erase active shape": "Slet den valgte figur",
    "Draw line": "Tegn linje",
    "Draw closed freeform": "Tegn lukket figur",
    "Draw open freeform": "Tegn åben figur",
    "Draw rectangle": "Tegn rektangel",
    "Draw circle": "Tegn cirkel",
    "trace": "serie",
    "new text": "ny tekst",
}

FORMAT = {
    "days": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
    "shortDays": ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
    "months": ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
               "november", "december"],
    "shortMonths": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "date": "%d-%m-%Y",
    "decimal": ",",
    "thousands": ".",
}


def config(**extra: Any) -> dict[str, Any]:
    """A Plotly ``config`` in Danish (merged with ``extra``)."""
    return {"locale": "da", "locales": {"da": {"dictionary": DICTIONARY, "format": FORMAT}}, **extra}
