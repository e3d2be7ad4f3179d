"""The one tokenizer of legal text: jieba with the legal dictionary and one stopword list.

The lexical index, the answer chain and the quiz engine all cut text here, so a word is the
same word everywhere. Every ``LegalTokenizer`` owns a private ``jieba.Tokenizer``: jieba's
global dictionary is never touched, so no result depends on which feature ran first.

* ``knowledge/data/legal_terms.txt`` is the legal dictionary; an instance may add words on
  top (the lexical index adds the law names, aliases and defined terms of its store).
* ``STOPWORDS`` is the one stopword list (function words of statutes and of questions).
* ``shared_tokenizer()`` is the read-only instance for pure functions; built on first use.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterable

LEGAL_TERMS_FILE = Path(__file__).parents[1] / "data" / "legal_terms.txt"
# Changing how text is cut changes the tokens persisted by the lexical index: bump this
# when the code below cuts differently (dictionary and stopword edits are seen anyway).
CUTTING = 1
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")

# The one stopword list: words that never tell what a text or a question is about, dropped
# from search terms, topic terms and content tokens alike (idf would mostly mute them, but
# they add noise to colloquial questions). Chosen by measurement over the lexical, answer and
# quiz benchmarks: words that carry a rule in a statute (不, 不得, 应当, 以上, 以下, 规定, 法律,
# 情形, 前款…) stay searchable, because dropping them cost retrieval.
STOPWORDS = frozenset("""
的 了 是 在 和 与 对 于 由 从 被 把 及 或 并 等 之 其 所 以 为 而 则 即 但 又 也 都 就 还 只 才
我 你 您 他 她 它 我们 你们 他们 她们 它们 咱们 自己 本人 别人 大家 有人
这 那 此 这个 那个 这些 那些 这样 那样 这种 那种 个 一个 些 一些
什么 什么样 怎么 怎样 如何 怎么样 怎么办 怎么回事 为什么 为何 哪 哪些 哪个 哪里 哪儿 谁 多少 几 多久 多长 多长时间
吗 呢 吧 啊 呀 嘛 么 哦 呗 啦
请问 请 问 问一下 谢谢 你好 您好 麻烦 咨询 一下 律师 老师 想 想要 想问 知道 请教 告诉 觉得 问题 这种情况 事情 东西
有 没有 没 有没有 是不是 是否 能不能 可不可以 会不会 要不要 需不需要 可以 可否 能否 能 会 要 该 应该 需要 必须 得
如果 假如 要是 因为 为了 所以 但是 可是 然后 因此 而且 并且 或者 还是 那么 另外 还有 关于 对于 法律规定
现在 已经 一直 目前 当时 今天 昨天 明天 刚才 之后 以前 以后 时候 上述 上面 前面 一般 通常 主要 方面 等等
做 办 去 来 看 说 讲 让 干 弄 搞 着 过 再 太 很 更 最
""".split())


def is_content_word(token: str) -> bool:
    """A (lowercased) token made of letters, digits or CJK only, and not a stopword."""
    return token not in STOPWORDS and _WORD.fullmatch(token) is not None


def load_legal_terms() -> list[str]:
    """Words of the legal dictionary, in file order (``#`` starts a comment line)."""
    if not LEGAL_TERMS_FILE.exists():
        return []
    lines = LEGAL_TERMS_FILE.read_text(encoding="utf-8").splitlines()
    return [w for line in lines if not line.lstrip().startswith("#") for w in line.split()]


def fingerprint() -> str:
    """Changes whenever the tokens of a text may change: dictionary, stopwords, cutting, jieba."""
    import jieba

    key = "\n".join([str(CUTTING), jieba.__version__, *load_legal_terms(), "", *sorted(STOPWORDS)])
    return hashlib.sha1(key.encode()).hexdigest()[:12]


class LegalTokenizer:
    """A private jieba tokenizer with the legal dictionary plus ``words``; thread-safe.

    Adding words and cutting share one lock: jieba is not safe to mutate while it cuts.
    """

    def __init__(self, words: Iterable[str] = (), *, frozen: bool = False):
        import jieba

        jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict…" chatter on stderr
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self._pos = None  # part-of-speech tagger over the same dictionary, built on first use
        self._lock = threading.Lock()
        self.words: set[str] = set()
        self.frozen = False
        self.add_words(load_legal_terms())
        self.add_words(words)
        self.frozen = frozen

    def add_words(self, words: Iterable[str]) -> list[str]:
        """Add dictionary words (2 to 20 characters); returns the ones that were new."""
        if self.frozen:
            raise RuntimeError("the shared tokenizer is read-only: its tokens must not depend on its users")
        new = [w for w in dict.fromkeys(words) if w and 2 <= len(w) <= 20 and w not in self.words]
        with self._lock:
            for w in new:
                self._jieba.add_word(w)
                self.words.add(w)
        return new

    def search_tokens(self, text: str) -> list[str]:
        """Search-mode tokens (a compound and its parts), lowercased, blanks dropped."""
        if not text:
            return []
        with self._lock:
            raw = self._jieba.lcut_for_search(text)
        return [t.lower() for t in raw if t.strip()]

    def precise_tokens(self, text: str) -> list[str]:
        """Precise-mode tokens exactly as cut: they join back into ``text``."""
        if not text:
            return []
        with self._lock:
            return self._jieba.lcut(text)

    def content_terms(self, text: str) -> list[str]:
        """Search-mode tokens made of letters, digits or CJK only, stopwords dropped (repeats kept)."""
        return [t for t in self.search_tokens(text) if is_content_word(t)]

    def pos_tokens(self, text: str) -> list[tuple[str, str]]:
        """(word, part of speech) pairs in precise mode over the same dictionary."""
        if not text:
            return []
        with self._lock:
            if self._pos is None:
                import jieba.posseg

                self._pos = jieba.posseg.POSTokenizer(self._jieba)
            return [(p.word, p.flag) for p in self._pos.lcut(text)]


_SHARED_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _build_shared() -> LegalTokenizer:
    return LegalTokenizer(frozen=True)


def shared_tokenizer() -> LegalTokenizer:
    """The read-only tokenizer with the legal dictionary alone (built once, on first use)."""
    with _SHARED_LOCK:  # lru_cache alone may build twice when threads race on first use
        return _build_shared()
