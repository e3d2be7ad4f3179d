"""Papers from a blueprint: the asked number of checked questions of each type, never one
question twice, and options shuffled per person with the key following its option."""
from __future__ import annotations

import dataclasses
import hashlib
import random
import re

from assistant.exams.types import Blueprint
from assistant.quiz.quiz_service import QuizService
from assistant.quiz.types import LETTERS, Question
from knowledge.errors import XuefaError


class ShortPaperError(XuefaError):
    """The scope yields fewer valid questions than the blueprint asks for."""

    def __init__(self, wanted: dict[str, int], got: dict[str, int]):
        self.wanted, self.got = wanted, got
        short = "；".join(f"{t}要 {n} 道，只生成了 {got.get(t, 0)} 道" for t, n in wanted.items() if got.get(t, 0) < n)
        super().__init__(f"所选范围内合格的题目不够：{short}。请扩大范围或减少题量。")


def draw_paper(quiz: QuizService, blueprint: Blueprint, seed: int) -> list[Question]:
    """The paper for ``seed``: per type in paper order, each type drawn with its own seeded
    generator; ShortPaperError when any type comes short."""
    questions: list[Question] = []
    got: dict[str, int] = {}
    for qtype in blueprint.types():
        wanted = blueprint.counts[qtype]
        drawn = quiz.generate(blueprint.scope, wanted, [qtype], seed=_type_seed(seed, qtype), exam=True,
                              exclude_ids=[q.id for q in questions])
        got[qtype] = len(drawn)
        questions += drawn
    if any(got[t] < blueprint.counts[t] for t in blueprint.types()):
        raise ShortPaperError({t: blueprint.counts[t] for t in blueprint.types()}, got)
    return questions


def person_seed(exam_seed: int, user_id: int, attempt_no: int) -> int:
    """The recorded seed of one person's paper (and option order)."""
    digest = hashlib.sha1(f"{exam_seed}:{user_id}:{attempt_no}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1


def _type_seed(seed: int, qtype: str) -> int:
    return int.from_bytes(hashlib.sha1(f"{seed}:{qtype}".encode()).digest()[:4], "big") >> 1


def shuffle_options(questions: list[Question], seed: int) -> list[Question]:
    """Each choice question with its options in a seeded order and the key relettered; the
    variant keeps the drawn question's id in ``meta["base_id"]`` (results group by it)."""
    rng = random.Random(seed)
    return [_shuffled(q, rng) if q.qtype in ("单选", "多选") and len(q.options) > 1 else q for q in questions]


def _shuffled(q: Question, rng: random.Random) -> Question:
    order = list(range(len(q.options)))
    rng.shuffle(order)
    if order == sorted(order):
        return q
    old_letters = q.letters
    new_letter = {old_letters[old]: LETTERS[new] for new, old in enumerate(order)}
    claims = [q.claims[i] for i in order] if len(q.claims) == len(q.options) else q.claims
    explanation = _OPTION_NOTE.sub(lambda m: new_letter.get(m.group(1), m.group(1)) + "项", q.explanation)
    return dataclasses.replace(q, options=[q.options[i] for i in order], claims=claims, explanation=explanation,
                               answer=sorted(new_letter[a] for a in q.answer),
                               meta={**q.meta, "base_id": base_id(q)}, id="")


# the explanation's notes on single options ("B项改动了条文…") follow their option
_OPTION_NOTE = re.compile(r"(?<![A-Za-z])([A-H])项")


def base_id(q: Question) -> str:
    """The id of the question as drawn, before its options were shuffled."""
    return q.meta.get("base_id") or q.id
