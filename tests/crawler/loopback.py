"""A little web site on 127.0.0.1 for crawl tests, answering each GET with a function of the request."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# (status, content type, body), and optionally the Content-Length to declare instead of the body's.
Reply = tuple[int, str, bytes] | tuple[int, str, bytes, int]


class LoopbackServer:
    """Serves on a free port of 127.0.0.1 until close(); `answer` runs in the server's threads."""

    def __init__(self, answer: Callable[[BaseHTTPRequestHandler], Reply]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                status, ctype, body, *declared = answer(self)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(declared[0] if declared else len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
