"""A real HTTP server on 127.0.0.1 for tests: serves files and injects faults on request.

Each path maps to a :class:`Route`: the body, and optionally a status and extra headers (a
redirect's ``Location``), a number of HTTP 500 answers before the good one, a body cut short
(of its ``Content-Length``, or with no length at all), a delay before the answer, or a body
(and even the headers) trickled out byte by byte. ``Route.sequence`` answers the n-th request
with its n-th route. The server counts requests per path so tests can see retries happen.

It is bounded: it listens on 127.0.0.1 only, every slow answer ends when the server stops,
and the server stops by itself after ``lifetime_s`` even if a test never stops it.
"""

import dataclasses
import gzip
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

LIFETIME_S = 120.0  # no test needs the server longer; a hung test cannot hold it longer


@dataclasses.dataclass
class Route:
    """How to answer GET requests for one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    headers: dict = dataclasses.field(default_factory=dict)  # extra headers (Location ...)
    fail_first: int = 0  # answer HTTP 500 this many times, then normally
    send_bytes: int | None = None  # send only this many bytes of the body, then hang up
    no_length: bool = False  # no Content-Length: the body ends when the connection closes
    delay_s: float = 0.0  # wait this long before answering (ends early when the server stops)
    trickle_s: float | None = None  # send the body one byte every trickle_s seconds
    trickle_headers: bool = False  # trickle the status line and headers too
    gzip: bool = False  # send the body gzip-compressed, as GitHub and CelesTrak do
    sequence: list | None = None  # answer request n with sequence[n - 1] (the last one after)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # clients hanging up on purpose (timeouts, limits) are expected here


class LocalServer:
    """``with LocalServer() as server: server.routes["/a"] = Route(b"..."); server.url("/a")``."""

    def __init__(self, lifetime_s=LIFETIME_S):
        self.routes = {}
        self.hits = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._lifetime = threading.Timer(lifetime_s, self._stop)
        self._lifetime.daemon = True
        self._stopped = False

    def url(self, path="/"):
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def __enter__(self):
        self._thread.start()
        self._lifetime.start()
        return self

    def __exit__(self, *exc):
        self._lifetime.cancel()
        self._stop()
        self._thread.join()

    def _stop(self):
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._stopping.set()  # wake up slow handlers
        self._httpd.shutdown()
        self._httpd.server_close()

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
                if route.sequence:
                    route = route.sequence[min(hit, len(route.sequence)) - 1]
                if route.delay_s and server._stopping.wait(route.delay_s):
                    return None
                if hit <= route.fail_first:
                    return self._answer(500, b"<h1>Internal Server Error</h1>", "text/html")
                body, encoding = route.body, None
                if route.gzip:
                    body, encoding = gzip.compress(route.body, mtime=0), "gzip"
                return self._send(route, body, encoding)

            def _send(self, route, body, encoding):
                head = [f"HTTP/1.1 {route.status} {self.responses.get(route.status, ('',))[0]}"]
                head.append(f"Content-Type: {route.content_type}")
                if encoding:
                    head.append(f"Content-Encoding: {encoding}")
                head += [f"{key}: {value}" for key, value in route.headers.items()]
                if route.no_length:
                    head.append("Connection: close")  # the end of the body is the hang-up
                else:
                    head.append(f"Content-Length: {len(body)}")
                head = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
                if route.send_bytes is not None:
                    body = body[: route.send_bytes]
                try:
                    if route.trickle_headers:
                        self._trickle(head + body, route.trickle_s)
                    else:
                        self.wfile.write(head)
                        self.wfile.flush()
                        self._trickle(body, route.trickle_s)
                except OSError:
                    return None  # the client hung up (a limit cut it): fine
                if route.send_bytes is not None or route.no_length:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                return None

            def _trickle(self, data, interval_s):
                if interval_s is None:
                    self.wfile.write(data)
                    self.wfile.flush()
                    return
                for n in range(len(data)):
                    self.wfile.write(data[n : n + 1])
                    self.wfile.flush()
                    if server._stopping.wait(interval_s):
                        raise OSError("the server is stopping")

            def _answer(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return None

            def log_message(self, *args):  # keep the test output clean
                pass

        return Handler


def wait_for(condition, *, timeout_s=20.0, poll_s=0.02):
    """Wait until ``condition()`` is true; return False if it never became true in time."""
    give_up_at = time.monotonic() + timeout_s
    while time.monotonic() < give_up_at:
        if condition():
            return True
        time.sleep(poll_s)
    return bool(condition())
