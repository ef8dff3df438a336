"""Licences: no runtime dependency is GPL/AGPL-licensed; the shipped name list says where it comes from."""

from __future__ import annotations

import sys
from email.message import Message
from importlib import metadata

import pytest
from packaging.requirements import Requirement

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
try:
    import check_licences as lic
finally:
    sys.path.remove(str(ROOT / "tools"))


def _meta(expression: str = "", licence: str = "", classifiers: tuple[str, ...] = ()) -> Message:
    m = Message()
    if expression:
        m["License-Expression"] = expression
    if licence:
        m["License"] = licence
    for c in classifiers:
        m["Classifier"] = c
    return m


def test_no_runtime_dependency_is_gpl_or_agpl():
    requirements = lic.runtime_requirements()
    names = {r.name.lower() for r in requirements}
    assert "gender-guesser" not in names
    licences, missing = lic.walk(requirements)
    found = {x.name.lower() for x in licences}
    # recursive: spaCy's own requirements (thinc, srsly) are checked too, not only ours
    assert {"spacy", "numpy", "faker", "thinc", "srsly"} <= found and len(found) > 60
    assert missing == []
    assert lic.violations(licences) == [], [f"{x.name} {x.version}: {x.text}" for x in lic.violations(licences)]


@pytest.mark.parametrize(
    ("meta", "gpl"),
    [
        (_meta("GPL-3.0-only"), True),
        (_meta("AGPL-3.0-or-later"), True),
        (_meta("MIT AND GPL-2.0-or-later"), True),
        (_meta("MIT OR GPL-2.0"), False),  # a choice: take MIT
        (_meta("LGPL-2.1-or-later"), False),
        (_meta("GPL-2.0 WITH Classpath-exception-2.0"), False),
        (_meta("Apache-2.0 AND Apache-2.0 WITH LLVM-exception AND BSD-2-Clause"), False),
        (_meta(classifiers=("License :: OSI Approved :: GNU General Public License v3 (GPLv3)",)), True),
        (_meta(classifiers=("License :: OSI Approved :: GNU Affero General Public License v3",)), True),
        (_meta(classifiers=("License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)",)), False),
        (_meta(classifiers=("License :: OSI Approved :: MIT License", "License :: OSI Approved :: GNU General Public License (GPL)")), False),
        (_meta(licence="GPLv3"), True),
        (_meta(licence="GNU General Public License v2"), True),
        (_meta(licence="LGPL"), False),
        (_meta(licence="BSD-3-Clause"), False),
        (_meta(), False),
    ],
)
def test_the_check_reads_spdx_classifiers_and_the_licence_field(meta, gpl):
    assert lic.judge(meta)[1] is gpl


def test_a_gpl_package_in_the_tree_fails_the_check(monkeypatch):
    """A fake distribution 'gpl-thing' (GPL-3.0) required by a fake 'top' is found through 'top'."""

    class Dist:
        def __init__(self, name, expression, requires):
            self.metadata = _meta(expression)
            self.metadata["Name"] = name
            self.version = "1.0"
            self.requires = requires

    fake = {
        "top": Dist("top", "MIT", ["gpl-thing>=1", "test-only; extra == 'test'"]),
        "gpl-thing": Dist("gpl-thing", "GPL-3.0-only", []),
    }

    def distribution(name):
        if name not in fake:
            raise metadata.PackageNotFoundError(name)
        return fake[name]

    monkeypatch.setattr(lic.metadata, "distribution", distribution)
    licences, missing = lic.walk([Requirement("top")])
    assert [x.name for x in lic.violations(licences)] == ["gpl-thing"] and missing == []
    monkeypatch.setitem(lic.ALLOWED, "gpl-thing", "for this test")
    assert lic.violations(licences) == []


def test_every_allowed_exception_has_a_reason():
    assert lic.ALLOWED_LICENCES and all(len(reason) > 20 for reason in lic.ALLOWED_LICENCES.values())
    assert all(len(reason) > 20 for reason in lic.ALLOWED.values())


def test_the_first_name_list_names_its_source_and_licence():
    path = ROOT / "udsatte_nlp" / "data" / "da_first_names.tsv"
    text = path.read_text(encoding="utf-8")
    assert "Danmarks Statistik" in text.splitlines()[1]
    assert (ROOT / "udsatte_nlp" / "data" / "da_first_names.LICENSE").exists()
    rows = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    counts = {name: int(n) for name, n in rows}
    assert len(counts) > 1000 and counts["Jørgen"] > counts["Vibeke"] > 1000
    assert [int(n) for _, n in rows] == sorted((int(n) for _, n in rows), reverse=True)


def test_pseudonymisation_no_longer_needs_gender_guesser(monkeypatch):
    from udsatte_nlp import privacy

    monkeypatch.setitem(sys.modules, "gender_guesser", None)  # importing it would fail
    privacy.load_lexicon.cache_clear()
    try:
        lexicon = privacy.load_lexicon()
        assert {"Jørgen", "Vibeke", "Knud", "Fatima", "Dorota"} <= lexicon.first_names
        assert "Jørgen" in lexicon.danish_first_names
    finally:
        privacy.load_lexicon.cache_clear()
