"""A local fake of the Anthropic Messages API and the OpenAI Chat Completions API.

It runs on 127.0.0.1 on a free port and is used through the real SDK clients
(``base_url``), never by patching them. Each request is recorded (path, headers,
body, the untrusted block the judge prompt carried, arrival time). Replies are
scripted per API: queued ``Behaviour`` items are used first, then ``default``.
Unless told otherwise the fake "judge" labels a text containing "ignore" as an
injection (0.95) and anything else benign (0.9), and reports fixed token usage.

``GET /v1/models`` answers in each API's own format (told apart by the
``anthropic-version`` header the Anthropic SDK sends) with ``models``;
the same queued behaviours apply. With ``accepted_keys`` set for an API, any
other key gets that API's 401, as the real services answer.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Api = Literal["anthropic", "openai"]
MODELS: dict[Api, tuple[str, ...]] = {
    "anthropic": ("claude-haiku-5-5", "claude-sonnet-5-5"),
    "openai": ("gpt-6-luna", "gpt-6"),
}
BLOCK = re.compile(r"<<<UNTRUSTED-([0-9a-f]{32})>>>\n(.*)\n<<<END-UNTRUSTED-\1>>>", re.DOTALL)
INPUT_TOKENS = 1000
OUTPUT_TOKENS = 100


@dataclass(frozen=True)
class Behaviour:
    status: int = 200
    text: str | None = None
    """The reply text (the judge's answer); ``None``: the default brain decides."""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Received:
    api: Api
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    system: str
    user: str
    at: float
    client_port: int = 0
    """The client's source port: one per connection, so connection reuse is visible."""

    @property
    def nonce(self) -> str | None:
        match = BLOCK.search(self.user)
        return match.group(1) if match else None

    @property
    def block(self) -> str | None:
        """The untrusted text exactly as it sat between the nonce markers."""
        match = BLOCK.search(self.user)
        return match.group(2) if match else None


def judge_answer(block: str | None) -> str:
    if block is not None and "ignore" in block.lower():
        label, category, confidence = "injection", "direct_injection", 0.95
    else:
        label, category, confidence = "benign", "benign", 0.9
    return json.dumps({"label": label, "category": category, "confidence": confidence, "reason": "fake"})


class FakeLlmApi:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.queues: dict[Api, deque[Behaviour]] = {"anthropic": deque(), "openai": deque()}
        self.default: dict[Api, Behaviour] = {"anthropic": Behaviour(), "openai": Behaviour()}
        self.brain: Callable[[str | None], str] = judge_answer
        self.models: dict[Api, tuple[str, ...]] = dict(MODELS)
        self.accepted_keys: dict[Api, str | None] = {"anthropic": None, "openai": None}
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def anthropic_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def queue(self, api: Api, *behaviours: Behaviour) -> None:
        self.queues[api].extend(behaviours)

    def calls(self, api: Api | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if api is None or r.api == api]

    def start(self) -> FakeLlmApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, api: Api) -> Behaviour:
        with self._lock:
            return self.queues[api].popleft() if self.queues[api] else self.default[api]

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def _key_refused(self, api: Api, headers: Any) -> bool:
        wanted = self.accepted_keys[api]
        if wanted is None:
            return False
        # Anthropic SDKs send x-api-key or (newer ones) a bearer token.
        given = {headers.get("x-api-key"), headers.get("authorization")}
        return not given & ({wanted, f"Bearer {wanted}"} if api == "anthropic" else {f"Bearer {wanted}"})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if not path.endswith("/v1/models"):
                    self._send(404, {"error": {"type": "not_found", "message": self.path}}, {})
                    return
                api: Api = "anthropic" if "anthropic-version" in self.headers else "openai"
                received = Received(
                    api, self.path, dict(self.headers), {}, "", "", time.monotonic(), self.client_address[1]
                )
                fake._record(received)
                behaviour = fake._next(api)
                if behaviour.delay:
                    time.sleep(behaviour.delay)
                if fake._key_refused(api, self.headers):
                    self._send(401, _error(api, 401), {})
                elif behaviour.status != 200:
                    self._send(behaviour.status, _error(api, behaviour.status), behaviour.headers)
                else:
                    self._send(200, _models(api, fake.models[api]), behaviour.headers)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.endswith("/v1/messages"):
                    api: Api = "anthropic"
                    system = str(body.get("system", ""))
                    user = str(body["messages"][0]["content"])
                elif self.path.endswith("/chat/completions"):
                    api = "openai"
                    system = str(body["messages"][0]["content"])
                    user = str(body["messages"][1]["content"])
                else:
                    self._send(404, {"error": {"type": "not_found", "message": self.path}}, {})
                    return
                received = Received(
                    api,
                    self.path,
                    dict(self.headers),
                    body,
                    system,
                    user,
                    time.monotonic(),
                    self.client_address[1],
                )
                fake._record(received)
                behaviour = fake._next(api)
                fake._enter()
                try:
                    if behaviour.delay:
                        time.sleep(behaviour.delay)
                finally:
                    fake._leave()
                if fake._key_refused(api, self.headers):
                    self._send(401, _error(api, 401), {})
                    return
                if behaviour.status != 200:
                    self._send(behaviour.status, _error(api, behaviour.status), behaviour.headers)
                    return
                text = behaviour.text if behaviour.text is not None else fake.brain(received.block)
                self._send(200, _success(api, body["model"], text), behaviour.headers)

            def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        return Handler


def _success(api: Api, model: str, text: str) -> dict[str, Any]:
    if api == "anthropic":
        return {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": INPUT_TOKENS, "output_tokens": OUTPUT_TOKENS},
        }
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": INPUT_TOKENS,
            "completion_tokens": OUTPUT_TOKENS,
            "total_tokens": INPUT_TOKENS + OUTPUT_TOKENS,
        },
    }


def _models(api: Api, ids: tuple[str, ...]) -> dict[str, Any]:
    if api == "anthropic":
        data = [
            {"type": "model", "id": i, "display_name": i, "created_at": "2026-01-01T00:00:00Z"} for i in ids
        ]
        return {
            "data": data,
            "has_more": False,
            "first_id": ids[0] if ids else None,
            "last_id": ids[-1] if ids else None,
        }
    return {
        "object": "list",
        "data": [{"id": i, "object": "model", "created": 1767225600, "owned_by": "fake"} for i in ids],
    }


def _error(api: Api, status: int) -> dict[str, Any]:
    kind = {429: "rate_limit_error", 529: "overloaded_error", 401: "authentication_error"}.get(
        status, "api_error"
    )
    if api == "anthropic":
        return {"type": "error", "error": {"type": kind, "message": f"fake {status}"}}
    return {"error": {"message": f"fake {status}", "type": kind, "code": None}}


@contextmanager
def running() -> Iterator[FakeLlmApi]:
    fake = FakeLlmApi().start()
    try:
        yield fake
    finally:
        fake.stop()
