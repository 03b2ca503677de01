"""Grounded, cited answers about the documents in a corpus folder, offline by default."""

from assistant.answers import Answer, Citation
from assistant.errors import AssistantError
from assistant.pipeline import Assistant

__all__ = ["Assistant", "Answer", "Citation", "AssistantError"]
