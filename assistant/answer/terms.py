"""Words of a question and of legal text: jieba tokens, what the question asks for (deadline,
amount, penalty, responsible body, permission, an article's text), and document frequencies
over the store (to weigh terms). Shared by the rewriter, the extractive answerer and the no-evidence check."""
from __future__ import annotations

import json
import logging
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from knowledge.legal.citations import CITED_ARTICLE_RE

log = logging.getLogger(__name__)

_JIEBA_LOCK = threading.Lock()
_JIEBA_READY = False


def _jieba():
    global _JIEBA_READY
    import jieba

    if not _JIEBA_READY:
        with _JIEBA_LOCK:
            if not _JIEBA_READY:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                for word in LEGAL_WORDS:
                    jieba.add_word(word)
                _JIEBA_READY = True
    return jieba


# Terms jieba splits badly and that matter for finding the right sentence.
LEGAL_WORDS = ("试用期", "经济补偿", "经济补偿金", "劳动报酬", "用人单位", "劳动者", "网络运营者",
               "个人信息", "国家秘密", "涉密载体", "涉密人员", "机动车", "驾驶人", "非机动车",
               "无固定期限", "违约金", "诉讼时效", "监护人", "法定代表人", "行政处罚", "行政复议",
               "政府信息", "社会保险", "工伤保险", "失业保险", "医疗期", "竞业限制", "劳务派遣",
               "直接负责的主管人员", "直接责任人员", "主管部门", "罚款", "拘留", "吊销")

# Function words of questions; never evidence of a topic.
STOPWORDS = frozenset("""
的 了 是 吗 呢 啊 吧 呀 哦 嘛 么 着 过 和 与 及 或 或者 以及 也 都 就 还 又 再 很 太 更 最 被 把 给 让 对 对于 关于
在 从 向 到 于 以 为 为了 因为 所以 如果 要是 假如 但是 但 而 而且 并且 然后 那 那么 那么 这 这个 那个 这样 那样 这种 那种
这些 那些 此 其 该 它 他 她 他们 她们 它们 我 我们 你 你们 您 自己 本人 大家 别人 有人 什么 怎么 怎么办 怎么样 怎样
如何 为何 为什么 哪 哪些 哪个 哪里 哪儿 谁 多少 几 多久 多长 多长时间 是否 能否 可否 能不能 可不可以 是不是 有没有
请问 请教 咨询 想问 问 一下 一个 一些 有 没有 没 不 要 会 能 可以 应该 需要 需不需要 必须 吗 规定 法律 法律规定 相关
知道 告诉 现在 目前 已经 之前 之后 以后 以前 时候 情况 问题 这种情况 事情 东西 办 做 干 搞 弄 去 来 说 讲 看 想 觉得
今天 昨天 明天 上述 刚才 前面 上面 以上 以下 等 等等 呢 还有 另外 其他 什么样 具体 一般 通常 主要 方面 怎么回事
""".split())

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
_WORDLIKE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def tokens(text: str) -> list[str]:
    """jieba search-mode tokens of ``text`` (overlapping sub-words kept), lowercased."""
    return [t.lower() for t in _jieba().lcut_for_search(text or "") if t.strip()]


def content_terms(text: str) -> list[str]:
    """Distinct tokens that can carry a topic: no stopwords, no single characters, no punctuation."""
    seen: dict[str, None] = {}
    for t in tokens(text):
        if len(t) < 2 or t in STOPWORDS or not _WORDLIKE.search(t) or t.isdigit():
            continue
        seen.setdefault(t, None)
    return list(seen)


def precise_terms(text: str) -> list[str]:
    """Non-overlapping content words (jieba precise mode): for rewriting and display."""
    out: dict[str, None] = {}
    for t in _jieba().lcut(text or ""):
        t = t.strip().lower()
        if len(t) >= 2 and t not in STOPWORDS and _WORDLIKE.search(t) and not t.isdigit():
            out.setdefault(t, None)
    return list(out)


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
    beside the store when ``cache_path`` is given.
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
        version = store.version()
        if cache_path and cache_path.exists():
            try:
                data = json.loads(cache_path.read_text("utf-8"))
                if data.get("version") == version:
                    return cls(data["df"], data["n_docs"], version)
            except (OSError, ValueError, KeyError):
                log.warning("ignoring unreadable term statistics cache %s", cache_path)
        stats = cls.from_texts((a.text for a, _ in store.iter_articles(current_only=True)), version)
        if cache_path:
            try:
                tmp = cache_path.with_suffix(".tmp")
                tmp.write_text(json.dumps({"version": version, "n_docs": stats.n_docs, "df": stats.df},
                                          ensure_ascii=False), "utf-8")
                tmp.replace(cache_path)
            except OSError:
                log.warning("could not write term statistics cache %s", cache_path)
        return stats

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log((self.n_docs + 1) / (df + 0.5))

    def max_idf(self) -> float:
        return math.log((self.n_docs + 1) / 0.5)
