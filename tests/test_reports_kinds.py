"""Honest progress figures (issue 16 part 3) in the report data, the CSV and
the PDF: round kinds, finished rounds only in trends and headlines, one
scenario at a time, and the trainee's condition."""
from __future__ import annotations

import csv
import shutil
import subprocess
import unicodedata

import pytest

from engine.records.store import open_store
from engine.scenario import load_scenario
from gui.cli import main
from gui.reports.data import gather
from tests.report_helpers import kinds_db


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("kinds") / "records.db"
    with open_store(str(path)) as store:
        ids = kinds_db(store, load_scenario("burger"), load_scenario("pasta"))
    return path, ids


def test_kinds_and_per_scenario_trends(db):
    path, ids = db
    with open_store(str(path)) as store:
        ada, bo = gather(store).trainees
    assert (ada.condition, bo.condition) == ("mined", "fixed")
    assert ada.rounds_text() == "6 of 9" and bo.rounds_text() == "2"
    assert ada.kinds_text() == "6 finished, 1 unfinished, 1 abandoned, 1 cut"
    by_id = {r.id: r for r in ada.rounds}
    assert [by_id[ids[k]].outcome_text for k in ("unfinished", "abandoned", "cut")] == ["unfinished", "abandoned", "cut"]
    # the trend is the latest finished scenario's finished rounds: pasta, not burger's unfinished ones
    assert ada.trend_scenario == "pasta"
    assert ada.trend() == pytest.approx([by_id[i].suboptimal_pct for i in ids["pasta"]])
    assert ada.trend(scenario="burger") == pytest.approx([by_id[i].suboptimal_pct for i in ids["finished"]])
    h = ada.headline("burger")
    pcts = [by_id[i].suboptimal_pct for i in ids["finished"]]
    assert h.finished == 4
    # four finished rounds: the first two against the last two, never overlapping
    assert h.n == 2 and h.first == pytest.approx(sum(pcts[:2]) / 2) and h.last == pytest.approx(sum(pcts[2:]) / 2)
    assert ada.headline("pasta").first is None  # two finished rounds: no headline
    assert ada.scenarios(finished_only=True) == ["burger", "pasta"]
    assert ada.latest.id == ids["pasta"][-1]


def test_csv_has_kind_and_condition(db, tmp_path):
    path, ids = db
    out = tmp_path / "all.csv"
    assert main(["report", "--all", "--out", str(out), "--db", str(path)]) == 0
    rows = {int(r["round"]): r for r in csv.DictReader(open(out, encoding="utf-8"))}
    assert len(rows) == 9 + 2
    assert {k: rows[ids[k]]["kind"] for k in ("unfinished", "abandoned", "cut")} == \
        {"unfinished": "unfinished", "abandoned": "abandoned", "cut": "cut"}
    assert all(rows[i]["kind"] == "finished" for i in ids["finished"] + ids["pasta"])
    assert rows[ids["bo"]]["condition"] == "fixed" and rows[ids["cut"]]["condition"] == "mined"


def _text(pdf) -> str:
    """The PDF's words, ligatures (fi) undone, one space between words."""
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(unicodedata.normalize("NFKC", raw).split())


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")
def test_pdf_says_kinds_condition_and_per_scenario_headlines(db, tmp_path):
    path, _ = db
    out = tmp_path / "ada.pdf"
    assert main(["report", "--trainee", "Ada", "--out", str(out), "--db", str(path)]) == 0
    text = _text(out)
    assert "Condition: mined" in text
    assert "rounds: 6 finished, 1 unfinished, 1 abandoned, 1 cut" in text
    assert "Burger rush: " in text and "% suboptimal in the first 2 finished rounds" in text
    assert "Pasta night: " not in text.split("Rounds")[0]   # too few finished rounds there for a headline
    for word in ("unfinished", "abandoned", "cut"):
        assert f" {word} " in text
    assert not out.with_name("ada.pdf.part").exists()
    group = tmp_path / "all.pdf"
    assert main(["report", "--all", "--out", str(group), "--db", str(path)]) == 0
    text = _text(group)
    assert "Condition: fixed" in text and "Most frequent mistakes in the group" in text


def test_the_group_chart_of_a_large_group(tmp_path):
    """Over 200 trainees the group chart draws the middle half as a band; it
    paints into a PDF (a legend entry for the band once crashed Qt)."""
    from datetime import datetime

    from engine.records.views import RoundFigures, RoundInfo
    from gui.reports.data import GroupReport, RoundRow, TraineeReport
    from gui.reports.export import ensure_qt_app
    from gui.reports.pdf import PdfDocument, group_figures, group_summary
    from gui.reports.plots import PlotRenderer

    ensure_qt_app()
    when = datetime(2026, 1, 1)
    trainees = []
    for i in range(201):
        rows = []
        for n in range(1, 5):
            info = RoundInfo(i * 10 + n, i, f"T{i:03d}", "burger", "Burger rush", n, "human", when, True, False,
                             20.0, 20, 5, 17.0, False, 10, 3.0)
            rows.append(RoundRow(RoundFigures(info, "mined", "turns", 10, (i + n) % 7, 0, "h", None), n))
        trainees.append(TraineeReport(f"T{i:03d}", rows, condition="mined"))
    report = GroupReport(trainees, when, "sqlite:///x.db")
    renderer = PlotRenderer()
    try:
        figures = group_figures(trainees)
        assert [f.key for f in figures] == [("group", "burger")]
        doc = PdfDocument(tmp_path / "group.pdf", "all trainees")
        group_summary(doc.page, report, {f.key: renderer.chart(f.draw, *f.args) for f in figures})
        assert doc.finish() >= 1
        plot = renderer.widget.getPlotItem()
        assert any(label.text == "middle half of the trainees" for _, label in plot.legend.items)
    finally:
        renderer.close()
    assert (tmp_path / "group.pdf").read_bytes().startswith(b"%PDF")


def test_numbers_are_rounded_to_what_they_mean():
    from gui.reports.data import fmt_value

    assert [fmt_value(x) for x in (17.0, 47.5625, 17.25, 0.0, None)] == ["17", "47.6", "17.2", "0", "–"]
    assert fmt_value(3.14159, 2) == "3.14"
