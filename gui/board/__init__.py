"""The board widget: orders, workers and counters for one moment of a round."""
from gui.board.view import BoardView, shown_tick

__all__ = ["BoardView", "shown_tick"]
