"""Find the date a document was written from its text or its name.

Danish notes write dates as ``23. maj 2013``, ``17. jun. 2014``,
``den 4. juni 2014``, ``22/5 2013``, ``22.05.2013`` or ``2013-05-22``.
Only four-digit years from 1900 to 2099 are accepted.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS: dict[str, int] = {
    "jan": 1, "januar": 1,
    "feb": 2, "februar": 2,
    "mar": 3, "mart": 3, "marts": 3,
    "apr": 4, "april": 4,
    "maj": 5,
    "jun": 6, "juni": 6,
    "jul": 7, "juli": 7,
    "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip

_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(?P<{}>(?:19|20)\d\d)(?!\d)"

_DATE = re.compile(
    # 23. maj 2013 / 17. jun. 2014 / den 4. juni 2014 / 4 juni 2014
    rf"(?<![\d.])(?P<d1>\d{{1,2}})\.?\s*(?P<m1>{_MONTH_RE})\b\.?,?\s*{_YEAR.format('y1')}"
    # 2013-05-22
    rf"|(?<![\d.\-/]){_YEAR.format('y2')}-(?P<m2>\d{{1,2}})-(?P<d2>\d{{1,2}})(?![\d\-])"
    # 22/5 2013, 22/5-2013, 22.05.2013, 22-05-2013
    rf"|(?<![\d.\-/])(?P<d3>\d{{1,2}})(?P<sep>[./-])(?P<m3>\d{{1,2}})(?:(?P=sep)|\s+|-){_YEAR.format('y3')}",
    re.IGNORECASE,
)

_NAME_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def find_date(text: str) -> tuple[str | None, int | None]:
    """Return ``(iso_date, year)`` for the first valid Danish date in ``text``.

    Returns ``(None, None)`` when there is none. Impossible dates such as
    ``31/2 2014`` are skipped.
    """
    for match in _DATE.finditer(text):
        g = match.groupdict()
        if g["y1"]:
            year, month, day = int(g["y1"]), _MONTHS[g["m1"].lower()], int(g["d1"])
        elif g["y2"]:
            year, month, day = int(g["y2"]), int(g["m2"]), int(g["d2"])
        else:
            year, month, day = int(g["y3"]), int(g["m3"]), int(g["d3"])
        try:
            return dt.date(year, month, day).isoformat(), year
        except ValueError:
            continue
    return None, None


def year_from_name(name: str) -> int | None:
    """Return a 19xx/20xx year written as a whole number in a file or folder name."""
    match = _NAME_YEAR.search(name)
    return int(match.group(1)) if match else None
