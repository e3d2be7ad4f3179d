"""The gradio browser app (issue 6): ``build_app(container)`` and ``launch(demo, container)``."""
from assistant.web.app import build_app, launch

__all__ = ["build_app", "launch"]
