"""Records: trainees, sessions, rounds and every decision, stored with SQLAlchemy."""
