"""The gradio browser app: ``build_app(services)`` and ``launch(demo, auth, settings)``."""
from assistant.web.app import build_app, launch

__all__ = ["build_app", "launch"]
