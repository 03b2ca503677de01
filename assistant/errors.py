"""The package's exceptions. Each message says what to do; surfaces print it without a traceback."""


class AssistantError(Exception):
    """Base class for every error this package raises on purpose."""


class InvalidQuestionError(AssistantError, ValueError):
    """The question is empty, blank or too long."""


class InvalidHistoryError(AssistantError, ValueError):
    """The conversation history is not a list of [question, answer] string pairs, or is too large."""


class SettingsError(AssistantError, ValueError):
    """A setting (an ``ASSISTANT_*`` variable or an option) has a value that is not allowed."""


class CorpusError(AssistantError):
    """The corpus folder is missing or holds nothing that can be read."""


class IndexStoreError(AssistantError):
    """The index cannot be opened or written (the Chroma folder is damaged, the server is down)."""


class IndexUnreachableError(IndexStoreError):
    """The Chroma server named by ``ASSISTANT_CHROMA_URL`` does not answer."""


class IndexBusyError(IndexStoreError):
    """Another ingest of the same index still holds its lock after the wait."""


class IndexChangedError(IndexStoreError):
    """The collection being read was replaced by an ingest; reopening the index gives the new one."""


class EmbeddingModelError(AssistantError):
    """The embedding model cannot be loaded offline."""


class QuestionSetError(AssistantError):
    """A question-set file is malformed."""


class LLMError(AssistantError):
    """The configured chat model cannot be built (unknown provider, missing package or key)."""
