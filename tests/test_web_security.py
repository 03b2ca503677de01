"""Web hardening: security headers and CSP, login back-off, upload limits, document links as text.

The middleware is tested on its own (an ASGI app in memory, small limits, a fake clock), then on
two real servers (``python ui.py`` on free loopback ports, one open and one with a login) over a
copy of ``corpus/`` plus a document full of links, and in a real headless Chromium.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from servers import UIServer, chromium

from assistant.web.security import LoginLimiter, WebGuard, check_upload, content_security_policy

ROOT = Path(__file__).resolve().parents[1]
LINKS_DOC = """---
title: Quokka Foundry links
---

# Where the Quokka Foundry publishes

The Quokka Foundry in Sapporo publishes its wafer plans at [click](https://evil.example) and \
https://evil.example/bare and www.evil.example and <https://evil.example/angle> and mail@evil.example \
and ${window.__pwned_tpl = 1} every week.
"""
LINKS_Q = "What does the Quokka Foundry in Sapporo publish?"
TSMC = "How much did TSMC's factory in southern Japan cost?"
USER, PASSWORD = "ann", "s3cret"


# --------------------------------------------------------------------------- the pieces, in memory


def test_limiter_backs_off_exponentially():
    now = [0.0]
    limiter = LoginLimiter(free=5, base=1.0, cap=60.0, clock=lambda: now[0])
    assert [limiter.attempt("a") for _ in range(5)] == [0.0] * 5  # five tries go through
    assert limiter.attempt("a") == pytest.approx(1.0)  # then a 1 s lock
    assert limiter.attempt("b") == 0.0  # other clients are not affected
    waits = []
    for _ in range(6):
        now[0] += limiter.attempt("a")  # wait out each lock, then fail again
        assert limiter.attempt("a") == 0.0
        waits.append(limiter.attempt("a"))
    assert waits == pytest.approx([2.0, 4.0, 8.0, 16.0, 32.0, 60.0])  # doubling, capped
    limiter.succeeded("a")
    assert limiter.attempt("a") == 0.0  # a success clears the record


def test_limiter_lets_few_of_300_guesses_through_in_2_seconds():
    now = [0.0]
    limiter = LoginLimiter(clock=lambda: now[0])
    tried = 0
    for _ in range(300):
        tried += limiter.attempt("attacker") == 0.0
        now[0] += 2.0 / 300
    assert tried <= 7


def test_limiter_forgets_idle_clients_and_stays_bounded():
    now = [0.0]
    limiter = LoginLimiter(free=2, forget_after=10.0, max_clients=100, clock=lambda: now[0])
    limiter.attempt("a")
    now[0] = 11.0
    assert limiter.attempt("a") == 0.0 and limiter.attempt("a") == 0.0  # counting started again
    for i in range(1000):
        limiter.attempt(f"c{i}")
    assert len(limiter._records) <= 100


def _multipart(name: str, data: bytes, boundary: str = "XyZ") -> tuple[str, bytes]:
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


@pytest.mark.parametrize(
    ("name", "data", "refused"),
    [
        ("notes.md", b"# Notes\n\nText.\n", None),
        ("page.html", b"<p>hi</p>", None),
        ("report.pdf", b"%PDF-1.7\n...", None),
        ("tool.exe", b"MZ\x90\x00", "file type not accepted"),
        ("noext", b"text", "file type not accepted"),
        ("fake.pdf", b"<html>", "is not a PDF"),
        ("bin.txt", b"ab\x00cd", "is not a text file"),
        ("latin.md", b"caf\xe9", "is not UTF-8 text"),
    ],
)
def test_upload_types(name, data, refused):
    why = check_upload(*_multipart(name, data))
    assert (why is None) if refused is None else (refused in why)


def test_upload_must_be_multipart():
    assert "multipart" in check_upload("application/json", b"{}")


async def _asgi_app(scope, receive, send):
    """A stand-in for Gradio: a page with inline scripts, a login that always fails, an upload."""
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    path = scope["path"]
    if path == "/":
        status, ctype = 200, b"text/html; charset=utf-8"
        out = b'<html><head><script>window.cfg = 1;</script><script type="module" src="./a.js"></script></head></html>'
    elif path == "/login":
        status, ctype, out = 400, b"application/json", b'{"detail": "Incorrect credentials."}'
    else:
        status, ctype, out = 200, b"application/json", json.dumps({"received": len(body)}).encode()
    headers = [(b"content-type", ctype), (b"x-frame-options", b"ALLOW")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": out})


def _guarded(**kw):
    import httpx

    app = WebGuard(_asgi_app, **kw)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("10.0.0.1", 1234)), base_url="http://t")


def test_guard_adds_headers_and_a_nonce_to_every_page_script():
    async def go():
        async with _guarded() as c:
            return await c.get("/"), await c.post("/api", json={"q": 1})

    page, api = asyncio.run(go())
    for r in (page, api):
        assert r.headers["x-frame-options"] == "DENY"  # replaces whatever the app said
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"]).group(1)
    assert page.text.count(f'<script nonce="{nonce}"') == 2
    assert int(page.headers["content-length"]) == len(page.content)
    assert content_security_policy("n").startswith("default-src 'self'; script-src 'self' 'nonce-n'")


def test_guard_answers_429_to_a_parallel_burst_of_logins():
    async def go():
        async with _guarded() as c:
            return await asyncio.gather(
                *[c.post("/login", data={"username": "ann", "password": f"guess{i}"}) for i in range(50)]
            )

    responses = asyncio.run(go())
    codes = [r.status_code for r in responses]
    assert codes.count(400) == 5 and codes.count(429) == 45  # only five ever reached the password check
    locked = next(r for r in responses if r.status_code == 429)
    assert int(locked.headers["retry-after"]) >= 1 and "Too many failed logins" in locked.json()["detail"]


def test_guard_limits_uploads_and_bodies():
    async def go():
        async with _guarded(max_upload=1000, max_body=500) as c:

            async def upload(name, data):
                ctype, body = _multipart(name, data)
                return await c.post("/gradio_api/upload", content=body, headers={"content-type": ctype})

            async def stream():  # no Content-Length: counted as it arrives
                for _ in range(30):
                    yield b"x" * 100

            ok, big = await upload("a.md", b"x" * 100), await upload("a.md", b"x" * 2000)
            exe = await upload("a.exe", b"MZ")
            ctype = {"content-type": "multipart/form-data; boundary=XyZ"}
            streamed = await c.post("/gradio_api/upload", content=stream(), headers=ctype)
            body = await c.post("/gradio_api/queue/join", content=b"x" * 600)
            small = await c.post("/gradio_api/queue/join", content=b"x" * 400)
            return ok, big, streamed, exe, body, small

    ok, big, streamed, exe, body, small = asyncio.run(go())
    assert ok.status_code == 200 and ok.json()["received"] > 100  # passed on whole
    assert big.status_code == 413 and streamed.status_code == 413
    assert exe.status_code == 415 and "file type not accepted" in exe.json()["detail"]
    assert body.status_code == 413
    assert small.status_code == 200 and small.json()["received"] == 400


# --------------------------------------------------------------------------- real servers


class Server(UIServer):
    """``python ui.py`` over a temp copy of ``corpus/`` plus the links document."""

    def __init__(self, base: Path, extra_args: tuple[str, ...] = ()) -> None:
        shutil.copytree(ROOT / "corpus", base / "corpus")
        (base / "corpus" / "zz-links.md").write_text(LINKS_DOC, encoding="utf-8")
        super().__init__(base / "corpus", base / "index", extra_args)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """An open server and one with a login, started side by side."""
    open_ = Server(tmp_path_factory.mktemp("open"))
    locked = Server(tmp_path_factory.mktemp("auth"), ("--auth", f"{USER}:{PASSWORD}"))
    try:
        open_.wait_ready()
        locked.wait_ready()
        yield open_, locked
    finally:
        open_.stop()
        locked.stop()


@pytest.fixture(scope="module")
def open_server(servers):
    return servers[0]


@pytest.fixture(scope="module")
def auth_server(servers):
    return servers[1]


def request(url: str, data: bytes | None = None, headers: dict | None = None, opener=None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def login(url: str, password: str, opener=None):
    data = urllib.parse.urlencode({"username": USER, "password": password}).encode()
    return request(url + "login", data, opener=opener)


def logged_in_opener(url: str):
    import http.cookiejar

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    for _ in range(20):
        status, headers, _ = login(url, PASSWORD, opener)
        if status != 429:
            break
        time.sleep(float(headers.get("retry-after", headers.get("Retry-After", 1))))
    assert status == 200
    return opener


def _h(headers: dict, name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name), "")


@pytest.mark.slow
@pytest.mark.parametrize("path", ["", "config", "gradio_api/info", "no-such-page", "gradio_api/file=/etc/passwd"])
def test_security_headers_on_every_response(servers, path):
    for srv in servers:
        status, headers, _ = request(srv.url + path)
        assert _h(headers, "x-frame-options") == "DENY", (srv.url, path, status)
        assert _h(headers, "x-content-type-options") == "nosniff"
        csp = _h(headers, "content-security-policy")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


@pytest.mark.slow
def test_page_scripts_carry_the_response_nonce(open_server):
    status, headers, body = request(open_server.url)
    assert status == 200
    nonce = re.search(r"'nonce-([^']+)'", _h(headers, "content-security-policy")).group(1)
    tags = re.findall(rb"<script\b[^>]*>", body)
    assert tags and all(f'nonce="{nonce}"'.encode() in t for t in tags)
    assert f"'nonce-{nonce}'" not in _h(request(open_server.url)[1], "content-security-policy")  # fresh each time


@pytest.mark.slow
def test_300_wrong_passwords_are_not_all_tried(auth_server):
    began = time.perf_counter()
    codes, retry = [], None
    for i in range(300):
        status, headers, body = login(auth_server.url, f"wrong-{i}")
        codes.append(status)
        if status == 429 and retry is None:
            retry = _h(headers, "retry-after")
            assert b"Too many failed logins" in body
    elapsed = time.perf_counter() - began
    tried = sum(c != 429 for c in codes)
    print(f"\n300 wrong passwords in {elapsed:.1f}s: {tried} checked, {codes.count(429)} refused with 429")
    assert set(codes) <= {400, 429}
    assert tried <= 5 + elapsed  # five, then at most one per second of back-off (1 s, 2 s, 4 s ...)
    assert retry and int(retry) >= 1
    # The right password still works once the lock is waited out (and clears the record).
    assert logged_in_opener(auth_server.url) is not None


@pytest.mark.slow
def test_gradio_client_still_logs_in(auth_server):
    from gradio_client import Client

    data = Client(auth_server.url, verbose=False, auth=(USER, PASSWORD)).predict(TSMC, api_name="/ask")
    assert "8.6" in data["text"]


def _upload(url: str, name: str, data: bytes, opener=None):
    ctype, body = _multipart(name, data)
    return request(url + "gradio_api/upload", body, {"Content-Type": ctype}, opener)


def _declared_upload(
    url: str, size: int, path: str = "/gradio_api/upload", ctype: str = "multipart/form-data; boundary=XyZ"
) -> int:
    """The status for a POST announcing a body of ``size`` bytes, sending none of them."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.putrequest("POST", path)
        conn.putheader("Content-Type", ctype)
        conn.putheader("Content-Length", str(size))
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.mark.slow
def test_uploads_without_a_login_are_limited(open_server):
    assert _upload(open_server.url, "notes.md", b"# Notes\n\nA small Markdown file.\n")[0] == 200
    status, _, body = _upload(open_server.url, "tool.exe", b"MZ\x90\x00" + b"\x00" * 1000)
    assert status == 415 and b"file type not accepted" in body
    assert _upload(open_server.url, "fake.pdf", b"<script>alert(1)</script>")[0] == 415
    assert _declared_upload(open_server.url, 50 * 1024 * 1024) == 413
    assert _declared_upload(open_server.url, 3 * 1024 * 1024 * 1024) == 413


@pytest.mark.slow
def test_uploads_with_a_login_are_limited(auth_server):
    assert _upload(auth_server.url, "notes.md", b"# Notes\n")[0] == 401  # Gradio: not logged in
    assert _declared_upload(auth_server.url, 50 * 1024 * 1024) == 413  # refused before the login check
    opener = logged_in_opener(auth_server.url)
    assert _upload(auth_server.url, "notes.md", b"# Notes\n", opener)[0] == 200
    assert _upload(auth_server.url, "tool.exe", b"MZ", opener)[0] == 415


@pytest.mark.slow
def test_oversized_request_body_is_refused(open_server):
    assert _declared_upload(open_server.url, 3 * 1024 * 1024, "/gradio_api/queue/join", "application/json") == 413
    status, _, _ = request(open_server.url + "gradio_api/queue/join", b"{}", {"Content-Type": "application/json"})
    assert status == 422  # a small body still reaches Gradio (which finds it incomplete)


# --------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _open(browser, url: str):
    """A page on ``url`` recording CSP violations, console errors and requests to other hosts."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.errors, page.foreign = [], []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("request", lambda r: r.url.startswith((url, "data:", "blob:")) or page.foreign.append(r.url))
    page.goto(url, wait_until="domcontentloaded")
    return context, page


def _ask(page, question: str, timeout: float = 60.0) -> str:
    before = page.locator("#chat [data-testid=bot]").count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    deadline, last, since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        bots = page.locator("#chat [data-testid=bot]")
        if bots.count() > before:
            text = bots.last.inner_text()
            if text != last:
                last, since = text, time.monotonic()
            elif text not in ("…", "") and time.monotonic() - since > 2.0:
                return text
        time.sleep(0.05)
    raise AssertionError(f"no answer to {question!r}; last {last!r}")


def _assert_links_are_text(page) -> None:
    assert "evil.example" in page.locator("#chat").inner_text()
    assert "[click](https://evil.example)" in page.locator("#sources").inner_text()
    assert page.locator("a[href*='evil.example'], [src*='evil.example']").count() == 0
    assert page.locator("#chat a, #sources a").count() == 0
    assert page.evaluate("typeof window.__pwned_tpl") == "undefined"


@pytest.mark.slow
def test_document_links_are_text_and_the_page_works_under_the_csp(browser, open_server, tmp_path):
    context, page = _open(browser, open_server.url)
    try:
        page.locator("#question textarea").wait_for()
        answer = _ask(page, LINKS_Q)
        assert "Quokka Foundry" in answer
        page.locator("#sources mark").first.wait_for()
        _assert_links_are_text(page)
        assert "8.6 billion" in _ask(page, TSMC)  # the page still answers
        assert page.evaluate("window.__csp") == []
        assert [e for e in page.errors if "Content Security Policy" in e] == []
        assert page.foreign == []
        page.screenshot(path=str(tmp_path / "links.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.slow
def test_login_page_and_app_work_under_the_csp(browser, auth_server):
    context, page = _open(browser, auth_server.url)
    try:
        page.locator("input[type=password]").wait_for()
        page.locator("input:not([type=password])").first.fill(USER)
        page.locator("input[type=password]").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.locator("#question textarea").wait_for()
        assert "Quokka Foundry" in _ask(page, LINKS_Q)
        _assert_links_are_text(page)
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()


@pytest.mark.slow
def test_page_refuses_to_be_framed(browser, open_server, tmp_path):
    """Another origin's page cannot show the app in a frame (X-Frame-Options / frame-ancestors)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(f'<iframe id="f" src="{open_server.url}" width="800" height="600"></iframe>')
        page.wait_for_timeout(3000)
        frame = page.frame_locator("#f")
        assert frame.locator("#question textarea").count() == 0
    finally:
        context.close()
