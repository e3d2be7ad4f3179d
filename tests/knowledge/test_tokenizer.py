"""The one tokenizer: same tokens whatever ran first, jieba's global dictionary untouched,
one stopword list for every consumer, thread-safe."""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.answer.terms import content_terms, precise_terms
from assistant.quiz.text import content_tokens
from knowledge.legal import tokenizer as tokenizer_module
from knowledge.legal.tokenizer import STOPWORDS, LegalTokenizer, fingerprint, load_legal_terms, shared_tokenizer

ROOT = Path(__file__).resolve().parents[2]
QUIZ_TEXT = "依法支付经济补偿并承担责任"
TEXTS = ["用人单位现在已经应当依法向劳动者支付经济补偿。",
         "请问试用期最长多久？我想知道怎么办",
         "如果县级以上地方人民政府劳动行政部门已经负责监督管理",
         "网络运营者收集、使用个人信息，因此应当遵循合法、正当的原则。",
         "打印遗嘱有什么要求，是不是需要两个以上见证人"]


def _fresh_python(code: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_quiz_tokens_do_not_depend_on_what_ran_first():
    got = _fresh_python(f"""
import json
from assistant.quiz.text import tokens
from assistant.answer.terms import content_terms
before = list(tokens.__wrapped__({QUIZ_TEXT!r}))
content_terms("用人单位不支付经济补偿怎么办")  # the answer path tokenizes
after = list(tokens.__wrapped__({QUIZ_TEXT!r}))
print(json.dumps({{"before": before, "after": after}}))
""")
    assert got["before"] == got["after"]
    assert "经济补偿" in got["before"]


def test_global_jieba_dictionary_is_never_touched():
    got = _fresh_python("""
import json
import jieba
state = (jieba.dt.initialized, len(jieba.dt.FREQ))
from knowledge.legal.tokenizer import LegalTokenizer, shared_tokenizer
from assistant.answer.terms import content_terms, precise_terms, tokens
from assistant.quiz.text import content_tokens
from assistant.quiz.elements import bodies
text = "用人单位依法支付经济补偿，涉密载体由主管部门管理"
tok = shared_tokenizer()
tok.search_tokens(text), tok.precise_tokens(text), tok.pos_tokens(text)
LegalTokenizer(["某某管理办法"]).content_terms(text)
content_terms(text), precise_terms(text), tokens(text), content_tokens(text), bodies(text)
print(json.dumps({"before": state, "after": (jieba.dt.initialized, len(jieba.dt.FREQ)),
                  "legal": [w for w in ("经济补偿", "涉密载体", "某某管理办法") if w in jieba.dt.FREQ]}))
""")
    assert got["after"] == got["before"] == [False, 0]
    assert got["legal"] == []


def test_the_legal_dictionary_keeps_its_words_whole():
    words = load_legal_terms()
    assert {"经济补偿金", "涉密载体", "驾驶人", "无固定期限", "直接负责的主管人员", "吊销"} <= set(words)
    assert not any(w.startswith("#") or not w.strip() for w in words)  # comment lines are not words
    tok = shared_tokenizer()
    assert "经济补偿" in tok.precise_tokens(QUIZ_TEXT)
    assert {"用人单位", "经济补偿"} <= set(tok.search_tokens("用人单位支付经济补偿"))


@pytest.mark.parametrize("text", TEXTS)
def test_every_consumer_drops_the_same_stopwords(text):
    assert {t for t in shared_tokenizer().search_tokens(text) if len(t) > 1} & STOPWORDS  # something to drop
    index_terms = LegalTokenizer().content_terms(text)
    for terms in (index_terms, content_terms(text), precise_terms(text), content_tokens(text)):
        assert terms and not set(terms) & STOPWORDS, terms


def test_stopwords_drop_question_filler_and_keep_what_a_rule_says():
    tok = shared_tokenizer()
    assert tok.content_terms("请问试用期最长多久") == ["试用", "试用期", "最长"]
    assert {"不得", "应当", "以上"} <= set(tok.content_terms("用人单位不得扣押证件，应当在三日以上"))


def test_the_shared_tokenizer_is_read_only():
    with pytest.raises(RuntimeError):
        shared_tokenizer().add_words(["某某条例"])
    private = LegalTokenizer(["某某条例"])
    assert "某某条例" in private.precise_tokens("依照某某条例处理")
    assert "某某条例" not in shared_tokenizer().precise_tokens("依照某某条例处理")


def _cut_all(tok: LegalTokenizer, text: str) -> tuple:
    return tok.search_tokens(text), tok.precise_tokens(text), tok.pos_tokens(text), tok.content_terms(text)


def test_threads_get_what_serial_use_gets():
    tok = LegalTokenizer(["劳动行政部门"])
    serial = [_cut_all(tok, t) for t in TEXTS * 4]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda t: _cut_all(tok, t), TEXTS * 4))
    assert threaded == serial


def test_first_use_from_many_threads_builds_one_shared_tokenizer():
    got = _fresh_python(f"""
import json
from concurrent.futures import ThreadPoolExecutor
from knowledge.legal.tokenizer import shared_tokenizer
texts = {TEXTS!r} * 4
def cut(text):
    tok = shared_tokenizer()
    return id(tok), tok.search_tokens(text), tok.precise_tokens(text), tok.pos_tokens(text)
with ThreadPoolExecutor(max_workers=8) as pool:
    threaded = list(pool.map(cut, texts))
serial = [cut(t) for t in texts]
print(json.dumps({{"ids": len({{r[0] for r in threaded + serial}}),
                  "same": [r[1:] for r in threaded] == [r[1:] for r in serial]}}))
""")
    assert got == {"ids": 1, "same": True}


def test_fingerprint_follows_dictionary_and_stopwords(tmp_path, monkeypatch):
    before = fingerprint()
    terms = tmp_path / "legal_terms.txt"
    terms.write_text("# legal terms\n" + "\n".join(load_legal_terms()) + "\n某某条例\n", encoding="utf-8")
    monkeypatch.setattr(tokenizer_module, "LEGAL_TERMS_FILE", terms)
    with_word = fingerprint()
    assert with_word != before
    monkeypatch.setattr(tokenizer_module, "STOPWORDS", STOPWORDS | {"某某"})
    assert fingerprint() not in (before, with_word)
