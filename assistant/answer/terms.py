"""Words of a question and of legal text: jieba tokens, what the question asks for (deadline,
amount, penalty, responsible body, permission, an article's text), and document frequencies
over the store (to weigh terms). Shared by the rewriter, the extractive answerer and the no-evidence check."""
from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from knowledge.legal.citations import CITED_ARTICLE_RE
from knowledge.legal.tokenizer import fingerprint, is_content_word, shared_tokenizer

log = logging.getLogger(__name__)

# What the question asks for -> interrogative cues in the question, and words marking a sentence
# that answers it. Kinds are tried in this order (a deadline question may mention 处罚, a
# penalty question 数额): the first kind with a cue is the question's main kind.
INTENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "deadline": (("多久", "多长时间", "多长", "几天", "几日", "多少天", "多少日", "几个月", "多少个月", "几年",
                  "多少年", "几小时", "多少小时", "什么时候", "何时", "时效", "期限是", "期限为", "日内", "几周"),
                 ("日内", "日起", "之日", "期限", "时效", "个月", "年内", "以内", "不超过", "不得超过",
                  "届满", "期间", "日前", "小时", "日", "月", "年")),
    "amount": (("多少钱", "几倍", "多少倍", "赔多少", "赔偿多少", "补偿多少", "罚多少", "罚款多少", "多少元",
                "标准是多少", "标准是什么", "什么标准", "金额", "数额是", "比例", "百分之多少", "怎么计算", "如何计算",
                "怎么算", "费用是多少"),
               ("元", "倍", "百分之", "％", "%", "标准", "数额", "金额", "工资", "支付", "计算", "比例")),
    "responsible": (("谁", "哪个部门", "哪个机关", "哪些部门", "哪些机关", "什么部门", "什么机关", "由什么",
                     "哪一级", "哪级", "主管部门是", "归哪"),
                    ("负责", "主管", "部门", "机关", "职责", "监督管理", "由", "统筹", "协调", "承担")),
    "permission": (("能不能", "能否", "可否", "可不可以", "是否可以", "是否需要", "需不需要", "是否应当",
                    "应不应该", "应不应当", "有没有权", "是否有权", "行不行", "合法吗", "违法吗", "算不算",
                    "允许吗", "是否允许", "是否必须", "要不要"),
                   ("可以", "不得", "应当", "禁止", "有权", "必须", "无权", "不需", "不能", "允许")),
    "penalty": (("怎么处罚", "如何处罚", "怎样处罚", "什么处罚", "哪些处罚", "处罚是什么", "怎么罚", "怎么处理",
                 "什么责任", "法律责任", "什么后果", "后果", "处分", "追究", "坐牢", "判刑", "判几年", "被罚"),
                ("处罚", "罚款", "责令", "警告", "拘留", "吊销", "没收", "处分", "追究", "刑事责任",
                 "法律责任", "赔偿", "违反", "处", "承担")),
}
# "…可以…吗": a yes/no question about what is allowed or required
_PERMISSION_YES_NO = re.compile(r"(?:可以|必须|允许|需要|应当|能|禁止|要|得).{0,30}[吗么][？?！!。]?\s*$")

_PUNCT = re.compile(r"[\s，。；：？！、,.;:?!（）()《》〈〉<>【】\[\]“”\"'‘’「」『』…—\-·]+")


def tokens(text: str) -> list[str]:
    """Search-mode tokens of ``text`` (overlapping sub-words kept), lowercased."""
    return shared_tokenizer().search_tokens(text or "")


def _topical(token: str) -> bool:
    # single characters and bare numbers never make a topic on their own
    return len(token) >= 2 and not token.isdigit()


def content_terms(text: str) -> list[str]:
    """Distinct tokens that can carry a topic: no stopwords, no single characters, no punctuation."""
    return list(dict.fromkeys(t for t in shared_tokenizer().content_terms(text or "") if _topical(t)))


def precise_terms(text: str) -> list[str]:
    """Non-overlapping content words (precise mode): for rewriting and display."""
    tok = shared_tokenizer()
    words = (t.strip().lower() for t in tok.precise_tokens(text or ""))
    return list(dict.fromkeys(t for t in words if _topical(t) and is_content_word(t)))


@dataclass
class QuestionIntent:
    """What a question asks for; ``kinds`` in order of the cue found first."""

    kinds: list[str] = field(default_factory=list)
    asks_article: bool = False  # 第N条 in the question: what does article N say

    @property
    def primary(self) -> str:
        if self.asks_article and not self.kinds:
            return "article"
        return self.kinds[0] if self.kinds else "general"

    def answer_cues(self) -> tuple[str, ...]:
        cues: list[str] = []
        for k in self.kinds:
            cues.extend(INTENTS[k][1])
        return tuple(cues)


def question_intent(question: str) -> QuestionIntent:
    q = question or ""
    kinds = [kind for kind, (asks, _) in INTENTS.items() if any(w in q for w in asks)]
    if "permission" not in kinds and _PERMISSION_YES_NO.search(q):
        kinds.append("permission")
        kinds.sort(key=list(INTENTS).index)
    return QuestionIntent(kinds=kinds, asks_article=bool(CITED_ARTICLE_RE.search(q)))


def strip_punct(text: str) -> str:
    return _PUNCT.sub("", text or "")


class TermStats:
    """Document frequency of tokens over the current articles of a store (for term weights).

    Built once per store version (a few seconds for the full statute base) and cached as JSON
    beside the store when ``cache_path`` is given; the cache also keys on the tokenizer, whose
    dictionary decides what the tokens are.
    """

    def __init__(self, df: dict[str, int], n_docs: int, version: int = -1):
        self.df = df
        self.n_docs = max(n_docs, 1)
        self.version = version

    @classmethod
    def from_texts(cls, texts: Iterable[str], version: int = -1) -> "TermStats":
        df: Counter = Counter()
        n = 0
        for text in texts:
            n += 1
            df.update({t for t in tokens(text) if len(t) >= 2})
        return cls(dict(df), n, version)

    @classmethod
    def for_store(cls, store, cache_path: Path | None = None) -> "TermStats":
        version, tokenizer = store.version(), fingerprint()
        if cache_path and cache_path.exists():
            try:
                data = json.loads(cache_path.read_text("utf-8"))
                if data.get("version") == version and data.get("tokenizer") == tokenizer:
                    return cls(data["df"], data["n_docs"], version)
            except (OSError, ValueError, KeyError):
                log.warning("ignoring unreadable term statistics cache %s", cache_path)
        stats = cls.from_texts((a.text for a, _ in store.iter_articles(current_only=True)), version)
        if cache_path:
            try:
                tmp = cache_path.with_suffix(".tmp")
                tmp.write_text(json.dumps({"version": version, "tokenizer": tokenizer, "n_docs": stats.n_docs,
                                           "df": stats.df}, ensure_ascii=False), "utf-8")
                tmp.replace(cache_path)
            except OSError:
                log.warning("could not write term statistics cache %s", cache_path)
        return stats

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log((self.n_docs + 1) / (df + 0.5))

    def max_idf(self) -> float:
        return math.log((self.n_docs + 1) / 0.5)
