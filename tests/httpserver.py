"""A real HTTP server on 127.0.0.1 for tests: serves files and injects faults on request.

Each path maps to a :class:`Route`: the body, and optionally a status, a number of HTTP 500
answers before the good one, a body cut short of its ``Content-Length``, or a delay before the
answer. The server counts requests per path so tests can see retries happen.
"""

import dataclasses
import gzip
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclasses.dataclass
class Route:
    """How to answer GET requests for one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    fail_first: int = 0  # answer HTTP 500 this many times, then normally
    send_bytes: int | None = None  # announce len(body), send only this many bytes, hang up
    delay_s: float = 0.0  # wait this long before answering (ends early when the server stops)
    gzip: bool = False  # send the body gzip-compressed, as GitHub and CelesTrak do


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # clients hanging up on purpose (timeouts) are expected here


class LocalServer:
    """``with LocalServer() as server: server.routes["/a"] = Route(b"..."); server.url("/a")``."""

    def __init__(self):
        self.routes = {}
        self.hits = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path="/"):
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stopping.set()  # wake up slow handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def _count(self, path):
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go in separate writes

            def do_GET(self):  # noqa: N802 (the name http.server calls)
                path = urlsplit(self.path).path
                hit = server._count(path)
                route = server.routes.get(path)
                if route is None:
                    return self._answer(404, b"not found\n", "text/plain")
                if route.delay_s and server._stopping.wait(route.delay_s):
                    return None
                if hit <= route.fail_first:
                    return self._answer(500, b"<h1>Internal Server Error</h1>", "text/html")
                if route.send_bytes is not None:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body[: route.send_bytes])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return None
                if route.gzip:
                    body = gzip.compress(route.body, mtime=0)
                    return self._answer(route.status, body, route.content_type, "gzip")
                return self._answer(route.status, route.body, route.content_type)

            def _answer(self, status, body, content_type, encoding=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                if encoding:
                    self.send_header("Content-Encoding", encoding)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return None

            def log_message(self, *args):  # keep the test output clean
                pass

        return Handler
