#!/usr/bin/env bash
# Make (or reuse) the project's virtual environment at .venv and install what it needs.
#   bash scripts/setup.sh         the app: torch (CPU), the package and its dependencies
#   bash scripts/setup.sh test    also the test tools and Debian's chromium for the browser tests
# Re-running is cheap: installs are skipped while pyproject.toml is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=${1:-}
python=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$python" -m venv .venv
fi

# A stamp per pyproject.toml version: the test install also satisfies the app.
hash=$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f ".venv/.setup-test-$hash" ] && { [ "$want_test" = "test" ] || [ ! -f ".venv/.setup-app-$hash" ]; }; then
  .venv/bin/python -m pip install -q --upgrade pip
  # torch first and pinned: 2.13.0 is a CPU wheel; an unpinned torch would pull a multi-GB CUDA build.
  .venv/bin/python -m pip install -q "torch==2.13.0"
  if [ "$want_test" = "test" ]; then
    if ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
      # llama-cpp-python (the real model for the LLM-mode test) builds from source, about 6 minutes.
      # GGML_NATIVE=OFF: a build tuned to this CPU can use instructions (AMX) the VM does not allow.
      # No wheel cache: pip's cache does not know the build flags and may hold a native build.
      echo "setup: building llama-cpp-python (about 6 minutes)" >&2
      CMAKE_ARGS="-DGGML_NATIVE=OFF" .venv/bin/python -m pip install -q --no-cache-dir "llama-cpp-python[server]>=0.3"
    fi
    .venv/bin/python -m pip install -q -e ".[test]"
    rm -f .venv/.setup-*
    touch ".venv/.setup-test-$hash"
  else
    .venv/bin/python -m pip install -q -e .
    rm -f .venv/.setup-app-*
    touch ".venv/.setup-app-$hash"
  fi
fi

if [ "$want_test" = "test" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "setup: installing Debian's chromium for the browser tests" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    echo "setup: /usr/bin/chromium is missing; browser tests will be skipped (sudo apt-get install chromium)" >&2
  fi
fi

# The embedder runs on ONNX by default: export the model once now (about 20 s, needs torch) rather
# than on the first ingest or question. A later run finds the export and only checks that it embeds.
case "${ASSISTANT_EMBEDDING_BACKEND:-onnx}" in
  torch|TORCH) ;;
  *)
    HF_HUB_OFFLINE=1 .venv/bin/python -c \
      "from assistant.index.embeddings import embeddings_for; from assistant.settings import Settings; embeddings_for(Settings.load()).embed_query('chips')"
    ;;
esac
