"""The one download path of dsrgeo: HTTP(S) GETs bounded in time, rate, size and redirects.

Only this module speaks HTTP (``requests`` and ``urllib3``); :mod:`dsrgeo.refresh` hands it
URLs and gets back bytes with their provenance. Every GET

- goes to ``http://`` or ``https://`` URLs only, the first one and every redirect target
  (which are followed by hand, at most :attr:`Limits.max_redirects` of them, never in a
  loop), and records the final URL;
- must connect and send its answer's headers within ``timeout_s``, and never waits longer
  than ``timeout_s`` for the next piece of the body;
- must deliver its body at :attr:`Limits.min_rate_bytes_per_s` or more over any
  :attr:`Limits.rate_window_s` window, and stay under :attr:`Limits.max_bytes`;
- ends, retries included, by the overall deadline ``deadline_s`` of the whole
  :class:`Downloader` (a watchdog shuts the socket down at that moment, so even a server
  sending one byte at a time cannot hold it longer);
- is retried after connection errors, a missing answer, a body cut short and HTTP 429/5xx,
  waiting 0, 1, 2, 4 ... s, but never after the rate, size or redirect limits were hit.

Every failure is a :class:`~dsrgeo.errors.RefreshError` saying which URL and which limit;
bad settings are a :class:`~dsrgeo.errors.ParameterError`.
"""

import collections
import contextlib
import dataclasses
import functools
import hashlib
import socket
import threading
import time
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from dsrgeo import checks
from dsrgeo._version import __version__
from dsrgeo.datadir import Download
from dsrgeo.errors import ParameterError, RefreshError

__all__ = [
    "Downloader",
    "Limits",
    "Throughput",
    "check_url",
    "excerpt",
    "utc_now",
]

_SCHEMES = ("http", "https")
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_RETRY_STATUSES = (429, 500, 502, 503, 504)
_BACKOFF_S = 0.5  # retry n waits 0, then _BACKOFF_S * 2 ** (n - 1): 0, 1, 2, 4 ... s
_CHUNK_BYTES = 64 * 1024
_LARGE_BYTES = 1024 * 1024  # show a progress bar from this size on (when on a terminal)


def utc_now():
    """Return the current time as ISO 8601 UTC text with seconds (``2026-11-28T12:50:03Z``).

    Examples
    --------
    >>> len(utc_now()), utc_now().endswith("Z")
    (20, True)
    """
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def check_url(url, parameter="url"):
    """Return ``url`` if it is an ``http://`` or ``https://`` URL with a host.

    Parameters
    ----------
    url : str
        The URL to check.
    parameter : str, default "url"
        The argument's name, for the message when ``url`` is not text.

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        If ``url`` is not a string.
    RefreshError
        If it is not an http(s) URL with a host (``file:///etc/passwd``, ``not-a-url``):
        nothing else is ever downloaded.

    Examples
    --------
    >>> check_url("https://celestrak.org/NORAD/elements/gp.php?GROUP=gnss&FORMAT=tle")
    'https://celestrak.org/NORAD/elements/gp.php?GROUP=gnss&FORMAT=tle'
    >>> check_url("file:///etc/passwd")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.RefreshError: 'file:///etc/passwd' is not an http:// or https:// URL; dsrgeo downloads nothing else
    """
    if not isinstance(url, str):
        raise ParameterError(f"expected the URL as text, got {url!r}", parameter=parameter)
    problem = _url_problem(url)
    if problem:
        raise RefreshError(f"{url!r} {problem}")
    return url


def _url_problem(url):
    """Why ``url`` may not be downloaded, or None."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a port that is no number in 0-65535
    except ValueError as err:
        return f"is not a valid URL ({err})"
    if parts.scheme.lower() not in _SCHEMES:
        return "is not an http:// or https:// URL; dsrgeo downloads nothing else"
    if not parts.hostname:
        return "has no host name"
    if any(c.isspace() or ord(c) < 32 for c in url):
        return "contains white space or control characters"
    return None


@dataclasses.dataclass(frozen=True)
class Limits:
    """How long, how slow and how large a download may be.

    Attributes
    ----------
    timeout_s : float, default 30
        Seconds to connect and receive the answer's headers, and the longest wait for the
        next piece of the body.
    deadline_s : float, default 600
        Seconds for everything a :class:`Downloader` does, retries and redirects included.
    retries : int, default 3
        Extra attempts after a connection error, no answer, a body cut short or HTTP 429/5xx.
    min_rate_bytes_per_s : float, default 1000
        A body must arrive at least this fast, measured over any window of ...
    rate_window_s : float, default 10
        ... this many seconds; so a body trickling in is cut after about this long.
    max_bytes : int, default 512 MiB
        Largest body accepted (after decompression).
    max_redirects : int, default 5
        Most redirects followed from one URL.

    Raises
    ------
    ParameterError
        If a limit is not a positive finite number (``retries`` and ``max_redirects``: a
        whole number from 0 to 20).

    Examples
    --------
    >>> Limits(timeout_s=5, deadline_s=60).rate_window_s
    10.0
    >>> Limits(deadline_s=0)
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ParameterError: deadline_s: expected a number in (0, inf], got 0
    """

    timeout_s: float = 30.0
    deadline_s: float = 600.0
    retries: int = 3
    min_rate_bytes_per_s: float = 1000.0
    rate_window_s: float = 10.0
    max_bytes: int = 512 * 1024 * 1024
    max_redirects: int = 5

    def __post_init__(self):
        for name in ("timeout_s", "deadline_s", "min_rate_bytes_per_s", "rate_window_s"):
            value = checks.number(getattr(self, name), name, low=0, low_open=True)
            object.__setattr__(self, name, value)
        for name in ("retries", "max_redirects"):
            value = checks.number(getattr(self, name), name, low=0, high=20, integer=True)
            object.__setattr__(self, name, value)
        value = checks.number(self.max_bytes, "max_bytes", low=1, integer=True)
        object.__setattr__(self, "max_bytes", value)


class Throughput:
    """Watch a body arrive and say when it is slower than a minimum rate over any window.

    Parameters
    ----------
    min_bytes_per_s : float
        The slowest rate allowed.
    window_s : float
        The rate is measured over every window of this length, from the start on.
    start_s : float
        When the body started (the clock of the later :meth:`add` calls).

    Examples
    --------
    A server trickling one byte every half second, under the default limits:

    >>> limits = Limits()
    >>> watch = Throughput(limits.min_rate_bytes_per_s, limits.rate_window_s, start_s=0.0)
    >>> next(t / 2 for t in range(1, 10_000) if watch.add(t / 2, t) is not None)
    10.0
    >>> watch.add(10.0, 20)
    '20 bytes in the last 10 s, less than the minimum of 1000 bytes/s over any 10 s'
    """

    def __init__(self, min_bytes_per_s, window_s, *, start_s):
        self.min_bytes_per_s = float(min_bytes_per_s)
        self.window_s = float(window_s)
        self.start_s = float(start_s)
        self._samples = collections.deque([(self.start_s, 0)])

    def add(self, now_s, total_bytes):
        """Record that ``total_bytes`` had arrived by ``now_s``; return why that is too slow.

        Returns
        -------
        str or None
            None while every full window so far brought enough bytes.
        """
        self._samples.append((now_s, total_bytes))
        cutoff = now_s - self.window_s
        if cutoff < self.start_s:
            return None
        while len(self._samples) > 1 and self._samples[1][0] <= cutoff:
            self._samples.popleft()
        arrived = total_bytes - self._samples[0][1]  # since the last sample <= cutoff
        if arrived >= self.min_bytes_per_s * self.window_s:
            return None
        return (
            f"{arrived} bytes in the last {self.window_s:g} s, less than the minimum of "
            f"{self.min_bytes_per_s:g} bytes/s over any {self.window_s:g} s"
        )


class _RetryableError(Exception):
    """A failure worth another attempt; ``message`` says what happened."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- the watchdog: shuts a socket down at a moment, wherever the request is ------------------

_current = threading.local()  # the watchdog of the request running in this thread


class _Watchdog:
    """Shut down the sockets of one request when its time is up (from a timer thread)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sockets = []
        self._timer = None
        self.fired = None  # the reason given to arm() once the time ran out

    def arm(self, delay_s, reason):
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self.fired is not None:
                return
            self._timer = threading.Timer(max(0.0, delay_s), self._fire, args=(reason,))
            self._timer.daemon = True
            self._timer.start()

    def watch(self, sock):
        with self._lock:
            self._sockets.append(sock)
            fired = self.fired
        if fired is not None:
            _shutdown(sock)

    def stop(self):
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._sockets.clear()

    def _fire(self, reason):
        with self._lock:
            self.fired = reason
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)


def _shutdown(sock):
    with contextlib.suppress(OSError, AttributeError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)  # wakes up a recv() blocked in another thread


def _watch(sock):
    dog = getattr(_current, "dog", None)
    if dog is not None and sock is not None:
        dog.watch(sock)


class _WatchedConnection:
    """Mixin for urllib3 connection classes: hand each request's socket to the watchdog."""

    def getresponse(self, *args, **kwargs):
        _watch(self.sock)  # the headers and the body are read from this socket
        return super().getresponse(*args, **kwargs)


@functools.cache
def _watched(connection_class):
    return type(f"Watched{connection_class.__name__}", (_WatchedConnection, connection_class), {})


def _session(workers):
    """A requests Session whose connections report their sockets to the watchdog."""
    import requests
    from requests.adapters import HTTPAdapter

    class Adapter(HTTPAdapter):
        def get_connection_with_tls_context(self, *args, **kwargs):
            pool = super().get_connection_with_tls_context(*args, **kwargs)
            if not issubclass(pool.ConnectionCls, _WatchedConnection):
                pool.ConnectionCls = _watched(pool.ConnectionCls)
            return pool

    session = requests.Session()
    adapter = Adapter(max_retries=0, pool_maxsize=max(1, workers))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"dsrgeo/{__version__} {requests.utils.default_user_agent()}"
    return session


# --- the downloader -------------------------------------------------------------------------


class Downloader:
    """Download files over HTTP(S) within one set of :class:`Limits` and one deadline.

    The deadline starts when the downloader is made. Use it as a context manager, so its
    connections are closed at the end.

    Parameters
    ----------
    limits : Limits, optional
        Default :class:`Limits()`.
    workers : int, default 1
        How many files :meth:`get_many` downloads at once.
    progress : bool or None, default None
        Show progress bars on stderr: None shows them for large files when stderr is a
        terminal.

    Examples
    --------
    This needs a server, so it is shown, not run (the tests serve files from 127.0.0.1)::

        with Downloader(Limits(deadline_s=60)) as get:
            download, data = get.get("https://celestrak.org/...", name="tle.txt")
        download.url      # the final URL, after any redirects
    """

    def __init__(self, limits=None, *, workers=1, progress=None):
        if limits is None:
            limits = Limits()
        if not isinstance(limits, Limits):
            raise ParameterError(f"expected a Limits, got {limits!r}", parameter="limits")
        self.limits = limits
        self.workers = checks.number(workers, "workers", low=1, high=64, integer=True)
        if progress is not None:
            checks.boolean(progress, "progress")
        self.progress = progress
        self._deadline_at = time.monotonic() + limits.deadline_s
        self._session = None

    def remaining_s(self):
        """Seconds left before the deadline (0 once it has passed)."""
        return max(0.0, self._deadline_at - time.monotonic())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._session is not None:
            self._session.close()
        return False

    def get(self, url, *, name, optional=False):
        """Download ``url`` completely into memory.

        Parameters
        ----------
        url : str
            An http(s) URL.
        name : str
            The file's path in its snapshot (:attr:`dsrgeo.datadir.Download.name`).
        optional : bool, default False
            Return None instead of failing when the server answers HTTP 404.

        Returns
        -------
        (dsrgeo.datadir.Download, bytes) or None
            ``Download.url`` is the final URL, after redirects.

        Raises
        ------
        RefreshError
            Naming the URL and what failed: connection, status, a limit, a bad redirect, a
            body cut short.
        """
        url = check_url(url)
        if self._session is None:
            self._session = _session(self.workers)
        retrieved_utc = utc_now()
        attempt = 0
        while True:
            try:
                return self._attempt(url, name, optional=optional, retrieved_utc=retrieved_utc)
            except _RetryableError as failure:
                attempt += 1
                if attempt > self.limits.retries:
                    tries = f" (tried {attempt} times)" if attempt > 1 else ""
                    raise RefreshError(f"{failure.message}{tries}") from None
                wait_s = 0.0 if attempt == 1 else _BACKOFF_S * 2 ** (attempt - 1)
                if wait_s >= self.remaining_s():
                    raise RefreshError(
                        f"{failure.message}; no time is left to try again within "
                        f"deadline_s={self.limits.deadline_s:g} s"
                    ) from None
                time.sleep(wait_s)

    def get_many(self, targets, *, what="files"):
        """Download ``(name, url)`` pairs on :attr:`workers` threads; results in input order.

        Parameters
        ----------
        targets : list of (str, str)
            ``(name, url)`` of each file, as for :meth:`get`.
        what : str, default "files"
            What they are, for the progress bar.

        Raises
        ------
        RefreshError
            The first failure; the other downloads are then abandoned.
        """
        from concurrent.futures import ThreadPoolExecutor, as_completed

        from tqdm import tqdm

        if self._session is None:
            self._session = _session(self.workers)
        results = [None] * len(targets)
        bar = tqdm(
            total=len(targets),
            unit="file",
            desc=what,
            leave=False,
            disable=None if self.progress is None else not self.progress,
        )
        pool = ThreadPoolExecutor(max_workers=self.workers)
        try:
            futures = {
                pool.submit(self._get_quietly, url, name): n
                for n, (name, url) in enumerate(targets)
            }
            for future in as_completed(futures):
                results[futures[future]] = future.result()  # re-raises the first failure
                bar.update(1)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            bar.close()
        return results

    def _get_quietly(self, url, name):
        _current.no_bar = True
        try:
            return self.get(url, name=name)
        finally:
            _current.no_bar = False

    # --- one attempt: the request, its redirects, the body ----------------------------------

    def _attempt(self, url, name, *, optional, retrieved_utc):
        chain = [url]
        current = url
        while True:
            response, dog = self._request(current)
            try:
                with response:
                    status = response.status_code
                    if status in _REDIRECT_STATUSES and "location" in response.headers:
                        current = self._next_hop(chain, response)
                        continue
                    if status == 404 and optional:
                        return None
                    if status != 200:
                        message = (
                            f"{current} answered HTTP {status} {response.reason}"
                            f"{_body_excerpt(response)}; check the URL or try again later"
                        )
                        if status in _RETRY_STATUSES:
                            raise _RetryableError(message)
                        raise RefreshError(message)
                    data = self._body(response, dog, current, name)
                    break
            finally:
                dog.stop()  # before the connection serves another request
                _current.dog = None
        download = Download(
            name=name,
            url=current,
            retrieved_utc=retrieved_utc,
            sha256=hashlib.sha256(data).hexdigest(),
            size_bytes=len(data),
        )
        return download, data

    def _next_hop(self, chain, response):
        """Check a redirect; return the URL it points to."""
        target = urljoin(chain[-1], self._session.get_redirect_target(response))
        problem = _url_problem(target)
        if problem:
            raise RefreshError(
                f"{chain[-1]} redirected (HTTP {response.status_code}) to {target!r}, which "
                f"{problem}; refused"
            )
        if urlsplit(chain[-1]).scheme.lower() == "https" != urlsplit(target).scheme.lower():
            raise RefreshError(
                f"{chain[-1]} redirected (HTTP {response.status_code}) to {target!r}, from "
                "https to plain http; refused"
            )
        if target in chain:
            loop = " -> ".join([*chain[chain.index(target) :], target])
            raise RefreshError(f"{chain[0]}: redirect loop ({loop}); refused")
        if len(chain) > self.limits.max_redirects:
            raise RefreshError(
                f"{chain[0]}: more than max_redirects={self.limits.max_redirects} redirects "
                f"({' -> '.join([*chain, target])}); refused"
            )
        chain.append(target)
        return target

    def _request(self, url):
        """GET ``url`` and return the response once its headers are in (body not read)."""
        import requests

        remaining_s = self.remaining_s()
        if remaining_s <= 0:
            raise RefreshError(self._deadline_message(url, "before it started"))
        dog = _Watchdog()
        _current.dog = dog
        answer_s = min(self.limits.timeout_s, remaining_s)
        dog.arm(answer_s, "answer" if answer_s < remaining_s else "deadline")
        try:
            response = self._session.get(
                url,
                stream=True,
                allow_redirects=False,
                timeout=(answer_s, self.limits.timeout_s),
            )
        except requests.RequestException as err:
            dog.stop()
            _current.dog = None
            raise self._request_failure(url, err, dog.fired) from None
        dog.arm(self.remaining_s(), "deadline")  # the body has until the deadline
        return response, dog

    def _request_failure(self, url, err, fired):
        """The RefreshError (or _RetryableError) for an exception raised before the headers came."""
        import requests

        if fired == "deadline":
            return RefreshError(self._deadline_message(url, "before it answered"))
        if fired == "answer" or isinstance(err, requests.Timeout):
            return _RetryableError(
                f"no answer from {url} within timeout_s={self.limits.timeout_s:g} s; check the "
                "URL and the connection, then try again"
            )
        if isinstance(err, requests.exceptions.SSLError):
            return RefreshError(f"could not download {url}: TLS failed ({_root_reason(err)})")
        if isinstance(err, requests.ConnectionError):
            return _RetryableError(
                f"could not download {url}: cannot connect ({_root_reason(err)}); check the "
                "URL and the connection, then try again"
            )
        return RefreshError(f"could not download {url}: {_root_reason(err)}")

    def _body(self, response, dog, url, name):
        """Read the body within the limits; return the decoded bytes."""
        import urllib3
        from tqdm import tqdm

        limits = self.limits
        raw = response.raw
        expected = _content_length(response)
        if expected is not None and expected > limits.max_bytes:
            raise RefreshError(
                f"{url} announces {expected} bytes, more than max_bytes={limits.max_bytes}; "
                "is this the right URL?"
            )
        show = None if self.progress is None else bool(self.progress)
        if getattr(_current, "no_bar", False) or (
            show is None and expected is not None and expected < _LARGE_BYTES
        ):
            show = False
        bar = tqdm(
            total=expected,
            unit="B",
            unit_scale=True,
            desc=name,
            leave=False,
            disable=None if show is None else not show,
        )
        body = bytearray()
        watch = Throughput(
            limits.min_rate_bytes_per_s, limits.rate_window_s, start_s=time.monotonic()
        )
        try:
            while True:
                # urllib3 >= 2.6 bounds what one call decompresses (a gzip bomb cannot
                # swell one chunk far past _CHUNK_BYTES); setup.cfg requires it
                chunk = raw.read1(_CHUNK_BYTES, decode_content=True)
                if not chunk:
                    break
                body += chunk
                bar.update(len(chunk))
                if len(body) > limits.max_bytes:
                    raise RefreshError(
                        f"{url} sent more than max_bytes={limits.max_bytes} bytes; is this "
                        "the right URL?"
                    )
                too_slow = watch.add(time.monotonic(), raw.tell())
                if too_slow:
                    raise RefreshError(
                        f"download of {url} is too slow and was stopped after {raw.tell()} "
                        f"bytes: {too_slow}; try again later or from another mirror"
                    )
        except (urllib3.exceptions.HTTPError, OSError) as err:
            if isinstance(err, RefreshError):
                raise
            received = f"{raw.tell()} of {'?' if expected is None else expected} bytes"
            self._check_watchdog(dog, url, f"after {received}")
            if isinstance(err, urllib3.exceptions.DecodeError):
                raise RefreshError(f"{url}: the body cannot be decoded ({err})") from None
            if isinstance(err, urllib3.exceptions.ReadTimeoutError):
                why = f"nothing arrived for timeout_s={limits.timeout_s:g} s"
            else:
                why = "the connection closed before the end of the body"
            raise _RetryableError(f"download of {url} broke off after {received} ({why})") from None
        finally:
            bar.close()
        # a socket shut down by the watchdog looks like the end of a body without a length
        self._check_watchdog(dog, url, f"after {raw.tell()} bytes")
        received = raw.tell()  # bytes on the wire, before any gzip decoding
        if expected is not None and received != expected:
            raise _RetryableError(
                f"download of {url} is truncated: Content-Length is {expected} bytes but "
                f"{received} arrived"
            )
        return bytes(body)

    def _check_watchdog(self, dog, url, when):
        """Raise what the watchdog cut short, if it did."""
        if dog.fired == "deadline":
            raise RefreshError(self._deadline_message(url, when))
        if dog.fired == "answer":  # it fired just as the headers came in
            raise _RetryableError(
                f"no answer from {url} within timeout_s={self.limits.timeout_s:g} s"
            )

    def _deadline_message(self, url, when):
        return (
            f"download of {url} stopped {when}: the deadline of deadline_s="
            f"{self.limits.deadline_s:g} s for the whole refresh has passed; give more time "
            "(--deadline-s) if the server is just slow"
        )


def _content_length(response):
    value = response.headers.get("Content-Length")
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


def _body_excerpt(response, limit=200):
    """The start of an error page, on one line, for the error message."""
    try:
        head = response.raw.read1(limit, decode_content=True)
    except Exception:  # the body is only a hint; the status is the error
        return ""
    return f" ({excerpt(head, limit)})" if head.strip() else ""


def excerpt(data, limit=200):
    r"""Return the start of a body as a quoted one-line string, for messages.

    Examples
    --------
    >>> excerpt(b"<html>\n  <body>Maintenance</body>")
    "'<html> <body>Maintenance</body>'"
    """
    return repr(" ".join(data[:limit].decode("utf-8", "replace").split())[:limit])


def _root_reason(err):
    """Say in words why a request failed: the innermost OS error, else the outermost text.

    requests nests urllib3's errors several deep (and some hold plain strings), so the chain
    is walked defensively.
    """
    seen = set()
    todo = [err]
    while todo:
        current = todo.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror
        todo += [current.__cause__, current.__context__, getattr(current, "reason", None)]
        todo += [a for a in current.args if isinstance(a, BaseException)]
    return str(err) or type(err).__name__
