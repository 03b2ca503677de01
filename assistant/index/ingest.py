"""Ingest: bring the index in line with the corpus, crash-consistently and one ingest at a time.

- Only files ``corpus.list_corpus`` accepts are read (nothing outside the corpus folder).
- The live collection is never modified: an ingest that changes anything builds a new collection
  (``build``), copying unchanged files' vectors and embedding new and changed files, then switches
  the live manifest over atomically. Readers, here or in other processes, see the old index or the
  new one; a crash leaves the old one live and the next ingest resumes the build.
- Nothing in a manifest is trusted blindly: the live index and an unfinished build are checked
  against the store (chunk ids per file); files with missing chunks are embedded again and stray
  records are left behind. A damaged local Chroma folder is moved aside and rebuilt.
- Files skipped once (unreadable, empty, not UTF-8 …) are tried again by every ingest.
- Nothing to do is found without opening Chroma when the store is provably as the last ingest
  checked it (``verified``): an unchanged ingest of 10k chunks takes milliseconds, not seconds.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.errors import CorpusError, IndexStoreError
from assistant.index import store, verified
from assistant.index.build import Build, LiveUnreadable, Pending, drop_stale_collections, save_keywords
from assistant.index.chunking import iter_chunks
from assistant.index.corpus import file_digest, inside, list_corpus
from assistant.index.keywords import has_keywords
from assistant.index.loading import UNSUPPORTED, SkipFile, load_file
from assistant.index.lock import DEFAULT_WAIT, ingest_lock
from assistant.index.manifest import BUILDING, LIVE, Manifest, chunk_id, discard
from assistant.settings import Settings

Log = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr)


@dataclass
class IngestReport:
    """What an ingest run did. ``embedded`` counts the chunks whose vectors were computed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    chunks: int = 0
    embedded: int = 0
    rebuilt: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{len(self.removed)} removed",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.skipped)} skipped",
            f"{self.chunks} chunks in the index ({self.embedded} embedded)",
            f"{self.seconds:.2f} s",
        ]
        return ("rebuilt: " if self.rebuilt else "") + ", ".join(parts)


def index_usable(settings: Settings, manifest: Manifest | None) -> bool:
    """The live index was built with these settings for this index (it may still be behind the corpus).

    Cheap (no Chroma): readers check the collection itself when they open it.
    """
    if manifest is None or not manifest.collection or manifest.signature != settings.index_signature():
        return False
    if settings.chroma_url:
        # A server is shared: a manifest copied from another checkout must not adopt its collection.
        return manifest.owner == store.owner_key(settings)
    return (settings.index_dir / "chroma").is_dir()


def current_digests(settings: Settings) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(source -> sha256 or "" when unreadable, source -> why unreadable, refused entry -> reason)."""
    listing = list_corpus(settings.corpus_dir)
    digests: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    for source, path in listing.files.items():
        try:
            digests[source] = file_digest(path)
        except OSError as exc:
            digests[source] = ""
            unreadable[source] = f"unreadable: {exc.strerror or exc}"
    return digests, unreadable, listing.skipped


def needs_ingest(settings: Settings) -> bool:
    """True when the index is missing, built with other settings, unfinished, or behind the corpus."""
    manifest = Manifest.load(settings.index_dir)
    if not index_usable(settings, manifest) or (settings.index_dir / BUILDING).exists():
        return True
    digests, _, _ = current_digests(settings)
    return digests != {s: e.get("sha256", "") for s, e in manifest.files.items()}


def ingest(
    settings: Settings,
    rebuild: bool = False,
    embeddings=None,
    progress: bool = True,
    log: Log = _stderr,
    wait: float = DEFAULT_WAIT,
) -> IngestReport:
    """Bring the index in line with the corpus; only new or changed files are embedded.

    A second ingest of the same index waits (up to ``wait`` seconds, saying so) for the first.
    """
    if not settings.corpus_dir.is_dir():
        raise CorpusError(f"corpus folder '{settings.corpus_dir}' does not exist; create it and put md, txt, html or pdf files in it")
    with ingest_lock(settings.index_dir, wait, log):
        return _Ingest(settings, embeddings, progress, log).run(rebuild)


@dataclass
class _State:
    """What the store holds, checked against the manifests."""

    live: Manifest | None = None  # the live manifest as found (even when it cannot be used)
    usable: bool = False  # ... and it can be built on: same settings, same index, collection there
    live_collection: object = None
    valid: dict[str, dict] = field(default_factory=dict)  # live files whose chunks are all stored
    consistent: bool = False  # the live collection holds exactly what its manifest lists
    build: Build | None = None  # an unfinished build to resume


class _Ingest:
    def __init__(self, settings: Settings, embeddings, progress: bool, log: Log) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.progress = progress
        self.log = log
        self.report = IngestReport()

    def run(self, rebuild: bool) -> IngestReport:
        t0 = time.perf_counter()
        try:
            self._run(rebuild)
        except LiveUnreadable as exc:
            # The live collection lists its ids but cannot give its records back: rebuild without it.
            if not self.settings.chroma_url:
                self._move_aside(str(exc.__cause__ or exc))
            else:
                self.log(f"the live index cannot be read ({exc}); rebuilding it")
            self.report = IngestReport()
            self._run(rebuild=True)
        self.report.seconds = time.perf_counter() - t0
        return self.report

    def _run(self, rebuild: bool) -> None:
        digests, unreadable, refused = current_digests(self.settings)
        self.report.skipped.update(refused)
        if not rebuild and self._nothing_to_do(digests, unreadable):
            return
        client, state = self._open(rebuild)
        live = state.live if state.usable else None
        build = state.build
        fresh = rebuild or live is None or (build is not None and build.manifest.rebuild)
        self.report.rebuilt = fresh and (rebuild or state.live is not None or (self.settings.index_dir / LIVE).exists())
        copyable = {} if fresh else state.valid

        staged = build.manifest.files if build else {}
        if build:
            # Files deleted or changed since the crashed run stored them leave the build.
            build.forget([s for s, e in staged.items() if digests.get(s) != e.get("sha256") or e.get("skipped")])
        resume = build.manifest.partial() if build else {}
        copy: dict[str, dict] = {}
        pending: list[Pending] = []
        skipped: dict[str, dict] = {}
        for source, sha in digests.items():
            if source in unreadable:
                skipped[source] = {"sha256": sha, "skipped": unreadable[source]}
            elif source in staged and source not in resume:
                continue
            elif copyable.get(source, {}).get("sha256") == sha and source not in resume:
                copy[source] = copyable[source]
            else:
                item = self._load(source, sha, resume.get(source, {}).get("partial", 0))
                if isinstance(item, Pending):
                    pending.append(item)
                else:
                    skipped[source] = item
        if build and set(resume) - {p.source for p in pending}:
            build.forget(list(set(resume) - {p.source for p in pending}))  # stored in part, now skipped
        for source, entry in skipped.items():
            self.report.skipped[source] = entry["skipped"]
            old = live.files.get(source) if live else None
            if not old or old.get("skipped") != entry["skipped"] or old.get("sha256") != entry["sha256"]:
                self.log(f"skipped {source}: {entry['skipped']}")

        unchanged = live is not None and state.consistent and not fresh and set(live.indexed()) == set(copy)
        if build is None and not pending and unchanged:
            final = live
            if {s: e for s, e in live.files.items() if e.get("skipped")} != skipped:
                live.files = {**live.indexed(), **skipped}
                live.save(self.settings.index_dir)  # only skip reasons changed: same collection
            save_keywords(self.settings, state.live_collection, live.collection)  # an index from before they were saved
        else:
            if build is None:
                build = Build.start(self.settings, client, rebuild=fresh, log=self.log)
            build.copy(state.live_collection, copy)
            if pending:
                build.embed(pending, self._embeddings(), self.progress)
            build.manifest.files.update(skipped)
            build.commit()
            self.report.embedded = build.embedded
            final = build.switch(state.live)
        drop_stale_collections(self.settings, client, {final.collection, final.previous} - {""}, self.log)
        self._classify(live, final)
        self.report.chunks = final.chunk_count()
        verified.save(self.settings, final.collection)  # the store now holds exactly what ``final`` lists

    def _nothing_to_do(self, digests: dict[str, str], unreadable: dict[str, str]) -> bool:
        """The corpus is as the live manifest lists it and the store as the last ingest checked it:
        report "all unchanged" without opening Chroma."""
        settings = self.settings
        live = Manifest.load(settings.index_dir)
        if not index_usable(settings, live) or (settings.index_dir / BUILDING).exists():
            return False
        if digests != {s: e.get("sha256", "") for s, e in live.files.items()}:
            return False
        # A skipped file is tried again (its reason may have passed), unless its type is unsupported.
        if unreadable or any(not e["skipped"].startswith(UNSUPPORTED) for e in live.files.values() if e.get("skipped")):
            return False
        if not has_keywords(settings.index_dir, live.collection) or not verified.unchanged(settings, live.collection):
            return False
        self.report.skipped.update({s: e["skipped"] for s, e in live.files.items() if e.get("skipped")})
        self._classify(live, live)
        self.report.chunks = live.chunk_count()
        return True

    # --- reading what is there -------------------------------------------------------------------

    def _open(self, rebuild: bool) -> tuple[object, _State]:
        """A client and the checked live index; a local folder that cannot be read is moved aside."""
        try:
            client = store.chroma_client(self.settings)
            with store.store_errors(self.settings, "reading the index"):
                state = self._check(client)
                state.build = self._resumable(client, rebuild, state.live)
                return client, state
        except IndexStoreError as exc:
            if self.settings.chroma_url:
                raise  # a server's data is not ours to move; the message says what to do
            self._move_aside(str(exc.__cause__ or exc))
            return store.chroma_client(self.settings), _State(live=Manifest.load(self.settings.index_dir))

    def _move_aside(self, why: str) -> None:
        try:
            store.move_aside(self.settings, " ".join(why.split())[:160], self.log)
        except OSError as exc:
            raise IndexStoreError(
                f"the Chroma index in {self.settings.index_dir} is damaged and cannot be moved aside "
                f"({exc.strerror or exc}); delete {self.settings.index_dir / 'chroma'} and run `assistant ingest`"
            ) from None
        discard(self.settings.index_dir, BUILDING)

    def _check(self, client) -> _State:
        state = _State(live=Manifest.load(self.settings.index_dir))
        live = state.live
        if live is None:
            if (self.settings.index_dir / LIVE).exists():
                self.log(f"the manifest {self.settings.index_dir / LIVE} cannot be read; rebuilding the index")
            return state
        if not live.collection:
            self.log("the index was made by an older version; rebuilding it")
        elif live.signature != self.settings.index_signature():
            self.log("the index was built with other settings (embedding model or chunking); rebuilding it")
        elif not index_usable(self.settings, live):
            if self.settings.chroma_url:
                self.log("the index folder was made for another checkout or corpus; building this one's own collection")
            else:
                self.log(f"the Chroma folder {store.where(self.settings)} is missing; rebuilding")
        else:
            state.live_collection = store.get_collection(client, live.collection)
            if state.live_collection is None:
                self.log(f"the index collection {live.collection} is missing from {store.where(self.settings)}; rebuilding")
                return state
            state.usable = True
            ids = store.stored_ids(state.live_collection)
            indexed = live.indexed()
            state.valid = {s: e for s, e in indexed.items() if set(e.get("ids", ())) <= ids}
            stray = len(ids - live.ids())
            state.consistent = len(state.valid) == len(indexed) and not stray
            if not state.consistent:
                self.log(
                    f"the index does not match its manifest ({len(indexed) - len(state.valid)} files missing "
                    f"chunks, {stray} stray chunks); repairing"
                )
        return state

    def _resumable(self, client, rebuild: bool, live: Manifest | None) -> Build | None:
        """An unfinished build with these settings, checked against its collection, or None."""
        manifest = Manifest.load(self.settings.index_dir, BUILDING)
        if manifest is None:
            return None
        ok = (
            manifest.signature == self.settings.index_signature()
            and manifest.owner == store.owner_key(self.settings)
            and manifest.collection
            and (not live or manifest.collection != live.collection)  # switched over before the crash
            and (manifest.rebuild or not rebuild)
        )
        collection = store.get_collection(client, manifest.collection) if ok else None
        if collection is None:
            discard(self.settings.index_dir, BUILDING)
            return None
        ids = store.stored_ids(collection)
        files = {}
        for source, entry in manifest.files.items():
            if "partial" in entry:
                # A large file stored in part: go on from the first chunk the store does not hold.
                done = 0
                while done < entry["partial"] and chunk_id(source, entry["sha256"], done) in ids:
                    done += 1
                if done:
                    files[source] = {**entry, "partial": done}
            elif entry.get("skipped") or set(entry["ids"]) <= ids:
                files[source] = entry
        manifest.files = files
        stray = list(ids - manifest.ids())
        if stray:
            collection.delete(ids=stray)  # stored by the crashed run after its last commit
        self.log(f"resuming an unfinished ingest ({len(manifest.indexed())} files already stored)")
        return Build(self.settings, client, manifest, collection, self.log)

    # --- files -----------------------------------------------------------------------------------

    def _load(self, source: str, sha: str, done: int = 0) -> Pending | dict:
        """The file loaded and its chunks counted (``done`` of them stored already), or its skipped
        entry (the reason is retried by the next ingest)."""
        path = self.settings.corpus_dir / source
        if not inside(path, self.settings.corpus_dir.resolve()):  # replaced by a link since it was listed
            return {"sha256": sha, "skipped": "symbolic link to a file outside the corpus folder (not read)"}
        size, overlap = self.settings.chunk_size, self.settings.chunk_overlap
        try:
            doc = load_file(path, self.settings.corpus_dir)
            # Counted, not kept: the embedder reads them again batch by batch.
            total = sum(1 for _ in iter_chunks(doc, size, overlap))
            if not total:
                raise SkipFile("no sentences found")
        except SkipFile as exc:
            return {"sha256": sha, "skipped": str(exc)}
        entry = {"sha256": sha, "title": doc.metadata.get("title", "")}
        return Pending(source, entry, doc, total, size, overlap, done=min(done, total))

    def _embeddings(self):
        if self.embeddings is None:
            from assistant.index.embeddings import embeddings_for

            self.embeddings = embeddings_for(self.settings)
        return self.embeddings

    def _classify(self, live: Manifest | None, final: Manifest) -> None:
        before = live.indexed() if live else {}
        after = final.indexed()
        for source, entry in after.items():
            old = before.get(source)
            if old is None:
                self.report.added.append(source)
            elif old.get("sha256") == entry.get("sha256"):
                self.report.unchanged.append(source)
            else:
                self.report.updated.append(source)
        self.report.removed = [s for s in before if s not in after]
