"""The analysts' web UI (Starlette + Jinja2, server-rendered, nothing loaded from outside)."""
