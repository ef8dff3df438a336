"""Trends over years on constructed series: the words must follow the whole series, and its certainty."""

from __future__ import annotations

import pytest

from udsatte_nlp.trends import classify, classify_counts, wilson

YEARS = (2013, 2014, 2016, 2020)


def course(percents: list[float], n: int | list[int], years=YEARS):
    """Classify a theme holding ``percents`` % of ``n`` inputs in each year."""
    totals = n if isinstance(n, list) else [n] * len(percents)
    counts = {y: round(p * t / 100) for y, p, t in zip(years, percents, totals, strict=True)}
    return classify_counts(counts, dict(zip(years, totals, strict=True)))


@pytest.mark.parametrize(
    ("percents", "n", "label", "certainty"),
    [
        ([5, 10, 15, 25], 100, "voksende", "sikker stigning"),
        ([5, 6, 20, 40], 100, "voksende", "sikker stigning"),  # bends, but never back
        ([25, 15, 10, 5], 100, "faldende", "sikkert fald"),
        ([10, 10, 10, 10], 1000, "stabilt", "ingen sikker ændring"),
        ([40, 42, 38, 41], 100, "stabilt", "ingen sikker ændring"),
        ([10, 20, 10, 10], 300, "toppede i 2014", "sikker ændring"),
        ([0, 0, 10, 15], 100, "nyt fra 2016", "sikker ændring"),
        ([12, 10, 0, 0], 100, "forsvundet efter 2014", "sikker ændring"),
        ([10, 30, 10, 30], 100, "svingende", "sikker ændring"),  # up and down: no trend, no single peak
        ([2.5, 0, 2.5, 0], 40, "usikker — få input", "usikker — få input"),
        ([0, 0, 0, 5], 40, "usikker — få input", "usikker — få input"),  # "new", but from two inputs
        ([10, 20, 10, 10], 50, "usikker — få input", "usikker — få input"),  # the same peak from 5 → 10 inputs
        ([10, 10, 10, 10], 100, "usikker — få input", "usikker — få input"),  # no change seen, but could not be
    ],
)
def test_constructed_series_get_the_right_words(percents, n, label, certainty):
    t = course(percents, n)
    assert (t.label, t.certainty_label) == (label, certainty)


def test_the_issue_series_that_peaked_is_no_longer_called_stable():
    # "Støtte og rådgivning": 4.5 %, 27 %, 18 %, 1.4 % of 66, 44, 28 and 69 inputs (2013, 2014, 2016, 2020)
    t = classify_counts({2013: 3, 2014: 12, 2016: 5, 2020: 1}, {2013: 66, 2014: 44, 2016: 28, 2020: 69})
    assert t.label == "toppede i 2014" and t.certainty == "sikker" and t.p_value < 0.01
    # "Alkoholbehandling": 0, 16 %, 0, 1.4 % was called "nyt"; it rose and fell back in 2014
    t = classify_counts({2013: 0, 2014: 7, 2016: 0, 2020: 1}, {2013: 66, 2014: 44, 2016: 28, 2020: 69})
    assert t.label == "toppede i 2014"


def test_sure_and_probable_and_two_years():
    sure = classify_counts({2022: 5, 2023: 25}, {2022: 100, 2023: 100})
    probable = classify_counts({2022: 5, 2023: 15}, {2022: 100, 2023: 100})
    assert (sure.label, sure.certainty_label) == ("voksende", "sikker stigning")
    assert (probable.label, probable.certainty_label) == ("voksende", "sandsynlig stigning")
    assert 0.01 <= probable.p_value < 0.05
    # "+15 procentpoint" from 8 to 19 inputs in small years is a change, but only a probable one
    t = classify_counts({2022: 8, 2023: 19}, {2022: 40, 2023: 40})
    assert t.status == "grew" and t.certainty == "sandsynlig"


def test_power_grows_with_the_number_of_inputs_and_decides_stable_or_uncertain():
    powers = [course([10, 10, 10, 10], n).power for n in (25, 100, 400, 1600)]
    assert powers == sorted(powers) and powers[0] < 0.2 and powers[-1] > 0.95
    assert course([10, 10, 10, 10], 100).power < 0.8 < course([10, 10, 10, 10], 400).power


def test_same_seed_same_result_and_shares_and_intervals():
    a = course([3, 5, 4, 9], 120)
    b = course([3, 5, 4, 9], 120)
    assert a == b
    assert a.shares[2014] == pytest.approx(6 / 120) and a.counts[2014] == 6
    lo, hi = a.intervals[2014]
    assert lo < a.shares[2014] < hi
    assert a.intervals[2013] == pytest.approx(wilson(4, 120))


def test_wilson_matches_published_values():
    # Newcombe (1998), table I: 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611
    assert wilson(15, 148) == pytest.approx((0.0624, 0.1605), abs=1e-4)
    assert wilson(0, 20) == pytest.approx((0.0, 0.1611), abs=1e-4)
    assert wilson(0, 0) == (0.0, 0.0)


def test_per_document_weighs_each_document_the_same_within_its_year():
    # 2021: one note; 2022: a long note (90 inputs, 9 on the theme) and a short one (10 inputs, 5 on it)
    years = [2021, 2022]
    args = (years, [2021, 2022, 2022], [100, 90, 10], [10, 9, 5])
    per_input = classify(*args)
    per_doc = classify(*args, per_document=True)
    assert per_input.shares[2022] == pytest.approx(14 / 100)
    assert per_doc.shares[2022] == pytest.approx((9 / 90 + 5 / 10) / 2)
    assert per_doc.shares[2021] == per_input.shares[2021] == pytest.approx(0.1)
    # one short document carries the change per document: its interval is wider than 100 inputs would give
    lo, hi = per_doc.intervals[2022]
    assert hi - lo > wilson(30, 100)[1] - wilson(30, 100)[0]
    assert per_input.label == "usikker — få input" and per_doc.status == "grew"


def test_a_year_without_inputs_is_left_out_rather_than_read_as_zero():
    t = classify([2021, 2022, 2023], [2021, 2023], [100, 100], [10, 30])
    assert list(t.shares) == [2021, 2023] and t.label == "voksende"
