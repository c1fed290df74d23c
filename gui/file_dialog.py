"""File dialogs that never read the files they list.

Qt's file dialog (and any QFileSystemModel, e.g. behind a path completer)
names each file's icon and type by its MIME type, and QMimeDatabase opens a
file and reads its first bytes whenever the name alone is not conclusive
(`records.db-wal`, `records.db-shm`, often `records.db` itself). On POSIX a
close() of any descriptor drops every lock the process holds on that file,
so merely listing the folder of the records database dropped SQLite's locks:
another process then took the database for unused, checkpointed it and
deleted the write-ahead log the app was still writing into, and the app's
next rounds vanished when it exited (issue 11).

So every file dialog in gui/ is made here: non-native (a platform dialog may
sniff files inside this process too) and with icons and type names taken
from the name alone; a QFileSystemModel (say, behind a path completer) must
get `NameOnlyIcons` too. tests/test_gui_file_dialogs.py keeps gui/ from
building either any other way.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QFileInfo
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget


class NameOnlyIcons(QFileIconProvider):
    """A folder or a plain file icon, and "PDF file"-style type names: nothing
    that needs a file's contents."""

    def icon(self, what):
        if isinstance(what, QFileInfo):
            what = QFileIconProvider.IconType.Folder if what.isDir() else QFileIconProvider.IconType.File
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        return f"{info.suffix().upper()} file" if info.suffix() else "File"


def file_dialog(parent: QWidget | None, caption: str, start: str, filters: str, *,
                save: bool = True, confirm_overwrite: bool = True) -> QFileDialog:
    """`start`: a folder, or a file to propose (in its folder)."""
    # Qt lists the folder it is built on at once (and fills in a proposed file
    # name, looking the file up), before any icon provider can be set: so it is
    # built on an empty folder and only sent to `start` once it names by name.
    with tempfile.TemporaryDirectory(prefix="kitchen-coach-") as empty:
        dialog = QFileDialog(parent, caption, empty, filters)
        # Qt does not own the provider; the dialog keeps it alive for as long as it lists files
        dialog._icons = NameOnlyIcons()
        dialog.setIconProvider(dialog._icons)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, not confirm_overwrite)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
    where = Path(start).expanduser().absolute()
    if where.is_dir():
        dialog.setDirectory(str(where))
    else:
        dialog.setDirectory(str(where.parent))
        dialog.selectFile(where.name)
    return dialog


def save_file_name(parent: QWidget | None, caption: str, start: str, filters: str, *,
                   confirm_overwrite: bool = True) -> str:
    """Like QFileDialog.getSaveFileName: the chosen path, or "" when cancelled."""
    dialog = file_dialog(parent, caption, start, filters, confirm_overwrite=confirm_overwrite)
    try:
        return dialog.selectedFiles()[0] if dialog.exec() and dialog.selectedFiles() else ""
    finally:
        dialog.deleteLater()

