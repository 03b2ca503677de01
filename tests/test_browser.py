"""The web UI in a real headless Chromium (Debian's package) driven by Playwright.

The server is ``python ui.py`` on a free loopback port over a temp copy of ``corpus/`` plus a
document carrying script-injection payloads (see ``test_ui.Server``).
"""

from __future__ import annotations

import time

import pytest
from servers import CHROMIUM, chromium
from test_ui import QUOKKA, TSMC, server  # noqa: F401 - the same module-scoped server fixture

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]

GLOBALS = ["__pwned_title", "__pwned_heading", "__pwned_doc", "__pwned_img", "__pwned_q", "__pwned_q2"]


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, server):
    """A fresh page on the app; ``page.dialogs`` collects any alert/confirm that fires and
    ``window.__csp`` any Content-Security-Policy violation."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs
    pg.goto(server.url, wait_until="domcontentloaded")
    pg.locator("#question textarea").wait_for()
    yield pg
    context.close()


def ask(page, question: str, done: str | None = None, timeout: float = 60.0) -> list[str]:
    """Type ``question``, press Enter, and record each distinct text of the last bot message until
    the answer is complete (``done`` appears, else the text stops changing and the queue is idle)."""
    before = page.locator("#chat [data-testid=bot]").count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    stable_since = None
    while time.monotonic() < deadline:
        bots = page.locator("#chat [data-testid=bot]")
        if bots.count() > before:
            text = bots.last.inner_text()
            if not seen or seen[-1] != text:
                seen.append(text)
                stable_since = time.monotonic()
            if done is not None and done in text:
                return seen
            if done is None and text != "…" and time.monotonic() - stable_since > 2.0:
                return seen
        time.sleep(0.05)
    raise AssertionError(f"no complete answer to {question!r} in {timeout}s; saw {seen[-3:]}")


def assert_nothing_ran(page) -> None:
    assert page.dialogs == []
    set_globals = page.evaluate(f"{GLOBALS!r}.filter(name => name in window)")
    assert set_globals == []
    assert page.evaluate("window.__csp") == []


def assert_no_csp_violations(page) -> None:
    """The page works under the server's Content-Security-Policy: nothing of Gradio's was blocked."""
    assert page.evaluate("window.__csp") == []


def test_question_streams_answer_with_highlighted_source(page, tmp_path):
    seen = ask(page, TSMC, done="[1]")
    final = seen[-1]
    assert "8.6 billion" in final and final.endswith("[1]")
    partial = [t for t in seen if t not in ("…", final)]
    assert len(partial) >= 3, seen  # the answer grew word by word before it was complete
    assert all(final.startswith(t) for t in partial)

    mark = page.locator("#sources mark").first
    mark.wait_for()
    assert "8.6 billion" in mark.inner_text()
    card = page.locator("#sources .source-card").first
    card_text = card.inner_text()
    assert "japan-ai-chip-investment.md" in card_text and "score:" in card_text
    assert "Geopolitical Considerations and Energy Concerns" in card_text
    context = card.locator(".source-context").inner_text()
    assert context.startswith("The investment is partly motivated")  # the paragraph around the quote
    assert mark.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert_no_csp_violations(page)

    shot = tmp_path / "chat.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"\nscreenshot: {shot}")


def test_follow_up_uses_session_history(page):
    ask(page, TSMC, done="[1]")
    seen = ask(page, "Is it planning a second one?")
    assert seen[-1].strip()
    assert page.locator("#chat [data-testid=user]").count() == 2


def test_abstention_looks_different(page):
    seen = ask(page, "What is the population of Mars?")
    assert seen[-1].startswith("No answer in the sources.")
    assert page.locator("#chat [data-testid=bot] .abstained").count() == 1
    assert "abstained" in page.locator("#sources").inner_text()


def test_empty_question_shows_error_in_chat(page):
    seen = ask(page, "   ")
    assert seen[-1].startswith("Error:") and "the question is empty" in seen[-1]
    assert "Traceback" not in page.locator("body").inner_text()


def test_clear_button_resets_chat_and_sources(page):
    ask(page, TSMC, done="[1]")
    page.locator("#clear").click()
    page.locator("#chat [data-testid=bot]").first.wait_for(state="detached")
    assert page.locator("#sources mark").count() == 0


def test_script_in_document_runs_nothing_and_shows_as_text(page, tmp_path):
    seen = ask(page, QUOKKA)
    assert "Quokka Foundry" in seen[-1]
    sources = page.locator("#sources").inner_text()
    assert "<script>window.__pwned_doc = 1; alert('doc')</script>" in sources
    assert "<script>window.__pwned_title = 1; alert('title')</script>" in sources
    assert page.locator("#sources script, #sources img, #chat script, #chat img[src=x]").count() == 0
    page.wait_for_timeout(500)
    assert_nothing_ran(page)
    page.screenshot(path=str(tmp_path / "injection-document.png"), full_page=True)


def test_script_in_question_runs_nothing_and_shows_as_text(page, tmp_path):
    question = (
        '<script>window.__pwned_q = 1; alert("q")</script>'
        '<img src=x onerror="window.__pwned_q2 = 1; alert(2)"> What is Rapidus?'
    )
    ask(page, question)
    user_text = page.locator("#chat [data-testid=user]").last.inner_text()
    assert '<script>window.__pwned_q = 1; alert("q")</script>' in user_text
    assert '<img src=x onerror="window.__pwned_q2 = 1; alert(2)">' in user_text
    assert page.locator("#chat script, #chat img[src=x]").count() == 0
    page.wait_for_timeout(500)
    assert_nothing_ran(page)
    page.screenshot(path=str(tmp_path / "injection-question.png"), full_page=True)


def test_undo_retry_and_export(page, tmp_path):
    import json

    ask(page, TSMC, done="[1]")
    ask(page, "Is it planning a second one?")
    bots = page.locator("#chat [data-testid=bot]")
    page.locator("#undo").click()
    page.wait_for_function("document.querySelectorAll('#chat [data-testid=bot]').length === 1")
    assert page.locator("#question textarea").input_value() == "Is it planning a second one?"  # back to edit
    page.locator("#question textarea").fill("")
    page.locator("#retry").click()  # the TSMC question again, in place of its answer
    page.wait_for_function(
        "[...document.querySelectorAll('#chat [data-testid=bot]')].at(-1)?.innerText.includes('[1]')"
    )
    time.sleep(2.0)  # the last word streams in just before the turn is recorded
    assert bots.count() == 1 and page.locator("#chat [data-testid=user]").count() == 1
    page.locator("#export").click()
    link = page.locator("#export-file a").first
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "conversation.json"
    download.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [t["question"] for t in data["turns"]] == [TSMC]
    assert "8.6 billion" in data["turns"][0]["answer"] and "8.6 billion" in data["turns"][0]["citations"][0]["quote"]
    assert_no_csp_violations(page)
