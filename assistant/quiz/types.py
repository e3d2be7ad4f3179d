"""Typed records of the quiz engine: a generated question, the claims that ground it in its
article, the scope a paper is drawn from, and answer grading.

A question is only as good as its proof: every option (or the statement of a 判断 / the filled
sentence of a 填空) is backed by a :class:`Claim` saying which article it is checked against
and whether it must appear there verbatim. The quality checker verifies those claims against
the store, so a question never asserts anything its article does not say.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from knowledge.errors import XuefaError
from knowledge.legal.numerals import NUMERAL, cn_to_int

QTYPES = ("单选", "多选", "判断", "填空")
TRUE_FALSE = ("正确", "错误")
LETTERS = "ABCDEFGH"
BLANK = "（　　）"  # the marker a 填空 stem carries where the answer goes
ELLIPSIS = "……"  # joins verbatim segments of one article inside a shortened statement
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Claim:
    """What one option (or statement) asserts, and how to verify it against the store.

    ``holds`` is whether ``text`` (its ``……``-separated segments, in order) appears verbatim in
    article ``article_id``. For a controlled perturbation ``original`` is the verbatim text it
    was derived from and ``perturbation`` the kind of change (number / subject / modal /
    range); for a distractor borrowed from another article ``origin_id`` is that article.
    """

    text: str
    holds: bool
    article_id: int
    original: str = ""
    perturbation: str = ""
    origin_id: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Question:
    """One generated question, self-contained (stored with attempts so they can be reviewed).

    ``answer`` is a list of option letters for 单选/多选 (``["B"]``, ``["A", "C"]``), the
    string 正确/错误 for 判断, and the blank text for 填空. ``quote`` is the verbatim passage
    of the article the explanation cites; ``claims`` back each option (same order) or the
    single statement.
    """

    qtype: str
    stem: str
    options: list[str]
    answer: list[str] | str
    explanation: str
    law: str  # document title
    article: str  # label as cited: 第二十一条
    article_id: int
    doc_id: str
    generator: str
    difficulty: int = 2  # 1 易 2 中 3 难
    element: str = ""  # what the question tests: period / amount / body / modal / statement ...
    quote: str = ""
    claims: list[Claim] = field(default_factory=list)
    chapter: str = ""  # first heading of the article's path, for mastery per chapter
    meta: dict[str, Any] = field(default_factory=dict)
    id: str = ""

    def __post_init__(self):
        if self.qtype not in QTYPES:
            raise ValueError(f"unknown question type {self.qtype!r}")
        if not self.id:
            self.id = question_id(self)

    # ---- presentation -------------------------------------------------------------
    @property
    def letters(self) -> list[str]:
        return list(LETTERS[:len(self.options)])

    @property
    def answer_text(self) -> str:
        """The key as shown to a user: B / A、C / 正确 / 三十日."""
        if isinstance(self.answer, list):
            return "、".join(self.answer)
        return self.answer

    @property
    def citation(self) -> str:
        return f"《{self.law}》{self.article}"

    def render(self, number: int | None = None) -> str:
        """Plain-text rendering (CLI, paper export): stem then lettered options."""
        head = f"{number}. " if number is not None else ""
        lines = [f"{head}【{self.qtype}】{self.stem}"]
        if self.qtype in ("单选", "多选"):
            lines += [f"  {letter}. {opt}" for letter, opt in zip(self.letters, self.options)]
        elif self.qtype == "判断":
            lines.append("  A. 正确  B. 错误")
        return "\n".join(lines)

    # ---- grading ----------------------------------------------------------------------
    def normalize_response(self, response: Any) -> list[str] | str | None:
        """A user's answer in the key's form; None when empty or unreadable."""
        if response is None:
            return None
        if self.qtype in ("单选", "多选"):
            if isinstance(response, str):
                letters = [c for c in response.upper() if c in LETTERS]
            else:
                letters = [str(x).strip().upper() for x in response if str(x).strip()]
            valid = set(self.letters)
            letters = sorted({x for x in letters if x in valid})
            return letters or None
        text = response if isinstance(response, str) else "".join(map(str, response))
        text = text.strip()
        if not text:
            return None
        if self.qtype == "判断":
            return parse_true_false(text)
        return text

    def is_correct(self, response: Any) -> bool:
        """Grade a response: exact letters (多选 all-or-nothing), 正确/错误, or the blank text
        after normalization (spaces, full-width, 30 = 三十)."""
        got = self.normalize_response(response)
        if got is None:
            return False
        if self.qtype in ("单选", "多选"):
            return got == sorted(self.answer)
        if self.qtype == "判断":
            return got == self.answer
        return normalize_blank(got) == normalize_blank(self.answer)

    # ---- serialization ----------------------------------------------------------------
    def to_dict(self) -> dict:
        """Everything, for storage (records) and reloading with :meth:`from_dict`."""
        d = asdict(self)
        d["claims"] = [c.to_dict() for c in self.claims]
        return d

    def to_public_dict(self) -> dict:
        """The fields scripts consume (``xuefa quiz generate --json``)."""
        return {"id": self.id, "type": self.qtype, "stem": self.stem, "options": list(self.options),
                "answer": self.answer, "explanation": self.explanation, "law": self.law,
                "article": self.article, "generator": self.generator, "difficulty": self.difficulty,
                "element": self.element, "article_id": self.article_id}

    @classmethod
    def from_dict(cls, d: dict) -> "Question":
        d = dict(d)
        d["claims"] = [Claim(**c) for c in d.get("claims") or []]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class QuizScope:
    """Where questions are drawn from. Empty = every current document (statutes and rules).

    ``laws``: titles, short names or aliases (网安法); ``chapters``: text a heading of the
    article's path must contain (第六章 / 法律责任); ``doc_types``: 法律, 内部制度...;
    ``article_ids``: an explicit list (the wrong-answer book, the due queue);
    ``changes_since``: an ISO date (新修订): only the articles added or reworded since the
    version in force on that date.
    """

    laws: list[str] = field(default_factory=list)
    chapters: list[str] = field(default_factory=list)
    doc_types: list[str] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    changes_since: str = ""

    def __post_init__(self):
        self.changes_since = (self.changes_since or "").strip()
        if self.changes_since and not _valid_date(self.changes_since):
            raise XuefaError(f"日期格式应为 YYYY-MM-DD：{self.changes_since[:20]}")

    def to_dict(self) -> dict:
        return asdict(self)


def _valid_date(text: str) -> bool:
    try:
        return bool(_ISO_DATE.fullmatch(text)) and bool(dt.date.fromisoformat(text))
    except ValueError:
        return False


def question_id(q: Question) -> str:
    """Stable across stores and runs: depends on the law, the article and what is asked."""
    payload = json.dumps([q.law, q.article, q.qtype, q.stem, q.options, q.answer],
                         ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]


_TRUE = {"正确", "对", "是", "√", "✓", "✔", "t", "true", "y", "yes", "a", "1", "o"}
_FALSE = {"错误", "错", "否", "×", "✗", "✘", "x", "f", "false", "n", "no", "b", "0"}


def parse_true_false(text: str) -> str | None:
    key = unicodedata.normalize("NFKC", text).strip().lower().rstrip("。.")
    if key in _TRUE:
        return "正确"
    if key in _FALSE:
        return "错误"
    return None


_CN_NUM_RUN = re.compile(NUMERAL)
_DIGIT_TO_CN = str.maketrans("0123456789", "零一二三四五六七八九")


def normalize_blank(text: str) -> str:
    """Compare blanks loosely on form, strictly on content: NFKC, no spaces or punctuation,
    Chinese numerals as digits (三十日 == 30日 == 三 十 日)."""
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"[\s，。、；：,.;:“”\"'（）()《》]", "", s)

    def digits(m: re.Match) -> str:
        run = m.group(0)
        value = int(run) if run.isdigit() else cn_to_int(run.translate(_DIGIT_TO_CN))  # 1万 == 一万
        return str(value) if value is not None else m.group(0)

    return _CN_NUM_RUN.sub(digits, s)
