"""Joining a study in the app (issue 16): a code, the researcher's consent
text; refusing stores nothing (no person, no session); agreeing locks the
condition and the sequence, ends with a post-test round without tips; the
condition belongs to the supervisor (Settings asks for the password) and is
shown on the start screen; participants' codes stay off the trainee list."""
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from engine.records.models import Person, StudyParticipant, TrainingSession
from engine.records.store import open_store
from tests.gui_helpers import drop, open_main_window


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("KITCHEN_COACH_CONFIG", str(tmp_path / "config" / "settings.json"))


def _count(store, what) -> int:
    with store.Session() as s:
        return s.scalar(select(func.count()).select_from(what))


def _study(w, conditions=("fixed",), n=2, consent="We study kitchens. Say no and nothing is kept."):
    _, people = w.store.create_study("pilot", conditions, n, 3, ["taco-demo"], "taco-demo", consent)
    return people


def _when_dialog_opens(qtbot, then):
    """Run `then(dialog)` once the modal Join dialog is up (exec() blocks the test)."""
    from gui.study_join import JoinStudyDialog

    _on_modal(JoinStudyDialog, then)


def _play_to_the_end(qtbot, w, policy="dispatch"):
    import numpy as np

    from engine.policies import BASELINES

    screen = w.round_screen
    model = w.session.model
    rng = np.random.default_rng(0)
    while not model.done:
        for worker, j in BASELINES[policy](model.kitchen, model.state, rng).items():
            drop(screen.board.lanes[worker], j)
        qtbot.mouseClick(screen.board.end_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.summary_screen, timeout=3000)
    qtbot.waitUntil(lambda: w.session._closed, timeout=30_000)
    qtbot.waitUntil(lambda: w._tips_job is None, timeout=60_000)


def test_refusing_consent_leaves_no_row(qtbot, tmp_path):
    w = open_main_window(qtbot, tmp_path, seconds_per_tick=0)
    people = _study(w)
    before = (_count(w.store, Person), _count(w.store, TrainingSession))

    def refuse(dialog):
        dialog.code.setText(people[0].code.lower())  # typed in any case
        qtbot.mouseClick(dialog.next_button, Qt.LeftButton)
        assert "Say no and nothing is kept." in dialog.consent.toPlainText()
        assert dialog.pages.currentIndex() == 1
        qtbot.mouseClick(dialog.refuse_button, Qt.LeftButton)
    _when_dialog_opens(qtbot, refuse)
    qtbot.mouseClick(w.start_screen.study_button, Qt.LeftButton)
    dialog = w.study_mode.dialog
    assert dialog.participant is None and w.study is None
    assert (_count(w.store, Person), _count(w.store, TrainingSession)) == before == (0, 0)
    with open_store(w.store.url) as other:  # nothing on disk either, as another seat sees it
        assert _count(other, Person) == 0
        assert other.participant(people[0].code).person_id is None
    assert w.stack.currentWidget() is w.start_screen
    w.close()


def test_a_wrong_code_is_refused_without_writing(qtbot, tmp_path):
    from gui.study_join import JoinStudyDialog

    w = open_main_window(qtbot, tmp_path, seconds_per_tick=0)
    people = _study(w)
    dialog = JoinStudyDialog(w.store, w)
    qtbot.addWidget(dialog)
    dialog.code.setText("ZZZZZ-ZZZZZ")
    dialog.look_up()
    assert dialog.pages.currentIndex() == 0 and "No study has this code" in dialog.code_error.text()
    assert _count(w.store, Person) == 0
    gone = w.store.join_study(people[1].code)                    # someone who later left the study
    w.store.drop_out(gone)
    dialog.code.setText(people[1].code)
    dialog.look_up()
    assert dialog.pages.currentIndex() == 0 and "left the study" in dialog.code_error.text()
    w.close()


def test_agreeing_locks_the_condition_and_the_sequence_then_a_post_test_without_tips(qtbot, tmp_path):
    w = open_main_window(qtbot, tmp_path, seconds_per_tick=0)   # the seat's own condition: none
    (p, _) = _study(w)
    assert p.condition == "fixed"

    def agree(dialog):
        dialog.code.setText(p.code)
        qtbot.mouseClick(dialog.next_button, Qt.LeftButton)
        qtbot.mouseClick(dialog.agree_button, Qt.LeftButton)
    _when_dialog_opens(qtbot, agree)
    qtbot.mouseClick(w.start_screen.study_button, Qt.LeftButton)
    assert w.study is not None and w.study.code == p.code
    assert w.stack.currentWidget() is w.round_screen and w.scenario_key == "taco-demo"
    assert w.study_mode.condition() == "fixed" and w.settings.condition == "none"
    qtbot.waitUntil(lambda: w._tips_job is None, timeout=60_000)
    assert [t.rule for t in w.round_screen.tips.tips][:1] == ["fixed:0"]
    _play_to_the_end(qtbot, w)
    summary = w.summary_screen
    assert not summary.again_button.isVisible()       # no replaying: the sequence is locked
    assert summary.next_button.isVisible() and "without tips" in summary.next_button.text()
    qtbot.mouseClick(summary.next_button, Qt.LeftButton)
    assert w.study_mode.condition() == "none"
    qtbot.waitUntil(lambda: w._tips_job is None, timeout=60_000)
    assert w.round_screen.tips.tips == []
    _play_to_the_end(qtbot, w)
    assert not summary.next_button.isVisible() and "last round of the study" in summary.subtitle.text()
    with open_store(w.store.url) as other:
        joined = other.participant(p.code)
        progress = other.progress(joined)
        assert progress.status == "finished" and progress.finished == 2
        person = other.find_person(p.code)
        rounds = other.history(person)
        assert [r.finished for r in rounds] == [True, True]
        tips = [other.load_round(r.id).tips for r in rounds]
        assert tips[0] and not tips[1]           # tips in the sequence, none in the post-test
        with other.Session() as s:
            conditions = set(s.scalars(select(TrainingSession.condition)
                                       .where(TrainingSession.person_id == person.id)))
            assert conditions == {"fixed"}
            assert s.scalar(select(StudyParticipant.step).where(StudyParticipant.code == p.code)) == 2
    summary.backRequested.emit()  # "Back to start"
    assert w.study is None and w.stack.currentWidget() is w.start_screen
    names = [w.start_screen.people.item(i).text() for i in range(w.start_screen.people.count())]
    assert p.code not in names                      # a code is never shown to the next person
    assert "Thank you" in w.study_mode.banner.text.text()
    w.close()


def test_condition_change_needs_the_supervisor_password(qtbot, tmp_path):
    from gui.settings import Settings
    from gui.settings_dialog import SettingsDialog

    w = open_main_window(qtbot, tmp_path, seconds_per_tick=0)
    assert w.start_screen.condition.text() == "Tips: No tips"   # shown on the start screen
    boss = w.store.person("Boss", role="supervisor")
    w.store.set_password(boss, "correct horse")
    dialog = SettingsDialog(Settings(condition="none"), w.store.url, None, w)
    qtbot.addWidget(dialog)
    dialog.condition.setCurrentIndex(dialog.condition.findData("mined"))
    assert dialog.password.isVisibleTo(dialog)
    dialog.try_accept()
    assert dialog.result() == 0 and "Wrong" in dialog.condition_note.text()
    dialog.password.setText("not it at all")
    dialog.try_accept()
    assert dialog.result() == 0
    dialog.password.setText("correct horse")
    dialog.try_accept()
    assert dialog.result() == 1 and dialog.result_settings().condition == "mined"
    # the time per tick needs no password
    other = SettingsDialog(Settings(condition="none"), w.store.url, None, w)
    qtbot.addWidget(other)
    other.use_scenario.setChecked(False)
    other.seconds.setValue(9)
    other.try_accept()
    assert other.result() == 1 and other.result_settings().seconds_per_tick == 9
    w.close()


def _on_modal(kind, then):
    """Run `then(dialog)` once a modal dialog of this kind is up (its exec() blocks the test)."""
    def act():
        d = QApplication.activeModalWidget()
        if not isinstance(d, kind):
            QTimer.singleShot(20, act)
            return
        then(d)
    QTimer.singleShot(0, act)


def test_the_window_saves_a_condition_only_with_the_password(qtbot, tmp_path):
    from gui.settings_dialog import SettingsDialog

    w = open_main_window(qtbot, tmp_path, seconds_per_tick=0)
    boss = w.store.person("Boss", role="supervisor")
    w.store.set_password(boss, "correct horse")

    def change(password):
        def act(d):
            d.condition.setCurrentIndex(d.condition.findData("personalised"))
            d.password.setText(password)
            d.try_accept()
            if d.result() != 1:
                d.reject()
        _on_modal(SettingsDialog, act)
        w.start_screen.settingsRequested.emit()  # as its button does
    change("guess guess")
    assert w.settings.condition == "none" and w.start_screen.condition.text() == "Tips: No tips"
    change("correct horse")
    assert w.settings.condition == "personalised"
    assert w.start_screen.condition.text() == "Tips: Personalised tips"  # the start screen follows
    w.close()


def test_leaving_a_study_round_and_someone_else_playing_keeps_the_study_apart(qtbot, tmp_path):
    w = open_main_window(qtbot, tmp_path, seconds_per_tick=0)   # the seat's condition: none
    w.store.person("Ann")
    w.start_screen.set_people(["Ann"], "Ann")                     # a trainee of the seat
    (p, _) = _study(w)

    def agree(dialog):
        dialog.code.setText(p.code)
        dialog.look_up()
        dialog.agree()
    _when_dialog_opens(qtbot, agree)
    qtbot.mouseClick(w.start_screen.study_button, Qt.LeftButton)
    round_id = w.session.round_id
    w.round_screen.leaveRequested.emit()                        # "Leave round"
    assert w.stack.currentWidget() is w.start_screen
    banner = w.study_mode.banner
    assert banner.isVisible() and banner.carry_on_button.isVisible() and "round 1 of 2" in banner.text.text()
    assert not w.start_screen.resume_box.isVisible()            # the study's round is resumed from the banner
    # the start screen is the seat's again: someone else chosen there plays with the seat's own condition
    assert w.trainee == "Ann" and w.study_mode.condition() == "none"
    assert w.start_screen.condition.text() == "Tips: No tips"
    assert p.code not in banner.text.text()                     # the next person at the seat cannot read it
    _when_dialog_opens(qtbot, agree)                            # the participant again, with their code
    qtbot.mouseClick(banner.carry_on_button, Qt.LeftButton)   # ... and their open round
    assert w.session.round_id == round_id and w.trainee == p.code and w.study_mode.condition() == "fixed"
    w.study_mode.show_condition()
    assert "set by the study" in w.start_screen.condition.text() and "ixed" not in w.start_screen.condition.text()
    w.close()


def test_the_summary_shows_tips_for_the_next_scenario_of_the_sequence(qtbot, tmp_path):
    from engine.scenario import load_scenario
    from tips.fixed import handcrafted

    w = open_main_window(qtbot, tmp_path, seconds_per_tick=0)
    _, (p,) = w.store.create_study("seq", ["fixed"], 1, 0, ["taco-demo", "burger"], None, "ok?")
    _when_dialog_opens(qtbot, lambda d: (d.code.setText(p.code), d.look_up(), d.agree()))
    qtbot.mouseClick(w.start_screen.study_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: w._tips_job is None, timeout=60_000)
    assert [t.text for t in w.round_screen.tips.tips] == handcrafted(load_scenario("taco-demo"))
    _play_to_the_end(qtbot, w, "random")                        # some mistakes to retry
    assert "Round 2 of 2: Burger rush" == w.summary_screen.next_button.text()
    retries = w.summary_screen.retry_buttons
    assert retries and not any(b.isVisibleTo(w.summary_screen) for b in retries)   # arms differ in tips only
    assert [t.text for t in w.summary_screen.tips.tips] == handcrafted(load_scenario("burger"))
    w.close()
