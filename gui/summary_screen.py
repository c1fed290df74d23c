"""The round summary: the outcome against the expert and the optimum, the
decisions by verdict, and the three costliest with a button to replay each on
a read-only board (your move and the expert's, side by side in time), the
round's accuracy (engine/accuracy.py), and the ways on: review the round
move by move (gui/review.py), play it again, the next scenario, the start."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QDialog, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from engine.accuracy import round_accuracy
from gui import theme
from gui.board import BoardView
from gui.feedback import VERDICTS, ScoredTick, amount, costliest, describe_decision, feedback_line, verdict_counts
from gui.round_session import RoundSession
from gui.tips_panel import TipsPanel


def outcome_words(kitchen, value) -> str:
    if value is None:
        return "–"
    return f"{value:g} {kitchen.scenario.unit}"


class ReplayDialog(QDialog):
    """One decision again: the board as it stood, with your move or the expert's."""

    def __init__(self, kitchen, tick: ScoredTick, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Kitchen Coach · replay of tick {tick.tick + 1}")
        self.resize(1100, 720)
        self.tick = tick
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 16, 18, 16)
        head = QLabel(feedback_line(kitchen, tick.state, tick.decision, tick.score))
        head.setWordWrap(True)
        head.setObjectName("section")
        lay.addWidget(head)
        row = QHBoxLayout()
        self.mine = QPushButton("Your move")
        self.theirs = QPushButton("The expert's move")
        group = QButtonGroup(self)
        for b in (self.mine, self.theirs):
            b.setCheckable(True)
            b.setMinimumWidth(b.fontMetrics().horizontalAdvance(b.text()) + 48)  # the bolder checked text fits
            group.addButton(b)
            row.addWidget(b)
        self.caption = QLabel()
        self.caption.setObjectName("muted")
        row.addWidget(self.caption, 1)
        lay.addLayout(row)
        self.board = BoardView(read_only=True)
        self.board.set_kitchen(kitchen)
        lay.addWidget(self.board, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        lay.addWidget(close, 0, Qt.AlignRight)
        expert = {int(w): int(j) for w, j in dict(getattr(tick.score, "expert_decision", {}) or {}).items()}
        self.mine.clicked.connect(lambda: self._show(tick.decision, "You: "))
        self.theirs.clicked.connect(lambda: self._show(expert, "Expert: "))
        self.mine.setChecked(True)
        self._show(tick.decision, "You: ")

    def _show(self, decision: dict, who: str) -> None:
        self.board.render_state(self.tick.state, {w: j for w, j in decision.items() if j >= 0})
        self.caption.setText(who + describe_decision(self.board.kitchen, decision))


def _stat_box(title: str) -> tuple[QFrame, QLabel, QLabel]:
    box = QFrame()
    box.setObjectName("panel")
    lay = QVBoxLayout(box)
    lay.setContentsMargins(18, 12, 18, 12)
    t = QLabel(title)
    t.setObjectName("statLabel")
    v = QLabel("–")
    v.setObjectName("title")
    note = QLabel()
    note.setObjectName("muted")
    note.setWordWrap(True)
    lay.addWidget(t)
    lay.addWidget(v)
    lay.addWidget(note)
    return box, v, note


class SummaryScreen(QWidget):
    nextRequested = Signal()
    againRequested = Signal()
    reviewRequested = Signal()
    retryRequested = Signal(int)      # tick of a mistake or blunder, to decide again (gui/retry.py)
    backRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("page")
        self.session: RoundSession | None = None
        root = QVBoxLayout(self)
        root.setContentsMargins(32, 24, 32, 24)
        root.setSpacing(16)
        self.title = QLabel("Round over")
        self.title.setObjectName("title")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("subtitle")
        root.addWidget(self.title)
        root.addWidget(self.subtitle)
        stats = QHBoxLayout()
        stats.setSpacing(16)
        b1, self.you, self.you_note = _stat_box("YOU")
        b2, self.expert, self.expert_note = _stat_box("THE EXPERT (same round)")
        b3, self.optimum, self.optimum_note = _stat_box("THE BEST POSSIBLE")
        b4, self.accuracy, self.accuracy_note = _stat_box("ACCURACY")
        b4.setToolTip("100 when every decision was as good as the expert's; a decision costing "
                      "the inaccuracy line (1.5 turns) counts 50 (README: Accuracy)")
        for b in (b1, b2, b3, b4):
            stats.addWidget(b, 1)
        root.addLayout(stats)

        verdicts = QFrame()
        verdicts.setObjectName("panel")
        vl = QVBoxLayout(verdicts)
        vl.setContentsMargins(18, 12, 18, 14)
        t = QLabel("Your decisions by verdict")
        t.setObjectName("section")
        vl.addWidget(t)
        grid = QHBoxLayout()
        grid.setSpacing(10)
        self.verdict_labels: dict[str, QLabel] = {}
        for v in VERDICTS:
            lab = QLabel()
            lab.setAlignment(Qt.AlignCenter)
            lab.setMinimumHeight(54)
            lab.setStyleSheet(f"background: {theme.VERDICT_COLOUR[v]}; color: white; border-radius: 6px;"
                              " font-size: 11pt; padding: 6px;")
            self.verdict_labels[v] = lab
            grid.addWidget(lab, 1)
        vl.addLayout(grid)
        self.pending_note = QLabel()
        self.pending_note.setObjectName("muted")
        vl.addWidget(self.pending_note)
        root.addWidget(verdicts)

        costly = QFrame()
        costly.setObjectName("panel")
        self.costly_lay = QVBoxLayout(costly)
        self.costly_lay.setContentsMargins(18, 12, 18, 14)
        t = QLabel("Your three costliest decisions")
        t.setObjectName("section")
        self.costly_lay.addWidget(t)
        self.costly_rows = QGridLayout()
        self.costly_rows.setHorizontalSpacing(12)
        self.costly_rows.setVerticalSpacing(8)
        self.costly_rows.setColumnStretch(0, 1)
        self.costly_lay.addLayout(self.costly_rows)
        # how the trainee followed this round's tips (tips/adherence.py), once every decision is stored
        self.adherence_title = QLabel("Did you follow this round's tips?")
        self.adherence_title.setObjectName("section")
        self.adherence = QLabel()
        self.adherence.setWordWrap(True)
        self.costly_lay.addSpacing(6)
        self.costly_lay.addWidget(self.adherence_title)
        self.costly_lay.addWidget(self.adherence)
        self.show_adherence([])
        self.costly_lay.addStretch(1)
        lower = QHBoxLayout()
        lower.setSpacing(16)
        lower.addWidget(costly, 1)
        self.tips = TipsPanel(title="Tips for your next round")
        self.tips.setMaximumWidth(420)
        self.tips.setMinimumWidth(320)
        lower.addWidget(self.tips)
        root.addLayout(lower, 1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        back = QPushButton("Back to start")
        back.clicked.connect(self.backRequested)
        self.review_button = QPushButton("Review this round")
        self.review_button.setToolTip("Step through every move with its verdict and retry your mistakes")
        self.review_button.clicked.connect(self.reviewRequested)
        self.again_button = QPushButton("Play again")
        self.again_button.clicked.connect(self.againRequested)
        self.next_button = QPushButton("Next scenario")
        self.next_button.setObjectName("primary")
        self.next_button.clicked.connect(self.nextRequested)
        for b in (back, self.review_button, self.again_button, self.next_button):
            buttons.addWidget(b)
        root.addLayout(buttons)
        self.replay_buttons: list[QPushButton] = []

    def show_session(self, session: RoundSession, trainee: str, next_name: str | None) -> None:
        if self.session is not None:
            for sig in (self.session.scoredTick, self.session.benchmarksReady):
                sig.disconnect(self.refresh)
        self.session = session
        session.scoredTick.connect(self.refresh)
        session.benchmarksReady.connect(self.refresh)
        k = session.model.kitchen
        self.title.setText(f"Round over · {k.scenario.name}")
        self.subtitle.setText(f"Trainee: {trainee}")
        self.next_button.setText(f"Next scenario: {next_name}" if next_name else "Next scenario")
        self.next_button.setVisible(bool(next_name))
        self.again_button.setObjectName("" if next_name else "primary")
        self.again_button.setStyleSheet(self.again_button.styleSheet())  # restyle after the name change
        self.review_button.setEnabled(session.round_id is not None)
        self.show_adherence([])
        self.refresh()

    def show_adherence(self, items: list) -> None:
        """Per tip shown this round, how often its situation came up and was followed."""
        from gui.tips_source import adherence_words

        self.adherence_items = list(items)
        lines = [adherence_words(a) for a in items]
        self.adherence.setText("<br>".join(f"• {line}" for line in lines))
        self.adherence_title.setVisible(bool(lines))
        self.adherence.setVisible(bool(lines))

    def refresh(self, *_):
        s = self.session
        k, m = s.model.kitchen, s.model
        value = m.value()
        self.you.setText(outcome_words(k, value))
        self.you_note.setText(f"{k.served_count(m.state)} of {k.n_orders} dishes served")
        bench = s.benchmarks or {}
        waiting = s.benchmarks is None and s.engine is not None
        expert, optimum = bench.get("expert"), bench.get("optimum")
        self.expert.setText("…" if waiting and expert is None else outcome_words(k, expert))
        self.expert_note.setText(self._versus(k, value, expert) if expert is not None else
                                 ("working it out…" if waiting else "no trained expert for this scenario"))
        self.optimum.setText("…" if waiting and optimum is None else outcome_words(k, optimum))
        self.optimum_note.setText(self._versus(k, value, optimum) if optimum is not None else
                                  ("working it out…" if waiting else
                                   "not known (random orders)" if k.scenario.stochastic else "not known for this scenario"))
        acc = round_accuracy(k.scenario, [t.regret for t in s.scored])
        self.accuracy.setText("–" if acc is None else f"{acc:.0f}")
        self.accuracy_note.setText("of 100, from each decision's regret" if acc is not None else
                                   ("working it out…" if s.pending_scores else "no scored decisions"))
        counts = verdict_counts(s.scored)
        for v, lab in self.verdict_labels.items():
            lab.setText(f"<b style='font-size:16pt'>{counts.get(v, 0)}</b><br>{v}")
        notes = []
        if s.pending_scores:
            notes.append(f"{s.pending_scores} decision(s) still being scored…")
        if s.unscored:
            notes.append(f"{len(s.unscored)} decision(s) could not be scored.")
        self.pending_note.setText(" ".join(notes))
        self.pending_note.setVisible(bool(notes))
        self._fill_costly(k, costliest(s.scored))

    @staticmethod
    def _versus(kitchen, mine, theirs) -> str:
        if mine is None or theirs is None:
            return ""
        gap = (mine - theirs) if kitchen.scenario.objective == "makespan" else (theirs - mine)
        unit = "turn" if kitchen.scenario.objective == "makespan" else "point"
        if abs(gap) < 1e-9:
            return "you matched it"
        return f"you were {amount(gap)} {unit}{'' if amount(gap) == '1' else 's'} " + ("behind" if gap > 0 else "ahead")

    def _fill_costly(self, kitchen, ticks: list[ScoredTick]) -> None:
        while self.costly_rows.count():
            item = self.costly_rows.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.replay_buttons = []
        self.retry_buttons: list[QPushButton] = []
        if not ticks:
            if self.session.scored:
                words = "No costly decisions: every move was as good as the expert's."
            elif self.session.pending_scores:
                words = "Your decisions are still being scored…"
            else:
                words = "Your decisions could not be scored in this round (no trained expert for this scenario)."
            empty = QLabel(words)
            empty.setObjectName("muted")
            self.costly_rows.addWidget(empty, 0, 0)
            return
        for row, t in enumerate(ticks):
            text = QLabel(feedback_line(kitchen, t.state, t.decision, t.score))
            text.setWordWrap(True)
            button = QPushButton("Replay")
            button.clicked.connect(lambda _=False, t=t: ReplayDialog(kitchen, t, self).exec())
            self.replay_buttons.append(button)
            self.costly_rows.addWidget(text, row, 0)
            self.costly_rows.addWidget(button, row, 1, Qt.AlignTop)
            if t.verdict in ("mistake", "blunder") and self.session.round_id is not None:
                retry = QPushButton("Retry")
                retry.setToolTip("Decide this tick again, with the expert's answer hidden")
                retry.clicked.connect(lambda _=False, tick=t.tick: self.retryRequested.emit(tick))
                self.retry_buttons.append(retry)
                self.costly_rows.addWidget(retry, row, 2, Qt.AlignTop)
