"""Term statistics are cached per store version and per tokenizer."""
from __future__ import annotations

from assistant.answer import terms
from assistant.answer.terms import TermStats
from search_fixtures import make_store


def test_term_statistics_cache_follows_the_tokenizer(tmp_path, monkeypatch):
    store = make_store(tmp_path / "k.db", ("中华人民共和国网络安全法",))
    cache = tmp_path / "stats.json"
    built = []
    original = TermStats.from_texts.__func__

    def counting(cls, texts, version=-1):
        built.append(version)
        return original(cls, texts, version)

    monkeypatch.setattr(TermStats, "from_texts", classmethod(counting))
    first = TermStats.for_store(store, cache)
    assert TermStats.for_store(store, cache).df == first.df and len(built) == 1  # read back from the cache
    monkeypatch.setattr(terms, "fingerprint", lambda: "another dictionary")
    TermStats.for_store(store, cache)
    assert len(built) == 2  # tokens may differ now: counted again
    store.close()
