"""xuefa services (ingestion, search, answers, quizzes, learning) and their edges (CLI, web app)."""

__version__ = "0.1.0"
