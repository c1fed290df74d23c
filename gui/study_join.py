""""Join a study": a participant types the code a researcher gave them, reads
the researcher's consent text, and agrees or not. Only agreeing writes
anything (engine/records/studies.py `join_study`); looking a code up and
refusing store nothing: no person, no session. The run itself (the locked
condition and sequence) is gui/study_mode.py's."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QStackedWidget,
                               QTextBrowser, QVBoxLayout, QWidget)

from engine.scenario import ScenarioError, load_scenario
from gui.theme import STYLE_SHEET


def scenario_name(key: str) -> str:
    try:
        return load_scenario(key).name
    except ScenarioError:
        return key


def plan_words(study) -> str:
    """The rounds of a study in words, for the consent page and the banner."""
    names = [scenario_name(k) for k in study.sequence]
    text = f"{len(names)} round{'s' if len(names) != 1 else ''}: {', '.join(names)}" if names else ""
    if study.post_test:
        text += ("; then " if text else "") + f"a last round without tips: {scenario_name(study.post_test)}"
    return text + "."


class JoinStudyDialog(QDialog):
    """Code, then consent. After `exec()`, `participant` is the joined
    participant, or None when the person cancelled or did not agree."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.participant = None
        self._found = None
        self.setWindowTitle("Kitchen Coach · join a study")
        self.setStyleSheet(STYLE_SHEET)
        self.setMinimumSize(620, 460)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 18, 20, 16)
        self.pages = QStackedWidget()
        lay.addWidget(self.pages, 1)

        # page 1: the code
        page = QWidget()
        pl = QVBoxLayout(page)
        pl.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Join a study")
        title.setObjectName("title")
        intro = QLabel("Type the participant code the researcher gave you. Your rounds will be stored under "
                       "this code, never under your name.")
        intro.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setPlaceholderText("e.g. 7K3QD-M2XWA")
        self.code.setMaxLength(40)
        self.code.setStyleSheet("font-size: 16pt; padding: 6px;")  # the sheet's 10pt would win over setFont
        self.code.returnPressed.connect(self.look_up)
        self.code_error = QLabel()
        self.code_error.setStyleSheet("color: #a61e1e;")
        self.code_error.setWordWrap(True)
        pl.addWidget(title)
        pl.addWidget(intro)
        pl.addSpacing(8)
        pl.addWidget(self.code)
        pl.addWidget(self.code_error)
        hint = QLabel("A code is ten letters and digits, such as 7K3QD-M2XWA; upper or lower case, with or "
                      "without the dash. Ask the researcher if you have none.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        pl.addWidget(hint)
        pl.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        self.next_button = QPushButton("Next")
        self.next_button.setObjectName("primary")
        self.next_button.clicked.connect(self.look_up)
        row.addWidget(cancel)
        row.addWidget(self.next_button)
        pl.addLayout(row)
        self.pages.addWidget(page)

        # page 2: the consent text
        page = QWidget()
        cl = QVBoxLayout(page)
        cl.setContentsMargins(0, 0, 0, 0)
        self.study_title = QLabel()
        self.study_title.setObjectName("section")
        self.plan = QLabel()
        self.plan.setWordWrap(True)
        self.plan.setObjectName("muted")
        self.consent = QTextBrowser()
        self.consent.setOpenExternalLinks(False)
        self.question = QLabel("Do you agree to take part? If you do not, nothing about you is stored.")
        self.question.setWordWrap(True)
        cl.addWidget(self.study_title)
        cl.addWidget(self.plan)
        cl.addWidget(self.consent, 1)
        cl.addWidget(self.question)
        row = QHBoxLayout()
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        row.addWidget(self.back_button)
        row.addStretch(1)
        self.refuse_button = QPushButton("I do not agree")
        self.refuse_button.clicked.connect(self.refuse)
        self.agree_button = QPushButton("I agree: start")
        self.agree_button.setObjectName("primary")
        self.agree_button.clicked.connect(self.agree)
        row.addWidget(self.refuse_button)
        row.addWidget(self.agree_button)
        cl.addLayout(row)
        self.pages.addWidget(page)
        self.code.setFocus()

    def look_up(self) -> None:
        """Read-only: finds the code's study; nothing is written here."""
        from engine.records.store import StoreError

        typed = self.code.text().strip()
        if not typed:
            self.code_error.setText("Type your code first.")
            return
        try:
            found = self.store.participant(typed)
        except StoreError as e:
            self.code_error.setText(str(e))
            return
        if found is None:
            self.code_error.setText("No study has this code. Check it with the researcher (letters and digits, "
                                    "no O, I, L or U).")
            return
        if found.dropped_at is not None:
            self.code_error.setText("This code left the study. Ask the researcher if you want to take part again.")
            return
        self.code_error.setText("")
        self._found = found
        study = found.study
        self.study_title.setText(f"Study “{study.name}”")
        self.plan.setText("You will play " + plan_words(study))
        self.consent.setPlainText(study.consent or "(The researcher wrote no consent text.)")
        again = found.person_id is not None
        finished = again and self.store.progress(found).status == "finished"
        self.question.setText("You have finished this study. Thank you for taking part." if finished else
                              "You agreed to take part earlier with this code: carry on where you left off?"
                              if again else
                              "Do you agree to take part? If you do not, nothing about you is stored.")
        self.agree_button.setText("Carry on" if again else "I agree: start")
        self.agree_button.setVisible(not finished)
        self.refuse_button.setText("Close" if finished else "Not now" if again else "I do not agree")
        self.pages.setCurrentIndex(1)
        self.agree_button.setFocus()

    def refuse(self) -> None:
        self.participant = None
        self.reject()

    def agree(self) -> None:
        from engine.records.store import StoreError

        try:
            self.participant = self.store.join_study(self._found.code)
        except StoreError as e:
            self.question.setText(f"Could not join: {e}")
            return
        self.accept()


class StudyBanner(QFrame):
    """The start screen's line about the study in progress, with its two ways on."""
    carryOnRequested = Signal()
    leaveRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("panel")
        self.setStyleSheet("QFrame#panel { background: #e7f0ff; border: 1px solid #9fb8e8; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.RichText)
        self.leave_button = QPushButton("Leave the study…")
        self.leave_button.clicked.connect(self.leaveRequested)
        self.carry_on_button = QPushButton("Carry on…")
        self.carry_on_button.setObjectName("primary")
        self.carry_on_button.clicked.connect(self.carryOnRequested)
        row.addWidget(self.text, 1)
        row.addWidget(self.leave_button)
        row.addWidget(self.carry_on_button)
        self.hide()

    def show_text(self, html: str, buttons: bool) -> None:
        self.text.setText(html)
        self.leave_button.setVisible(buttons)
        self.carry_on_button.setVisible(buttons)
        self.show()
