"""``assistant bench``: ingest throughput against the bare model, cold and warm answer times and
memory at several corpus sizes, measured through the package's public entry points."""
