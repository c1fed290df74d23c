"""PDF reports from seeded records, read back with poppler's pdftotext and
pdfinfo (skipped where poppler-utils is missing; scripts/system-deps installs it)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from engine.records.store import open_store
from engine.scenario import load_scenario
from gui.cli import main
from gui.reports.data import gather
from gui.reports.sample_data import seed_trainees

pytestmark = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdfinfo")),
                                reason="poppler-utils (pdftotext, pdfinfo) not installed")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "records.db"
    with open_store(str(path)) as store:
        seed_trainees(store, load_scenario("burger"), trainees=3, rounds=5, seed=21)
    return path


def _pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_trainee_pdf(db, tmp_path, capsys):
    out = tmp_path / "t2.pdf"
    assert main(["report", "--trainee", "Trainee 02", "--out", str(out), "--db", str(db), "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["format"] == "pdf" and done["trainees"] == 1 and done["rounds"] == 5
    assert _pages(out) == done["pages"] >= 1
    text = _text(out)
    with open_store(str(db)) as store:
        t = gather(store, "Trainee 02").trainees[0]
    assert "progress report: Trainee 02" in text
    assert "Period:" in text and t.rounds[0].started_at.strftime("%Y-%m-%d") in text
    for heading in ("Rounds", "Most frequent mistakes", "Tips shown"):
        assert heading in text
    # each round's line carries its outcome and % suboptimal as stored
    lines = [ln.split() for ln in text.splitlines()]
    for r in t.rounds:
        row = next(ln for ln in lines if ln[:1] == [str(r.number)] and len(ln) > 3
                   and re.fullmatch(r"\d{4}-\d\d-\d\d", ln[1]) and "Burger" in ln)
        assert f"{r.value:g}" in row and f"{r.suboptimal_pct:.1f}" in row
    if t.mistakes:
        assert t.mistakes[0].label in text
    for tip in t.tips:
        assert tip.text in text
    assert "Trainee 01" not in text


def test_group_pdf_has_a_page_per_trainee(db, tmp_path, capsys):
    out = tmp_path / "all.pdf"
    assert main(["report", "--all", "--out", str(out), "--db", str(db), "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    pages = _pages(out)
    assert pages == done["pages"] >= 1 + 3
    text = _text(out)
    assert "progress report: all trainees" in text
    assert "Most frequent mistakes in the group" in text
    assert "3 trainees · 15 rounds" in text
    first_pages = text.split("\f")
    # every trainee section starts on a page of its own, headed by the name
    for name in ("Trainee 01", "Trainee 02", "Trainee 03"):
        assert any(p.lstrip().startswith(name) for p in first_pages[1:])


def test_pdf_of_a_trainee_without_rounds(tmp_path, capsys):
    path = tmp_path / "empty.db"
    with open_store(str(path)) as store:
        store.person("Newcomer")
    out = tmp_path / "new.pdf"
    assert main(["report", "--trainee", "Newcomer", "--out", str(out), "--db", str(path)]) == 0
    assert _pages(out) == 1
    text = _text(out)
    assert "Newcomer" in text and "no rounds yet" in text and "No tips were shown." in text
