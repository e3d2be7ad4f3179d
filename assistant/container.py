"""The one place that builds objects from settings. Nothing is built at import time;
each component is created on first use and shared by the CLI and the web app."""
from __future__ import annotations

import threading
from functools import wraps

from assistant.settings import Settings
from knowledge.store.article_store import ArticleStore


def component(build):
    """Like ``functools.cached_property``, but built under the container's lock: the web
    app's worker threads and the warm-up thread may ask for the same component at once, and
    two search services or embedders would each load their models. Assignable, for tests."""
    name = build.__name__

    @wraps(build)
    def get(self):
        try:
            return self.__dict__[name]
        except KeyError:
            pass
        with self._lock:
            if name not in self.__dict__:
                self.__dict__[name] = build(self)
            return self.__dict__[name]

    def set_(self, value):
        self.__dict__[name] = value

    return property(get, set_)


class Container:
    """Lazily wires store, indexes and services for one XUEFA_HOME."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()

    @component
    def store(self) -> ArticleStore:
        return ArticleStore(self.settings.store_path)

    @component
    def embedder(self):
        from knowledge.embedders import build_embedder
        from knowledge.embedders.cached import CachedEmbedder
        from knowledge.embedders.embedding_cache import EmbeddingCache

        s = self.settings
        inner = build_embedder(s.embedder, s.embedder_model)
        return CachedEmbedder(inner, EmbeddingCache(s.embedding_cache_path))

    @component
    def vector_index(self):
        from knowledge.index.vector_index import VectorIndex

        return VectorIndex(self.settings.chroma_dir, self.embedder)

    @component
    def dense_indexer(self):
        from assistant.library.indexing import DenseIndexer

        return DenseIndexer(self.store, self.vector_index, self.embedder,
                            batch_size=self.settings.embed_batch_size,
                            per_paragraph=self.settings.embed_paragraphs)

    @component
    def background_embedding(self):
        from assistant.library.indexing import BackgroundEmbedding

        return BackgroundEmbedding(self.dense_indexer)

    @component
    def lexical_index(self):
        from knowledge.index.lexical_index import LexicalIndex

        return LexicalIndex(self.store, self.settings.lexical_dir)

    @component
    def search(self):
        from assistant.search.hybrid_retriever import RetrievalConfig
        from assistant.search.search_service import SearchService

        s = self.settings
        config = RetrievalConfig(fusion=s.search_fusion, rerank=s.search_rerank, question_weight=s.question_weight)
        return SearchService(self.store, self.lexical_index, self.vector_index if s.search_dense else None,
                             config=config, questions=self.question_matcher if s.search_questions else None)

    @component
    def question_bank(self):
        """Typical questions linked to articles: bundled + added by admins or feedback."""
        from knowledge.store.question_bank import QuestionBank

        return QuestionBank(self.store.engine, bundled=self.settings.questions_bundled)

    @component
    def questions(self):
        """QuestionService: add, import, list, delete bank questions; staff feedback."""
        from assistant.questions.question_service import QuestionService

        return QuestionService(self.question_bank, self.search)

    @component
    def question_matcher(self):
        from assistant.search.question_votes import QuestionMatcher

        return QuestionMatcher(self.question_bank, self.store, self.embedder)  # cached embedder

    def index_listeners(self) -> list:
        return [self.dense_indexer, self.lexical_index]

    @component
    def ingestion(self):
        from assistant.library.ingestion_service import IngestionService

        return IngestionService(self.store, max_file_bytes=self.settings.max_file_bytes,
                                listeners=self.index_listeners())

    @component
    def chat(self):
        """The configured LangChain chat model (OpenAI-compatible endpoint), or None."""
        if not self.settings.llm_configured:
            return None
        from assistant.answer.llm import build_chat_model

        return build_chat_model(self.settings)

    @component
    def answerer(self):
        """AnswerService: grounded answers with verified citations (LLM when configured)."""
        from assistant.answer.answer_service import AnswerService

        return AnswerService.from_container(self)

    # ---- users and the web app (issue 6) -------------------------------------------------
    @component
    def records(self):
        """Learning records and users (SQL database at settings.records_url)."""
        from knowledge.store.records import Records

        return Records(self.settings.records_url)

    @component
    def auth(self):
        from assistant.accounts.auth_service import AuthService

        return AuthService(self.records)

    @component
    def conversations(self):
        from assistant.answer.conversations import ConversationStore

        return ConversationStore(self.records)

    # ---- quizzes, exams and spaced review (issue 5) -----------------------------------
    @component
    def quiz(self):
        """QuizService. Hard distractors come from lexical search over the same law (no
        embedding model needed to make a paper), falling back to shared jieba tokens."""
        from assistant.quiz.neighbours import SearchNeighbors, TokenNeighbors
        from assistant.quiz.quiz_service import QuizService
        from assistant.search.search_service import SearchService
        from assistant.search.types import SearchFilters

        lexical = SearchService(self.store, self.lexical_index, None)
        neighbors = SearchNeighbors(lexical, self.store, fallback=TokenNeighbors(self.store))
        scenarios = None
        if self.chat is not None:
            from assistant.quiz.llm_cases import ScenarioGenerator

            def retrieve(stem, document):  # an LLM case must lead search back to its article
                hits = lexical.search(stem, top_k=10, filters=SearchFilters(laws=[document.title])).hits
                return [h.article.id for h in hits]

            scenarios = ScenarioGenerator(self.chat, retrieve=retrieve)
        return QuizService(self.store, neighbors, scenarios=scenarios)

    @component
    def learning(self):
        """LearningService: practice, mock exams, wrong-answer book, FSRS review, stats."""
        from assistant.learning.learning_service import LearningService

        return LearningService(self.records, self.quiz)
