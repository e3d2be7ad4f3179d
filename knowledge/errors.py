"""The few exception types xuefa raises; edges (CLI, web app) turn them into user messages."""


class XuefaError(Exception):
    """Base class: every error meant to reach a user as a one-line message."""


class ConfigError(XuefaError):
    """Settings are invalid or a configured backend cannot be used."""


class MissingDependencyError(ConfigError):
    """An optional dependency is not installed; the message carries the install hint."""


class IngestError(XuefaError):
    """A file could not be ingested (unreadable, empty, no structure, too large...)."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NotFoundError(XuefaError):
    """A document, article or user does not exist."""


class BackendError(XuefaError):
    """A backend (LLM endpoint, vector store) failed or timed out."""


class PermissionDeniedError(XuefaError):
    """The user's role does not allow this action."""


class ReplaceNeedsConfirmation(XuefaError):
    """An ingest would supersede current documents from another source (above all a bundled
    national law); it runs only when the admin confirms. ``existing`` and ``incoming`` are
    ``SourceSummary`` records (title, source, type, article count, dates) to show side by side."""

    def __init__(self, existing: list, incoming):
        self.existing = list(existing)
        self.incoming = incoming
        old = "；".join(f"{e.source_label}，{e.article_count} 条，{e.dates_label}" for e in self.existing)
        super().__init__(
            f"《{incoming.title}》已在知识库中，来源不同：现有文本来自{old}；"
            f"新文件来自{incoming.source_label}，{incoming.article_count} 条，{incoming.dates_label}。"
            "确认要用新文件取代现有文本时，请明确确认（命令行加 --replace）")
