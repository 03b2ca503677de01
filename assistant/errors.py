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
    """The index cannot be opened or written."""


class EmbeddingModelError(AssistantError):
    """The embedding model cannot be loaded offline."""


class QuestionSetError(AssistantError):
    """A question-set file is malformed."""


class LLMError(AssistantError):
    """The configured chat model cannot be built (unknown provider, missing package or key)."""
