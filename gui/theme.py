"""Colours, spacing and the style sheet: one place, so every screen matches."""
from __future__ import annotations

SPACING = 12          # between blocks
PAD = 10              # inside cards and lanes
RADIUS = 8

INK = "#1f2933"        # main text
MUTED = "#616e7c"      # secondary text
PAPER = "#f5f7fa"      # window background
CARD = "#ffffff"
LINE = "#d9e2ec"
ACCENT = "#2f6fde"     # selection, pending assignments, primary buttons
ACCENT_DARK = "#1d4fb0"

# One colour per task state; text on the fill must stay legible.
STATE_FILL = {
    "waiting": "#e4e7eb",
    "open": "#d3f9d8",
    "pending": "#dbe8ff",
    "busy": "#ffe8b3",
    "done": "#e3f2ef",
}
STATE_EDGE = {
    "waiting": "#9aa5b1",
    "open": "#2f9e44",
    "pending": ACCENT,
    "busy": "#e0a100",
    "done": "#7fb8ad",
}
STATE_WORD = {
    "waiting": "waiting",
    "open": "open",
    "pending": "assigned",
    "busy": "in progress",
    "done": "done",
}

VERDICT_COLOUR = {
    "best": "#2f9e44",
    "good": "#5c940d",
    "inaccuracy": "#e0a100",
    "mistake": "#e8590c",
    "blunder": "#c92a2a",
}

# Task-type colours for the drawn icons; types not named get one by hash.
TYPE_COLOUR = {
    "chop": "#2b8a3e", "cook": "#d9480f", "plate": "#1c7ed6", "boil": "#1098ad",
    "saute": "#e67700", "assemble": "#7048e8", "grill": "#c92a2a", "fry": "#f08c00",
}
SPARE_COLOURS = ["#5f3dc4", "#087f5b", "#a61e4d", "#364fc7", "#862e9c", "#2b8a3e"]


def type_colour(task_type: str) -> str:
    if task_type in TYPE_COLOUR:
        return TYPE_COLOUR[task_type]
    return SPARE_COLOURS[sum(map(ord, task_type)) % len(SPARE_COLOURS)]


STYLE_SHEET = f"""
QWidget {{ color: {INK}; font-size: 10pt; }}
QMainWindow, QDialog, #page {{ background: {PAPER}; }}
QLabel#title {{ font-size: 18pt; font-weight: 600; }}
QLabel#subtitle {{ color: {MUTED}; font-size: 11pt; }}
QLabel#section {{ font-size: 12pt; font-weight: 600; }}
QLabel#muted {{ color: {MUTED}; }}
QLabel#stat {{ font-size: 15pt; font-weight: 600; }}
QLabel#statLabel {{ color: {MUTED}; font-size: 9pt; }}
QFrame#panel {{ background: {CARD}; border: 1px solid {LINE}; border-radius: {RADIUS}px; }}
QFrame#topbar {{ background: {CARD}; border-bottom: 1px solid {LINE}; }}
QPushButton {{ background: {CARD}; border: 1px solid {LINE}; border-radius: 6px; padding: 6px 14px; }}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:disabled {{ color: #9aa5b1; }}
QPushButton:checked {{ background: #dbe8ff; border-color: {ACCENT}; font-weight: 600; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: none; font-weight: 600; }}
QPushButton#primary:hover {{ background: {ACCENT_DARK}; }}
QPushButton#primary:disabled {{ background: #9fb8e8; }}
QListWidget {{ background: {CARD}; border: 1px solid {LINE}; border-radius: 6px; padding: 4px; }}
QListWidget::item {{ padding: 6px; border-radius: 4px; }}
QListWidget::item:selected {{ background: #dbe8ff; color: {INK}; }}
QProgressBar {{ background: {LINE}; border: none; border-radius: 4px; max-height: 8px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 4px; }}
QScrollArea {{ background: transparent; border: none; }}
QLineEdit, QComboBox, QSpinBox {{ background: {CARD}; border: 1px solid {LINE}; border-radius: 6px; padding: 4px 6px; }}
QTableWidget {{ background: {CARD}; border: 1px solid {LINE}; gridline-color: {LINE}; }}
"""
