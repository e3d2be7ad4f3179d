"""Bounds on every piece of text a user types: checked in the services (so any path — web,
CLI, API client — is bounded) and reported as a clear message, never truncated unseen.

Defaults are generous for real use (a question of 2,000 characters is a long narrative) and
small enough that no input can tie up the search or the answer chain (a 1 M-character
question took minutes to search). The question and query limits are settings
(``XUEFA_MAX_QUESTION_CHARS``, ``XUEFA_MAX_QUERY_CHARS``); the others are fixed.
"""
from __future__ import annotations

from knowledge.errors import XuefaError

QUESTION_CHARS = 2000  # a question to the answer chain (chat, ask, question bank)
QUERY_CHARS = 2000  # a search query (the answer chain searches with the question)
ANSWER_CHARS = 200  # a 填空 answer (choices are letters)
FIELD_CHARS = 200  # a title, an issuer, a date, a filter: one line of a form


class InputTooLongError(XuefaError):
    """A user's input is longer than its limit (the message says how long and the limit)."""


def bounded(text: str | None, limit: int, what: str) -> str:
    """``text`` unchanged when at most ``limit`` characters; InputTooLongError otherwise."""
    text = "" if text is None else text
    if len(text) > limit:
        raise InputTooLongError(f"{what}过长：{len(text):,} 个字，最多 {limit:,} 个字。"
                                "请精简后再提交（不会自动截断）。")
    return text
