"""The benchmark's results as a plain-text table (the JSON holds every figure)."""

from __future__ import annotations


def _row(cells: list[object], widths: list[int]) -> str:
    return "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    return [_row(header, widths), _row(["-" * w for w in widths], widths), *(_row(r, widths) for r in rows)]


def render(results: dict) -> str:
    lines = [f"assistant bench — {results['when']} — {results['machine']['cpus']} CPUs"
             + (" (quick)" if results.get("quick") else ""), ""]
    ingest = results.get("ingest", {})
    if ingest:
        header = ["backend", "chunks", "ingest ch/s", "ingest MB/s", "bare encode ch/s", "ingest/encode",
                  "vs torch encode", "re-ingest s", "cold ask s", "cold ask CPU s"]
        rows = [[b, f["chunks"], f"{f['ingest_chunks_per_s']:.1f}", f"{f['ingest_mb_per_s']:.3f}",
                 f"{f['encode_chunks_per_s']:.1f}", f"{f['ingest_vs_encode']:.2f}x",
                 f"{f['ingest_vs_torch_encode']:.2f}x" if "ingest_vs_torch_encode" in f else "-",
                 f"{f['reingest_s']:.2f}", f"{f['cold_ask_s']:.2f}", f"{f['cold_ask_cpu_s']:.2f}"] for b, f in ingest.items()]
        lines += _table(header, rows)
        if "library_encode" in results:
            base = results["library_encode"]
            lines.append(f"torch encode = sentence-transformers' encode() with its defaults: "
                         f"{base['encode_chunks_per_s']:.1f} chunks/s")
        lines.append("")
        for b, f in ingest.items():
            imported = [m for m, yes in f.get("cold_ask_imports", {}).items() if yes]
            lines.append(f"cold ask ({b}) imports: {', '.join(imported) or 'none of the heavy modules'}")
        lines.append("")
    sizes = results.get("sizes", {})
    if sizes:
        header = ["chunks", "files", "build s", "re-ingest s", "warm-up s", "ask p50 ms", "ask p95 ms",
                  "CPU p50 ms", "CPU p95 ms", "repeat p50 ms", "peak RSS MB"]
        rows = [[n, f["files"], f"{f['build_s']:.1f}", f"{f['reingest_s']:.2f}", f"{f['warm_up_s']:.2f}",
                 f"{f['ask_p50_ms']:.1f}", f"{f['ask_p95_ms']:.1f}", f"{f.get('ask_cpu_p50_ms', 0):.1f}",
                 f"{f.get('ask_cpu_p95_ms', 0):.1f}", f"{f['repeat_p50_ms']:.1f}",
                 f"{f['peak_rss_mb']:.0f}"] for n, f in sizes.items()]
        lines += [f"serving ({results['serve_backend']}; synthetic corpora, a fresh process each)"]
        lines += _table(header, rows) + [""]
    if "large_file" in results:
        lines += _large_file(results["large_file"]) + [""]
    if "help_s" in results:
        lines.append(f"assistant --help: {results['help_s']:.2f} s ({results['help_cpu_s']:.2f} s CPU)")
    return "\n".join(lines).rstrip("\n")


def _large_file(f: dict) -> list[str]:
    """The killed ingest and its resume side by side, then whether the resume kept its promise."""
    header = ["large file run", "chunks", "s", "CPU s", "chunks/s", "peak RSS MB"]
    rows = [["killed at half", f["committed_at_kill"], f"{f['killed_run_s']:.1f}", f"{f['killed_run_cpu_s']:.1f}",
             f"{f['killed_run_chunks_per_s']:.1f}", f"{f['killed_run_peak_rss_mb']:.0f}"],
            ["resume", f["resume_embedded"], f"{f['resume_s']:.1f}", f"{f['resume_cpu_s']:.1f}",
             f"{f['resume_chunks_per_s']:.1f}", f"{f['resume_peak_rss_mb']:.0f}"]]
    ok = f["resume_embedded_only_the_rest"] and f["index_complete"]
    verdict = (f"{'PASS' if ok else 'FAIL'}: the resume embedded {f['resume_embedded']} of the "
               f"{f['chunks'] - f['committed_at_kill']} chunks not stored; the index holds {f['index_chunks']} of "
               f"{f['chunks']}")
    title = (f"large file ({f['backend']}; {f['file_mb']:.1f} MB, {f['chunks']} chunks of up to {f['chunk_size']} "
             "characters, one ingest killed with SIGKILL)")
    return [title, *_table(header, rows), verdict]

