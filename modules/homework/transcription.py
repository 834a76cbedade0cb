"""The transcription provider: one call to an OpenAI-compatible `/audio/transcriptions` endpoint with
the official client. Retrying is the pipeline's job (it records each attempt), so the client's own
retries are off; errors come back as TranscriptionError marked transient or permanent."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import openai
from django.conf import settings

REQUEST_TIMEOUT_SECONDS = 30.0  # per attempt; 3 attempts + backoff stay under the worker's 120 s timeout


class TranscriptionError(Exception):
    def __init__(self, reason: str, *, transient: bool, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason[:500]
        self.transient = transient
        self.retry_after = retry_after


@dataclass(frozen=True)
class TranscriptionResult:
    text: str
    model: str
    language: str = ""
    duration: float | None = None
    segments: list = field(default_factory=list)
    words: list = field(default_factory=list)


def is_configured() -> bool:
    return bool(settings.OPENAI_API_KEY)


def response_format_for(model: str) -> str:
    # Whisper models (OpenAI's whisper-1 and self-hosted ones) answer verbose_json with segments,
    # words and duration; gpt-4o-*-transcribe accept only json.
    return "verbose_json" if "whisper" in model.lower() else "json"


@lru_cache(maxsize=4)
def _client(base_url: str, api_key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=REQUEST_TIMEOUT_SECONDS)


def _retry_after(exc: openai.APIStatusError) -> float | None:
    try:
        return float(exc.response.headers.get("retry-after", ""))
    except (TypeError, ValueError):
        return None


def _provider_message(exc: openai.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    message = body.get("message") or (exc.response.text[:200] if exc.response is not None else "")
    return f"HTTP {exc.status_code}: {message}".strip().rstrip(":")


def _classify(exc: openai.OpenAIError) -> TranscriptionError:
    if isinstance(exc, openai.APITimeoutError):
        return TranscriptionError("The transcription service timed out.", transient=True)
    if isinstance(exc, openai.APIConnectionError):
        return TranscriptionError("Could not reach the transcription service.", transient=True)
    if isinstance(exc, openai.RateLimitError):
        body = exc.body if isinstance(exc.body, dict) else {}
        if body.get("code") == "insufficient_quota":  # a 429 that no retry will fix
            return TranscriptionError(
                f"The transcription quota is used up ({_provider_message(exc)}).", transient=False
            )
        return TranscriptionError(
            f"Rate limited by the transcription service ({_provider_message(exc)}).",
            transient=True,
            retry_after=_retry_after(exc),
        )
    if isinstance(exc, openai.InternalServerError):
        return TranscriptionError(
            f"The transcription service failed ({_provider_message(exc)}).", transient=True
        )
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return TranscriptionError(
            f"The transcription service refused our API key ({_provider_message(exc)}).", transient=False
        )
    if isinstance(exc, openai.NotFoundError):
        return TranscriptionError(
            f"The transcription model or endpoint does not exist ({_provider_message(exc)}).", transient=False
        )
    if isinstance(exc, openai.APIStatusError):
        transient = exc.status_code in (408, 409)
        return TranscriptionError(
            f"The transcription service rejected the audio ({_provider_message(exc)}).", transient=transient
        )
    return TranscriptionError(f"Unexpected answer from the transcription service: {exc}", transient=False)


def _plain(items, keys: tuple[str, ...]) -> list[dict]:
    out = []
    for item in items or []:
        data = item if isinstance(item, dict) else item.model_dump()
        out.append({k: data.get(k) for k in keys})
    return out


def transcribe(*, data: bytes, filename: str, content_type: str, language: str | None) -> TranscriptionResult:
    """One provider call. Raises TranscriptionError."""
    model = settings.TRANSCRIPTION_MODEL
    response_format = response_format_for(model)
    kwargs: dict = {
        "model": model,
        "file": (filename, data, content_type),
        "response_format": response_format,
    }
    if language:
        kwargs["language"] = language
    if response_format == "verbose_json":
        kwargs["timestamp_granularities"] = ["segment", "word"]
    try:
        answer = _client(settings.OPENAI_BASE_URL, settings.OPENAI_API_KEY).audio.transcriptions.create(
            **kwargs
        )
    except openai.OpenAIError as exc:
        raise _classify(exc) from exc
    text = answer if isinstance(answer, str) else getattr(answer, "text", None)
    if not isinstance(text, str):
        raise TranscriptionError("The transcription service answered without a text.", transient=False)
    return TranscriptionResult(
        text=text.strip(),
        model=model,
        language=str(getattr(answer, "language", None) or language or ""),
        duration=getattr(answer, "duration", None),
        segments=_plain(getattr(answer, "segments", None), ("id", "start", "end", "text")),
        words=_plain(getattr(answer, "words", None), ("word", "start", "end")),
    )
