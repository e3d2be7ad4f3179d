"""The one place that builds objects from settings. Nothing is built at import time;
each component is created on first use and shared by the CLI and the web app.

Services get their components here and never see the container; the edges (CLI commands,
the web app) use services only: ``c.library``, ``c.ingestion``, ``c.search``, ``c.answerer``,
``c.conversations``, ``c.questions``, ``c.quiz``, ``c.learning``, ``c.exams``, ``c.study``, ``c.auth``,
``c.depts``, ``c.dashboard``, ``c.citations``, or all of them at once as ``c.services`` (what the web app is
built from).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING

from assistant.settings import Settings
from knowledge.private_files import private_dir
from knowledge.store.article_store import ArticleStore

if TYPE_CHECKING:
    from assistant.accounts.auth_service import AuthService
    from assistant.accounts.departments import DepartmentService
    from assistant.answer.answer_service import AnswerService
    from assistant.answer.conversations import ConversationStore
    from assistant.citations.citation_service import CitationService
    from assistant.exams.exam_service import ExamService
    from assistant.learning.learning_service import LearningService
    from assistant.library.ingestion_service import IngestionService
    from assistant.library.library_service import LibraryService
    from assistant.office.dashboard_service import OfficeDashboard
    from assistant.questions.question_service import QuestionService
    from assistant.quiz.quiz_service import QuizService
    from assistant.revisions.revision_service import RevisionService
    from assistant.search.search_service import SearchService
    from assistant.study.study_service import StudyService


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


@dataclass(frozen=True)
class Services:
    """The services of one XUEFA_HOME, and the settings they were built from."""

    settings: Settings
    auth: AuthService
    depts: DepartmentService
    library: LibraryService
    ingestion: IngestionService
    search: SearchService
    answerer: AnswerService
    conversations: ConversationStore
    questions: QuestionService
    quiz: QuizService
    learning: LearningService
    exams: ExamService
    study: StudyService
    dashboard: OfficeDashboard
    revisions: RevisionService
    citations: CitationService


class Container:
    """Lazily wires store, indexes and services for one XUEFA_HOME."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        private_dir(self.settings.home)  # 0700: records, rules and indexes are the owner's only
        self._lock = threading.RLock()

    @component
    def store(self) -> ArticleStore:
        return ArticleStore(self.settings.store_url or self.settings.store_path)

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

        return VectorIndex(private_dir(self.settings.chroma_dir), self.embedder, server=self.chroma_server)

    @property
    def chroma_server(self):
        """The Chroma server the settings name, or None for the embedded index under home."""
        s = self.settings
        if not s.chroma_server:
            return None
        from knowledge.index.vector_index import ChromaServer

        return ChromaServer(host=s.chroma_host, port=s.chroma_port, ssl=s.chroma_ssl, token=s.chroma_token,
                            auth_header=s.chroma_auth_header, tenant=s.chroma_tenant, database=s.chroma_database)

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
    def library_indexes(self):
        from assistant.library.library_service import LibraryIndexes

        return LibraryIndexes(self.dense_indexer, self.vector_index, self.lexical_index, self.background_embedding)

    @component
    def library(self) -> LibraryService:
        """The one LibraryService: reading laws and articles, index status, embedding runs."""
        from assistant.library.library_service import LibraryService

        return LibraryService(self.store, indexes=lambda: self.library_indexes)

    @component
    def revisions(self) -> RevisionService:
        """RevisionService: versions of a law compared article by article (修订对照)."""
        from assistant.revisions.revision_service import RevisionService

        return RevisionService(self.store, find=self.library.find, versions=self.library.versions,
                               max_file_bytes=self.settings.max_file_bytes)

    @component
    def search(self):
        from assistant.search.hybrid_retriever import RetrievalConfig
        from assistant.search.search_service import SearchService

        s = self.settings
        config = RetrievalConfig(fusion=s.search_fusion, rerank=s.search_rerank, question_weight=s.question_weight)
        return SearchService(self.store, self.lexical_index, self.vector_index if s.search_dense else None,
                             config=config, questions=self.question_matcher if s.search_questions else None,
                             revisions=self.revisions, max_query_chars=s.max_query_chars)

    @component
    def question_bank(self):
        """Typical questions linked to articles: bundled + added by admins or feedback."""
        from knowledge.store.question_bank import QuestionBank

        return QuestionBank(self.store.engine, bundled=self.settings.questions_bundled)

    @component
    def questions(self):
        """QuestionService: add, import, list, delete bank questions; staff feedback."""
        from assistant.questions.question_service import QuestionService

        return QuestionService(self.question_bank, self.search, self.library)

    @component
    def question_matcher(self):
        from assistant.search.question_votes import QuestionMatcher

        return QuestionMatcher(self.question_bank, self.store, self.embedder)  # cached embedder

    def index_listeners(self) -> list:
        return [self.dense_indexer, self.lexical_index, self.citations, self.revised_cards]

    @component
    def revised_cards(self):
        """Review cards follow their articles into a law's new version (ingestion listener)."""
        from assistant.learning.revised_cards import RevisedCards
        from knowledge.store.card_notes import CardNotes

        return RevisedCards(self.store, lambda: CardNotes(self.records))

    @component
    def citations(self):
        """CitationService: the national laws internal rules cite, and the rules to review."""
        from assistant.citations.citation_service import CitationService
        from knowledge.store.citation_links import CitationLinks

        return CitationService(self.store, CitationLinks(self.store))

    @component
    def ingestion(self):
        from assistant.library.ingestion_service import IngestionService
        from ingest.parsers import ParseLimits

        s = self.settings
        return IngestionService(self.store, max_file_bytes=s.max_file_bytes, listeners=self.index_listeners(),
                                audit=self.audit,
                                parse_limits=ParseLimits(seconds=s.parse_timeout_s, memory_mb=s.parse_memory_mb))

    @component
    def chat(self):
        """The configured LangChain chat model (OpenAI-compatible endpoint), or None."""
        if not self.settings.llm_configured:
            return None
        from assistant.answer.llm import build_chat_model

        return build_chat_model(self.settings)

    @component
    def answer_verifier(self):
        from assistant.answer.verifier import CitationVerifier

        return CitationVerifier(self.store)

    @component
    def answerer(self):
        """AnswerService: grounded answers with verified citations (LLM when configured)."""
        from assistant.answer.answer_service import STATS_FILE, AnswerService
        from assistant.answer.follow_ups import QuestionRewriter
        from assistant.answer.llm import LLMAnswerer

        s, verifier = self.settings, self.answer_verifier
        llm_answerer = None
        if self.chat is not None:
            llm_answerer = LLMAnswerer(self.chat, timeout=s.llm_timeout, endpoint=s.llm_base_url or "")
        return AnswerService(self.store, self.search, verifier=verifier, llm_answerer=llm_answerer,
                             rewriter=QuestionRewriter(verifier.finder, llm=self.chat),
                             stats_cache=s.home / STATS_FILE, max_question_chars=s.max_question_chars)

    # ---- users --------------------------------------------------------------------------
    @component
    def records(self):
        """Learning records and users (SQL database at settings.records_url)."""
        from knowledge.store.records import Records

        return Records(self.settings.records_url)

    @component
    def audit(self):
        """The admin action log (in the records database)."""
        from knowledge.store.audit import AuditLog

        return AuditLog(self.records)

    @component
    def departments(self):
        """Departments and who belongs to which (in the records database)."""
        from knowledge.store.departments import Departments

        return Departments(self.records)

    @component
    def auth(self):
        import datetime as dt

        from assistant.accounts.auth_service import AuthService
        from assistant.accounts.sessions import SessionPolicy

        s = self.settings
        policy = SessionPolicy(idle=dt.timedelta(minutes=s.session_idle_minutes),
                               absolute=dt.timedelta(hours=s.session_max_hours))
        return AuthService(self.records, departments=self.departments, audit=self.audit, sessions=policy,
                           initial_password_file=s.initial_password_path)

    @component
    def depts(self):
        """DepartmentService: departments and users' membership, every change in the audit log."""
        from assistant.accounts.departments import DepartmentService

        return DepartmentService(self.departments, self.records, self.audit)

    @component
    def conversations(self):
        from assistant.answer.conversations import ConversationStore

        return ConversationStore(self.records)

    # ---- quizzes, exams and spaced review -------------------------------------------------
    @component
    def lexical_search(self):
        """Search without the vector index: quiz distractors and LLM cases need no embedding model."""
        from assistant.search.search_service import SearchService

        return SearchService(self.store, self.lexical_index, None)

    @component
    def quiz(self) -> QuizService:
        """QuizService. Hard distractors come from lexical search over the same law (no
        embedding model needed to make a paper), falling back to shared jieba tokens."""
        from assistant.quiz.neighbours import SearchNeighbors, TokenNeighbors
        from assistant.quiz.quality import QualityChecker
        from assistant.quiz.quiz_service import QuizService

        neighbors = SearchNeighbors(self.lexical_search, self.store, fallback=TokenNeighbors(self.store))
        return QuizService(self.store, self.library, neighbors=neighbors, checker=QualityChecker(self.store),
                           scenarios=self.scenarios)

    @component
    def scenarios(self):
        """LLM case questions (None without an LLM); each must lead search back to its article."""
        if self.chat is None:
            return None
        from assistant.quiz.llm_cases import ScenarioGenerator
        from assistant.search.types import SearchFilters

        def retrieve(stem, document):
            hits = self.lexical_search.search(stem, top_k=10, filters=SearchFilters(laws=[document.title])).hits
            return [h.article.id for h in hits]

        return ScenarioGenerator(self.chat, retrieve=retrieve)

    @component
    def learning(self):
        """LearningService: practice, mock exams, wrong-answer book, FSRS review, stats."""
        from assistant.learning.learning_service import LearningService

        return LearningService(self.records, self.quiz)

    @component
    def office_exams(self):
        from knowledge.store.office_exams import OfficeExams

        return OfficeExams(self.records)

    @component
    def exams(self):
        """ExamService: exams admins set for the office, taken on the server's clock."""
        from assistant.exams.exam_service import ExamService

        return ExamService(self.records, self.office_exams, self.quiz, self.learning, members=self.departments,
                           audit=self.audit)

    @component
    def study_records(self):
        from knowledge.store.study import StudyRecords

        return StudyRecords(self.records)

    @component
    def study(self):
        """StudyService: study lists, the daily session, progress and active time."""
        from assistant.study.daily import DailyConfig
        from assistant.study.study_service import StudyService

        s = self.settings
        return StudyService(self.study_records, self.records, self.library, self.quiz, self.learning,
                            members=self.departments, audit=self.audit, tz=s.tz,
                            daily=DailyConfig(items=s.study_items, min_new=s.study_min_new,
                                              goal_minutes=s.study_goal_minutes),
                            mastery_days=s.study_mastery_days, heartbeat_seconds=s.study_heartbeat_seconds)

    @component
    def dashboard(self):
        """OfficeDashboard: the office's study and exam figures per person and department."""
        from assistant.office.dashboard_service import OfficeDashboard

        return OfficeDashboard(self.study, self.exams, members=self.departments, tz=self.settings.tz)

    # ---- operations -------------------------------------------------------------------------
    @component
    def backups(self):
        """BackupService: `xuefa backup` / `xuefa restore` of this deployment's data."""
        from assistant.operations.backup import BackupService, Database

        s = self.settings
        return BackupService(
            [Database("store", self.store.engine, "documents"), Database("records", self.records.engine, "users")],
            cache_path=s.embedding_cache_path, chroma_dir=None if s.chroma_server else s.chroma_dir,
            embedder_id=self.embedder.embedder_id, close_vectors=self.vector_index.close,
            after_restore=self.library.reconcile_vectors)

    # ---- the edges ------------------------------------------------------------------------
    @component
    def services(self) -> Services:
        """Every service, built now (each is cheap: models and indexes load on first use)."""
        return Services(settings=self.settings, auth=self.auth, depts=self.depts, library=self.library,
                        ingestion=self.ingestion, search=self.search, answerer=self.answerer,
                        conversations=self.conversations, questions=self.questions, quiz=self.quiz,
                        learning=self.learning, exams=self.exams, study=self.study,
                        dashboard=self.dashboard, revisions=self.revisions, citations=self.citations)
