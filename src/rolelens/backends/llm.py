"""An optional LLM backend: an OpenAI-compatible chat endpoint and a scripted fake.

:class:`LLM` has one abstract method, :meth:`LLM.complete`. :class:`OpenAIChat` speaks the
chat-completions protocol (a local llama.cpp / Ollama / vLLM server or a hosted one) with a
timeout, retries with exponential backoff on connection errors, timeouts, 429 and 5xx, and
token and latency accounting. :class:`FakeLLM` answers from a script, for tests and offline
runs.

What the LLM is asked to do for a brief (form fields, facts, job-description prose) is in
:mod:`rolelens.assist`; this module only calls the endpoint (:func:`timed_call`, with the
call's accounting) and keeps the user's text as data (:func:`data_message`).

Prompt safety: the instructions are a fixed system message; the user's text is passed only
as data, inside a separate user message between delimiters, never formatted into the
instructions.
"""

from __future__ import annotations

import json
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from rolelens.errors import ExtraMissing, LLMUnavailable

Role = Literal["system", "user", "assistant"]


class Message(BaseModel):
    """One chat message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    content: str


class Completion(BaseModel):
    """What one successful call returned, with its cost."""

    model_config = ConfigDict(extra="forbid")

    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0
    attempts: int = 1


class LLMCall(BaseModel):
    """Accounting for one task's call: shown to the user next to what it produced."""

    model_config = ConfigDict(extra="forbid")

    task: str = Field(description="what the call was for: form, job_description")
    model: str
    ok: bool = Field(description="the endpoint answered and the answer was usable")
    fallback: bool = Field(description="the deterministic result was used instead")
    attempts: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    latency_ms: float
    error: str | None = None


class LLM(ABC):
    """A chat model; subclasses implement :meth:`complete` only."""

    model_id: ClassVar[str] = "llm"
    #: answers are the same for the same messages
    deterministic: ClassVar[bool] = False
    #: runs on this machine without a network
    offline: ClassVar[bool] = False

    @abstractmethod
    def complete(
        self, messages: Sequence[Message], *, max_tokens: int = 512, json_mode: bool = False
    ) -> Completion:
        """The model's answer to the messages (raises LLMUnavailable when it cannot)."""


class FakeLLM(LLM):
    """Answers from a script: a list of texts (one per call, the last repeated) or a
    function of the messages. Records every call's messages in :attr:`calls`."""

    model_id = "fake-llm"
    deterministic = True
    offline = True

    def __init__(self, script: Sequence[str] | Callable[[Sequence[Message]], str]) -> None:
        self.script = script
        self.calls: list[list[Message]] = []

    def complete(
        self, messages: Sequence[Message], *, max_tokens: int = 512, json_mode: bool = False
    ) -> Completion:
        self.calls.append(list(messages))
        if callable(self.script):
            text = self.script(messages)
        else:
            text = self.script[min(len(self.calls), len(self.script)) - 1]
        prompt = sum(len(m.content.split()) for m in messages)
        return Completion(
            text=text,
            model=self.model_id,
            prompt_tokens=prompt,
            completion_tokens=len(text.split()),
        )


class OpenAIChat(LLM):
    """An OpenAI-compatible ``/chat/completions`` endpoint over HTTP (needs httpx).

    ``url`` is the API base (``http://127.0.0.1:8080/v1``); ``key`` is sent as a bearer token
    when given. A call is tried ``1 + retries`` times, waiting ``backoff * 2**n`` seconds
    between tries, on connection errors, timeouts, 429 and 5xx; other statuses fail at once.
    """

    model_id = "openai-compatible"

    def __init__(
        self,
        url: str,
        model: str,
        *,
        key: str | None = None,
        timeout: float = 30.0,
        retries: int = 2,
        backoff: float = 0.5,
        transport: Any = None,
    ) -> None:
        try:
            import httpx
        except ImportError as exc:
            raise ExtraMissing(
                "the LLM backend needs httpx: install the semantic extra: "
                "pip install 'rolelens[semantic]'"
            ) from exc
        self._httpx = httpx
        self.url = url.rstrip("/") + "/chat/completions"
        self.model = model
        self.retries = max(0, retries)
        self.backoff = max(0.0, backoff)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers, transport=transport)

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def complete(
        self, messages: Sequence[Message], *, max_tokens: int = 512, json_mode: bool = False
    ) -> Completion:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [m.model_dump() for m in messages],
            "max_tokens": max_tokens,
            "temperature": 0,
        }
        if json_mode:
            body["response_format"] = {"type": "json_object"}
        httpx = self._httpx
        start = time.perf_counter()
        last = "no attempt"
        for attempt in range(1, self.retries + 2):
            if attempt > 1:
                time.sleep(self.backoff * 2 ** (attempt - 2))
            try:
                response = self._client.post(self.url, json=body)
            except httpx.TimeoutException:
                last = "timed out"
                continue
            except httpx.HTTPError as exc:
                last = f"cannot connect: {type(exc).__name__}"
                continue
            if response.status_code == 429 or response.status_code >= 500:
                last = f"HTTP {response.status_code}"
                continue
            if response.status_code != 200:
                raise LLMUnavailable(f"the LLM endpoint answered HTTP {response.status_code}")
            return _parse(response.text, self.model, start, attempt)
        raise LLMUnavailable(f"the LLM endpoint failed after {self.retries + 1} tries: {last}")


def _parse(raw: str, model: str, start: float, attempt: int) -> Completion:
    try:
        payload = json.loads(raw)
        text = payload["choices"][0]["message"]["content"]
        usage = payload.get("usage") or {}
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise LLMUnavailable("the LLM endpoint's answer is not a chat completion") from exc
    if not isinstance(text, str):
        raise LLMUnavailable("the LLM endpoint's answer has no text")
    return Completion(
        text=text,
        model=str(payload.get("model") or model),
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
        latency_ms=round((time.perf_counter() - start) * 1000, 1),
        attempts=attempt,
    )


# -- tasks ------------------------------------------------------------------------------


def data_message(tag: str, text: str) -> Message:
    """The user's text as data: a user message between ``<tag>`` delimiters.

    A closing delimiter inside the text is defused so the data cannot end its own block.
    """
    safe = text.replace(f"</{tag}>", f"</ {tag}>")
    return Message(role="user", content=f"<{tag}>\n{safe}\n</{tag}>")


def timed_call(
    llm: LLM, task: str, messages: list[Message], *, json_mode: bool, max_tokens: int
) -> tuple[Completion | None, LLMCall]:
    """One call for ``task`` with its accounting; no completion when the endpoint failed."""
    start = time.perf_counter()
    try:
        done = llm.complete(messages, max_tokens=max_tokens, json_mode=json_mode)
    except LLMUnavailable as exc:
        ms = round((time.perf_counter() - start) * 1000, 1)
        return None, LLMCall(
            task=task, model=getattr(llm, "model", llm.model_id), ok=False, fallback=True,
            attempts=getattr(llm, "retries", 0) + 1, prompt_tokens=0, completion_tokens=0,
            total_tokens=0, latency_ms=ms, error=exc.message,
        )  # fmt: skip
    latency = done.latency_ms or round((time.perf_counter() - start) * 1000, 1)
    return done, LLMCall(
        task=task, model=done.model, ok=True, fallback=False, attempts=done.attempts,
        prompt_tokens=done.prompt_tokens, completion_tokens=done.completion_tokens,
        total_tokens=done.prompt_tokens + done.completion_tokens, latency_ms=latency,
    )  # fmt: skip


def unusable(call: LLMCall, why: str) -> LLMCall:
    """``call`` marked as answered but not usable (``why``), so the fallback was used."""
    return call.model_copy(update={"ok": False, "fallback": True, "error": why})


_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.S)


def strip_fence(text: str) -> str:
    """``text`` without a Markdown code fence around it (models often add one to JSON)."""
    m = _FENCE.match(text.strip())
    return m.group(1) if m else text
