"""The HTTP edge in front of gradio: logins off the event loop, database sessions, upload
limits and security headers. One pure ASGI middleware (:class:`Guard`) and the objects it uses.

- ``POST /login`` is answered here, not by gradio: the name and password go to
  ``AuthService.login`` in a small thread pool (argon2 is slow on purpose; on the event loop
  twenty wrong logins stalled every other request). At most ``concurrency`` hash checks run
  at once and ``queue`` more wait; any further attempt is refused at once with 429. A right
  password opens a database session and sets gradio's own cookie name with our token.
- gradio reads the logged-in user as ``app.tokens.get(cookie)``; :class:`SessionTokens`
  answers that from the database (resolved in a thread by the middleware, kept two seconds),
  so any instance on the same database serves any session and a restart logs nobody out.
  ``common.current_user`` checks the session again, uncached, in every handler.
- ``GET /logout`` revokes the session. ``POST /gradio_api/upload`` is for admins only, and
  counted per admin per hour. Every response gets the security headers.

The client address is the TCP peer, or, when the peer is one of ``trusted_proxies``, the
last address in X-Forwarded-For not itself a trusted proxy (and X-Forwarded-Proto says
whether the browser used https).
"""
from __future__ import annotations

import asyncio
import functools
import hashlib
import ipaddress
import logging
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import MutableMapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from assistant.web.common import SESSION_COOKIE_PREFIXES

log = logging.getLogger(__name__)

API_PREFIX = "/gradio_api"
LOGIN_PATHS = ("/login", "/login/")
LOGOUT_PATHS = ("/logout", "/logout/")
UPLOAD_PATHS = (f"{API_PREFIX}/upload", f"{API_PREFIX}/upload/")
MAX_LOGIN_BODY = 16 * 1024
BUSY_DELAY_SECONDS = 1.0  # a refused login is answered after this: a timer costs nothing, a fast loop would
SESSION_CACHE_SECONDS = 2.0
PURGE_EVERY_SECONDS = 3600

# gradio's page needs inline scripts/styles and eval (its templates); everything else is
# locked to this origin: no framing by other sites, no plugins, forms post only here, and
# no images, fonts or connections to other hosts (injected content cannot phone out).
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' data: blob:; "
       "worker-src 'self' blob:; frame-ancestors 'self'; object-src 'none'; base-uri 'self'; form-action 'self'")
SECURITY_HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-frame-options": b"SAMEORIGIN",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"cross-origin-opener-policy": b"same-origin",
}
HSTS = b"max-age=31536000"


def cookie_id_for(database_url: str) -> str:
    """A stable cookie name suffix per records database: instances sharing a database share
    sessions, and two deployments on one host do not overwrite each other's cookie."""
    return hashlib.sha256(database_url.encode()).hexdigest()[:16]


# ---- who is on the other end ---------------------------------------------------------------
class ClientInfo:
    """The client's address and whether it spoke https, trusting forwarding headers only from
    configured proxies."""

    def __init__(self, trusted_proxies: str = ""):
        self.trusted = [ipaddress.ip_network(p.strip(), strict=False)
                        for p in (trusted_proxies or "").split(",") if p.strip()]

    def _is_trusted(self, addr: str) -> bool:
        try:
            ip = ipaddress.ip_address(addr)
        except ValueError:
            return False
        return any(ip in net for net in self.trusted)

    def of(self, scope) -> tuple[str, bool]:
        peer = (scope.get("client") or ("unknown", 0))[0] or "unknown"
        https = scope.get("scheme") == "https"
        if not self.trusted or not self._is_trusted(peer):
            return peer, https
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        hops = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
        client = peer
        for hop in reversed(hops):
            client = hop
            if not self._is_trusted(hop):
                break
        proto = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        return client[:64], https or proto == "https"


# ---- logins, off the event loop -------------------------------------------------------------
class LoginGate:
    """Runs ``auth.login`` in a bounded pool; None when too many logins are already waiting."""

    def __init__(self, auth, *, concurrency: int, queue: int):
        self.auth = auth
        # not niced: a lowered thread that holds the GIL (SQL between hashes) and is not
        # scheduled stalls the event loop waiting for it
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="xuefa-login")
        self.limit = concurrency + queue
        self.inflight = 0  # touched on the event loop thread only

    async def login(self, name: str, password: str, address: str):
        if self.inflight >= self.limit:
            await asyncio.sleep(BUSY_DELAY_SECONDS)
            return None
        self.inflight += 1
        try:
            call = functools.partial(self.auth.login, name, password, address=address)
            return await asyncio.get_running_loop().run_in_executor(self.pool, call)
        finally:
            self.inflight -= 1

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


# ---- sessions as gradio reads them ---------------------------------------------------------
class SessionTokens(MutableMapping):
    """gradio's ``app.tokens`` (token → user name), answered from the database sessions.

    Entries are kept ``ttl`` seconds (the middleware resolves each request's token in a
    thread first, so gradio's synchronous lookups on the event loop hit the cache);
    handlers re-check the session uncached. gradio never writes here: /login and /logout
    are ours."""

    def __init__(self, auth, *, ttl: float = SESSION_CACHE_SECONDS, max_entries: int = 10000):
        self.auth = auth
        self.ttl = ttl
        self.max_entries = max_entries
        self._cache: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def resolve(self, token: str):
        """The session's user (UserInfo or None), from the cache or the database."""
        with self._lock:
            hit = self._cache.get(token)
            if hit and time.monotonic() - hit[0] < self.ttl:
                return hit[1]
        user = self.auth.session_user(token)
        with self._lock:
            self._cache[token] = (time.monotonic(), user)
            self._cache.move_to_end(token)
            while len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)
        return user

    def fresh(self, token: str) -> bool:
        with self._lock:
            hit = self._cache.get(token)
            return bool(hit) and time.monotonic() - hit[0] < self.ttl

    def forget(self, token: str) -> None:
        with self._lock:
            self._cache.pop(token, None)

    def get(self, token, default=None):
        if not token or not isinstance(token, str):
            return default
        user = self.resolve(token)
        return user.name if user is not None else default

    def __getitem__(self, token):
        name = self.get(token)
        if name is None:
            raise KeyError(token)
        return name

    def __contains__(self, token) -> bool:
        return self.get(token) is not None

    def __setitem__(self, token, name) -> None:  # gradio's own /login, which the Guard replaces
        raise RuntimeError("sessions are opened by the xuefa login route")

    def __delitem__(self, token) -> None:
        self.forget(token)

    def __iter__(self):
        return iter(())  # sessions are not enumerable from the web app

    def __len__(self) -> int:
        return 0


def _cookies(scope) -> dict[str, str]:
    jar = SimpleCookie()
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no session
                return {}
    return {k: m.value for k, m in jar.items()}


def session_token(cookies: dict[str, str], cookie_id: str) -> str | None:
    for prefix in SESSION_COOKIE_PREFIXES:
        token = cookies.get(f"{prefix}{cookie_id}")
        if token:
            return token
    return None


# ---- the middleware ---------------------------------------------------------------------------
class Guard:
    """Everything above, for one app. ``middleware()`` and ``lifespan`` go to gradio's launch."""

    def __init__(self, auth, settings):
        cores = os.cpu_count() or 2
        self.auth = auth
        self.client = ClientInfo(settings.trusted_proxies)
        self.gate = LoginGate(auth, concurrency=settings.login_concurrency or max(1, cores // 2),
                              queue=settings.login_queue)
        self.tokens = SessionTokens(auth)
        self.cookie_id = cookie_id_for(settings.records_url)
        self.max_age = int(settings.session_max_hours * 3600)
        self.upload_limit = settings.upload_max_files
        self._uploads: dict[int, deque] = {}

    @asynccontextmanager
    async def lifespan(self, app):
        """Install the database sessions in gradio's app before the first request."""
        app.tokens = self.tokens
        app.cookie_id = self.cookie_id
        purge = asyncio.create_task(self._purge_loop())
        try:
            yield
        finally:
            purge.cancel()
            self.gate.close()

    async def _purge_loop(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.auth.sessions.purge)
            except Exception:  # noqa: BLE001 - try again next time
                log.exception("session purge failed")
            await asyncio.sleep(PURGE_EVERY_SECONDS)

    def middleware(self):
        from starlette.middleware import Middleware

        return Middleware(GuardMiddleware, guard=self)

    # ---- routes ----------------------------------------------------------------------------
    async def login(self, scope, receive, address: str, https: bool) -> Response:
        form = await self._form(scope, receive)
        if form is None:
            return JSONResponse({"detail": "登录请求无效。"}, status_code=400)
        result = await self.gate.login(form[0], form[1], address)
        if result is None:
            return JSONResponse({"detail": "登录请求过多，请稍后再试。"}, status_code=429,
                                headers={"Retry-After": "5"})
        if result.outcome == "throttled":
            wait = max(1, round(result.retry_after))
            return JSONResponse({"detail": f"登录失败次数过多，请 {wait} 秒后再试。"}, status_code=429,
                                headers={"Retry-After": str(wait)})
        if result.outcome == "disabled":
            return JSONResponse({"detail": "该账号已停用，请联系管理员。"}, status_code=403)
        if not result.ok:
            return JSONResponse({"detail": "Incorrect credentials."}, status_code=400)
        response = JSONResponse({"success": True})
        prefix = "access-token-" if https else "access-token-unsecure-"
        response.set_cookie(f"{prefix}{self.cookie_id}", result.token, max_age=self.max_age, path="/",
                            httponly=True, samesite="lax", secure=https)
        return response

    @staticmethod
    async def _form(scope, receive) -> tuple[str, str] | None:
        headers = dict(scope.get("headers", []))
        try:
            length = int(headers.get(b"content-length", b"-1"))
        except ValueError:
            return None
        if not 0 < length <= MAX_LOGIN_BODY:
            return None
        try:
            form = await Request(scope, receive).form(max_files=0, max_fields=8)
        except Exception:  # noqa: BLE001 - a malformed body is a bad request
            return None
        name, password = form.get("username"), form.get("password")
        if not isinstance(name, str) or not isinstance(password, str):
            return None
        return name, password

    async def logout(self, scope) -> Response:
        token = session_token(_cookies(scope), self.cookie_id)
        if token:
            self.tokens.forget(token)
            await asyncio.to_thread(self.auth.logout, token)
        root = (scope.get("root_path") or "").rstrip("/")
        response = RedirectResponse(f"{root}/", status_code=302)
        for prefix in SESSION_COOKIE_PREFIXES:
            response.delete_cookie(f"{prefix}{self.cookie_id}", path="/")
        return response

    async def user_of(self, scope):
        """The request's session user (cached a moment), resolved off the event loop."""
        token = session_token(_cookies(scope), self.cookie_id)
        if not token:
            return None
        if self.tokens.fresh(token):
            return self.tokens.resolve(token)
        return await asyncio.to_thread(self.tokens.resolve, token)

    def upload_refused(self, user) -> Response | None:
        """Uploads are an admin's tool (importing documents); a bounded number per hour."""
        if user is None:
            return JSONResponse({"detail": "请先登录。"}, status_code=401)
        if user.role != "admin":
            return JSONResponse({"detail": "仅管理员可以上传文件。"}, status_code=403)
        now = time.monotonic()
        recent = self._uploads.setdefault(user.id, deque())
        while recent and now - recent[0] > 3600:
            recent.popleft()
        if len(recent) >= self.upload_limit:
            return JSONResponse({"detail": "上传次数过多，请稍后再试。"}, status_code=429,
                                headers={"Retry-After": "600"})
        recent.append(now)
        return None


class GuardMiddleware:
    """Pure ASGI (runs in the request's own task; no body buffering for other routes)."""

    def __init__(self, app, guard: Guard):
        self.app = app
        self.guard = guard

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        g = self.guard
        address, https = g.client.of(scope)
        send = _with_headers(send, https)
        path, method = _route_path(scope), scope.get("method", "GET")
        if method == "POST" and path in LOGIN_PATHS:
            return await (await g.login(scope, receive, address, https))(scope, receive, send)
        if method == "GET" and path in LOGOUT_PATHS:
            return await (await g.logout(scope))(scope, receive, send)
        user = await g.user_of(scope)
        if method == "POST" and path in UPLOAD_PATHS:
            refused = g.upload_refused(user)
            if refused is not None:
                return await refused(scope, receive, send)
        await self.app(scope, receive, send)


def _route_path(scope) -> str:
    path, root = scope.get("path", "/"), (scope.get("root_path") or "").rstrip("/")
    if root and path.startswith(root + "/"):
        path = path[len(root):]
    return path


def _with_headers(send, https: bool):
    async def sending(message):
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {k.lower() for k, _ in headers}
            headers += [(k, v) for k, v in SECURITY_HEADERS.items() if k not in present]
            if https and b"strict-transport-security" not in present:
                headers.append((b"strict-transport-security", HSTS))
            message = {**message, "headers": headers}
        await send(message)

    return sending
