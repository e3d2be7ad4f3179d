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
