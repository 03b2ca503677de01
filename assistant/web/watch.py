"""Keep the served index in line with the corpus while the server runs.

- ``BackgroundIngest``: one worker thread that runs ``bot.ingest(progress=False)`` when asked
  (an upload from the page, or the watcher). Requests made while an ingest runs are merged into the
  next run, so ingests never pile up; the ingest itself also holds the index's file lock, so one in
  another process (``assistant ingest``) is waited for, never interleaved. Each run logs one line.
  Callers get a ticket and may wait for the run that covers it (the page does, to show the report).
- ``CorpusWatcher``: a cheap poll (one ``scandir`` walk every ``interval`` seconds, comparing
  ``(name, size, mtime_ns)`` with the last scan) that asks for an ingest when files are added,
  changed or removed — debounced, so a file still being copied is ingested once it stops changing.
  Hidden entries are not watched (the ingest does not read them either; uploads are written under a
  hidden temp name first).

Questions never fail meanwhile: an ingest builds a new collection and switches the live manifest
atomically, and ``Assistant.ingest`` reopens the index for every session sharing the ``bot``.
Only the standard library is imported here.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Snapshot = dict[str, tuple[int, int]]  # relative path -> (size, mtime_ns)


@dataclass
class IngestStatus:
    """A snapshot of the background ingest, for the page: ``running`` names what the current run
    was asked for; ``last`` is the last finished run's summary (or error) and ``finished`` its time."""

    running: list[str] = field(default_factory=list)
    started: float = 0.0
    last: str = ""
    finished: float = 0.0
    runs: int = 0


class BackgroundIngest:
    """Runs ``ingest()`` in one background thread, one run at a time (see the module)."""

    def __init__(self, ingest: Callable[[], Any], echo: Callable[[str], None] | None = None,
                 needed: Callable[[], bool] | None = None) -> None:
        self._ingest = ingest
        self._echo = echo or (lambda line: print(line, flush=True))
        self._needed = needed  # a cheap "anything to do?" check for the watcher's requests
        self._cond = threading.Condition()
        self._pending: list[str] = []
        self._pending_forced = False
        self._requested = 0  # tickets handed out
        self._done = 0  # the highest ticket covered by a finished run
        self._results: dict[int, tuple[Any, BaseException | None]] = {}
        self._status = IngestStatus()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="background-ingest", daemon=True)
        self._thread.start()

    def request(self, why: str, force: bool = True) -> int:
        """Ask for an ingest (``why`` is logged and shown); returns a ticket for ``wait``.

        ``force=False`` (the watcher) lets the run be skipped when the index is already in line
        with the corpus (say, an upload's ingest covered the change already)."""
        with self._cond:
            self._requested += 1
            self._pending.append(why)
            self._pending_forced = self._pending_forced or force
            self._cond.notify_all()
            return self._requested

    def wait(self, ticket: int, timeout: float | None = None) -> tuple[Any, BaseException | None] | None:
        """(report, error) of the run that covered ``ticket``; None when it has not finished in time."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._done < ticket:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(left)
            return next((r for t, r in sorted(self._results.items()) if t >= ticket), (None, None))

    def status(self) -> IngestStatus:
        with self._cond:
            s = self._status
            return IngestStatus(list(s.running), s.started, s.last, s.finished, s.runs)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop taking requests; a run in progress finishes (an ingest is not interrupted)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                why, forced, ticket = self._pending, self._pending_forced, self._requested
                self._pending, self._pending_forced = [], False
                self._status.running, self._status.started = list(dict.fromkeys(why)), time.time()
            report, error = self._one(why, forced)
            with self._cond:
                if report is not None or error is not None:
                    self._status.last = f"error: {error}" if error else report.summary()
                    self._status.finished, self._status.runs = time.time(), self._status.runs + 1
                self._status.running = []
                self._results = {t: r for t, r in self._results.items() if t > ticket - 64}
                self._results[ticket] = (report, error)
                self._done = ticket
                self._cond.notify_all()

    def _one(self, why: list[str], forced: bool) -> tuple[Any, BaseException | None]:
        reasons = ", ".join(dict.fromkeys(why))
        try:
            if not forced and self._needed is not None and not self._needed():
                return None, None
            report = self._ingest()
        except Exception as exc:  # noqa: BLE001 - a failed ingest keeps the old index; say why, go on
            self._echo(f"ingest ({reasons}) failed: {exc}")
            log.debug("background ingest failed", exc_info=True)
            return None, exc
        self._echo(f"ingest ({reasons}): {report.summary()}")
        return report, None


def scan(corpus_dir: Path, max_depth: int = 16) -> Snapshot:
    """``(size, mtime_ns)`` of every visible file under ``corpus_dir`` (links followed to files,
    never into folders); entries that vanish or cannot be read mid-scan are left out."""
    out: Snapshot = {}

    def walk(folder: str, prefix: str, depth: int) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if depth < max_depth:
                        walk(entry.path, f"{prefix}{entry.name}/", depth + 1)
                    continue
                st = entry.stat()
            except OSError:
                continue
            out[prefix + entry.name] = (st.st_size, st.st_mtime_ns)

    walk(str(corpus_dir), "", 0)
    return out


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """The files added, changed or removed between two scans, as short lines."""
    out = [f"+{n}" for n in after if n not in before]
    out += [f"~{n}" for n in after if n in before and before[n] != after[n]]
    out += [f"-{n}" for n in before if n not in after]
    return sorted(out, key=lambda s: s[1:])


class CorpusWatcher:
    """Polls ``corpus_dir`` and calls ``on_change(lines)`` once the corpus differs from the last
    settled scan and has stopped changing (two equal scans in a row, the newest file at least
    ``settle`` seconds old)."""

    def __init__(self, corpus_dir: Path, on_change: Callable[[list[str]], None], interval: float = 1.0,
                 settle: float = 1.0) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.on_change = on_change
        self.interval = interval
        self.settle = settle
        self._stop = threading.Event()
        self._known = scan(self.corpus_dir)  # what the index was brought in line with at start-up
        self._thread = threading.Thread(target=self._loop, name="corpus-watcher", daemon=True)

    def start(self) -> "CorpusWatcher":
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def poll(self, previous: Snapshot | None) -> Snapshot:
        """One scan; calls ``on_change`` when the corpus settled into a new state. Returns the scan."""
        now = scan(self.corpus_dir)
        if now != self._known and now == previous:
            clock = time.time()
            # A copy in progress has a fresh mtime; a future mtime (clock skew) must not stall the watcher.
            fresh = [n for n, (_, m) in now.items() if self._known.get(n) != now[n] and 0 <= clock - m / 1e9 < self.settle]
            if not fresh:
                lines = changes(self._known, now)
                self._known = now
                try:
                    self.on_change(lines)
                except Exception:  # noqa: BLE001 - the watcher must outlive one bad callback
                    log.exception("corpus watcher callback failed")
        return now

    def _loop(self) -> None:
        previous: Snapshot | None = None
        while not self._stop.wait(self.interval):
            try:
                previous = self.poll(previous)
            except Exception:  # noqa: BLE001 - keep watching
                log.exception("corpus watcher scan failed")
