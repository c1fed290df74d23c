"""Retry a position: the board restored to a stored tick, the expert's answer
hidden, the trainee decides again. A hint (the condition of the tip that
covers the position) is offered first. "Check my answer" judges the decision
off the GUI thread (gui/retry_judge.py); then the expert's decision, the
play-out of both and the tip are revealed, and `answered(correct, regret)`
goes to whoever keeps score (the mistake queue).

`RetryPanel` is one position; the review's "Retry this tick" shows it in a
dialog (`RetryDialog`), a drill session shows one after another."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine.simulator import Kitchen, State
from gui import theme
from gui.board import BoardView, shown_tick
from gui.feedback import amount, describe_decision
from gui.retry_judge import RetryResult, hint_of, judge_retry
from gui.round_model import AssignRefused, RoundModel


@dataclass(frozen=True)
class Position:
    """A stored position to decide again."""
    kitchen: Kitchen
    state: State
    played: dict[int, int]         # what was played there
    expert: dict[int, int]         # the expert's decision (hidden until answered)
    verdict: str
    regret: float
    tip_text: str = ""             # the tip that covers it ("" when none known)
    who: str = "You"               # "You", or another trainee's position ("A trainee")


def _units(kitchen: Kitchen, x: float | None) -> str:
    if x is None:
        return "–"
    word = "turn" if kitchen.scenario.objective == "makespan" else "point"
    return f"{amount(x)} {word}{'' if amount(x) == '1' else 's'}"


class RetryPanel(QWidget):
    answered = Signal(bool, float)     # correct, regret
    judging = Signal()

    def __init__(self, position: Position, background, scorer_factory=None, exact: bool = True, parent=None):
        super().__init__(parent)
        self.position, self.background = position, background
        self.scorer_factory, self.exact = scorer_factory, exact
        self.result: RetryResult | None = None
        self._job: int | None = None
        k, s = position.kitchen, position.state
        self.model = RoundModel(k, s)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)
        self.question = QLabel(
            f"<b>Tick {shown_tick(s.tick)} again.</b> {position.who} played: {describe_decision(k, position.played)} "
            f"— {'an' if position.verdict[:1] in 'aeiou' else 'a'} {position.verdict}, about {_units(k, position.regret)} lost. What should the kitchen do now? "
            "Assign the tasks, then check your answer (the expert's answer stays hidden until then).")
        self.question.setWordWrap(True)
        lay.addWidget(self.question)
        self.board = BoardView()
        self.board.set_kitchen(k)
        self.board.end_button.setText("Check my answer  ⏎")
        self.board.end_button.setToolTip("Judge this decision against the best (Enter)")
        self.board.assignRequested.connect(self._assign)
        self.board.unassignRequested.connect(lambda j: self.model.unassign(j) and self._redraw())
        self.board.clearRequested.connect(lambda: (self.model.clear(), self._redraw()))
        self.board.endTickRequested.connect(self.check)
        lay.addWidget(self.board, 1)
        row = QHBoxLayout()
        self.hint_button = QPushButton("Hint")
        self.hint_button.setToolTip("The condition of the tip that covers this position")
        self.hint_button.setFocusPolicy(Qt.NoFocus)
        self.hint_button.clicked.connect(self.show_hint)
        self.hint_button.setEnabled(bool(position.tip_text))
        row.addWidget(self.hint_button)
        self.mine_button = QPushButton("Your answer")
        self.expert_button = QPushButton("The expert's")
        group = QButtonGroup(self)
        for b in (self.mine_button, self.expert_button):
            b.setCheckable(True)
            b.setMinimumWidth(b.fontMetrics().horizontalAdvance(b.text()) + 48)  # the bolder checked text fits
            b.setFocusPolicy(Qt.NoFocus)
            b.setVisible(False)
            group.addButton(b)
            row.addWidget(b)
        self.mine_button.clicked.connect(lambda: self._show_answer(False))
        self.expert_button.clicked.connect(lambda: self._show_answer(True))
        row.addStretch(1)
        lay.addLayout(row)
        self.verdict = QLabel(position.tip_text and "A hint is there if you want one." or "")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.RichText)
        self.verdict.setMinimumHeight(44)
        self._style("")
        lay.addWidget(self.verdict)
        background.finished.connect(self._judged)
        self._redraw()

    # -- deciding ------------------------------------------------------------------
    def _assign(self, task: int, worker: int) -> None:
        if self.result is not None:
            return
        try:
            self.model.assign(task, worker)
        except AssignRefused as e:
            self.board.refuse(str(e))
            return
        self._redraw()

    def _redraw(self) -> None:
        self.board.render_state(self.position.state, self.model.pending)

    def show_hint(self) -> None:
        self.verdict.setText(f"<b>Hint:</b> {hint_of(self.position.tip_text)}")
        self._style("")

    def check(self) -> None:
        if self.result is not None or self._job is not None:
            return
        self.board.end_button.setEnabled(False)
        self.verdict.setText("Working out how good that is…")
        p = self.position
        self._job = self.background.submit(judge_retry, p.kitchen, p.state, dict(self.model.pending), p.expert,
                                           self.scorer_factory, self.exact)
        self.judging.emit()

    def _judged(self, job: int, result, error: str) -> None:
        if job != self._job:
            return
        self._job = None
        if result is None:
            self.verdict.setText(f"This answer could not be judged: {error}")
            self.board.end_button.setEnabled(True)
            return
        self.result = result
        self.board.read_only = True
        self.board.message.setVisible(False)   # no more dragging: the drag hints would mislead
        self.board.end_button.setVisible(False)
        self.board.clear_button.setVisible(False)
        k, p = self.position.kitchen, self.position
        how = "proven by the exact optimum" if result.exact else "by the expert's play-out"
        head = ("<b>Right.</b> That keeps the round as good as it can be" if result.correct and result.regret < 1e-9
                else "<b>Right:</b> within the \"good\" line of the best" if result.correct
                else f"<b>Not quite:</b> that costs about {_units(k, result.regret)}")
        lines = [f"{head} ({how}).",
                 f"The expert: {describe_decision(k, p.expert)}. Played out as well as possible, yours ends at "
                 f"{_units(k, result.mine_value)}, the expert's at {_units(k, result.expert_value)}."]
        if p.tip_text:
            lines.append(f"The tip that covers it: <i>{p.tip_text}</i>")
        self.verdict.setText("<br>".join(lines))
        self._style("best" if result.correct else "mistake")
        for b in (self.mine_button, self.expert_button):
            b.setVisible(True)
        self.mine_button.setChecked(True)
        self.answered.emit(result.correct, float(result.regret))

    def _show_answer(self, expert: bool) -> None:
        shown = self.position.expert if expert else self.model.pending
        self.board.render_state(self.position.state, {w: j for w, j in shown.items() if j >= 0})

    def _style(self, verdict: str) -> None:
        colour = theme.VERDICT_COLOUR.get(verdict, theme.MUTED)
        self.verdict.setStyleSheet(
            f"QLabel {{ background: {theme.CARD}; border: 1px solid {theme.LINE}; border-left: 6px solid {colour};"
            f" border-radius: 6px; padding: 8px 12px; font-size: 11pt; }}")

    def forget(self) -> None:
        if self._job is not None:
            self.background.forget(self._job)
            self._job = None


class RetryDialog(QDialog):
    """One position from the review, in its own window."""

    def __init__(self, position: Position, background, scorer_factory=None, exact: bool = True, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Kitchen Coach · retry tick {shown_tick(position.state.tick)}")
        self.resize(1180, 760)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 14, 18, 14)
        self.panel = RetryPanel(position, background, scorer_factory, exact, self)
        lay.addWidget(self.panel, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        lay.addWidget(close, 0, Qt.AlignRight)

    def done(self, r):
        self.panel.forget()
        super().done(r)
