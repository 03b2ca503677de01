"""The chat model for LLM mode, built from ``Settings.llm`` ("provider:model") with LangChain's
``init_chat_model``. LangChain and the provider packages are imported only when a model is built.
"""

from __future__ import annotations

import logging

from assistant.errors import LLMError
from assistant.settings import Settings

log = logging.getLogger(__name__)

# OpenAI-compatible servers that need no key (llama.cpp, vLLM, LM Studio) still get one from the client.
NO_KEY = "not-needed"


def build_chat_model(settings: Settings):
    """The chat model ``settings.llm`` names: time-out ``llm_timeout``, no retries, optional base URL and key."""
    if not settings.llm:
        raise LLMError("no model configured: set ASSISTANT_LLM=provider:model (e.g. ollama:llama3.2)")
    provider, model = settings.llm_parts()
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    kwargs: dict = {}
    if provider == "ollama":
        kwargs["num_predict"] = settings.llm_max_tokens
        client = {"timeout": settings.llm_timeout}
        if key:
            client["headers"] = {"Authorization": f"Bearer {key}"}
        kwargs["client_kwargs"] = client
        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
    else:
        kwargs.update(timeout=settings.llm_timeout, max_retries=0)
        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
            # OpenAI-compatible servers (llama.cpp, vLLM) read max_tokens; LangChain sends OpenAI's newer
            # max_completion_tokens, which they ignore.
            kwargs["extra_body"] = {"max_tokens": settings.llm_max_tokens}
        else:
            kwargs["max_tokens"] = settings.llm_max_tokens
        if key or settings.llm_base_url:
            kwargs["api_key"] = key or NO_KEY
    try:
        from langchain.chat_models import init_chat_model

        return init_chat_model(model, model_provider=provider, **kwargs)
    except ImportError as exc:
        raise LLMError(
            f"the {provider} provider needs a package that is not installed ({exc.name}): "
            f"pip install langchain-{provider}"
        ) from None
    except Exception as exc:  # noqa: BLE001 - provider constructors raise many kinds; one message for people
        first = " ".join(str(exc).split())[:300]
        raise LLMError(
            f"cannot set up the model {settings.llm!r} ({first}); check ASSISTANT_LLM, "
            "ASSISTANT_LLM_BASE_URL and ASSISTANT_LLM_API_KEY"
        ) from None
