#!/usr/bin/env python3
"""Interop client: the official MCP Python SDK (PyPI `mcp`) against a server over stdio or HTTP.

    python_client.py --era legacy|modern [--timeout SECONDS] -- SERVER_COMMAND [ARGS...]
    python_client.py --era legacy|modern --transport http --url http://HOST:PORT/mcp
    python_client.py --era legacy --transport sse --url http://HOST:PORT/sse
    ... --transport http|sse --url URL --bearer TOKEN [--expect-denied-tool NAME]

`--transport` picks the SDK's client transport (default `stdio`, which launches the command):

- `stdio`: `StdioServerParameters`, the server as a child process.
- `http`: Streamable HTTP (`mcp.client.streamable_http.streamable_http_client`, what `Client`
  builds from a URL string). Legacy: `initialize` opens an `Mcp-Session-Id` session and the
  server's requests (sampling, elicitation, roots) and notifications (progress, logging) arrive
  on the POST's SSE stream. Modern: stateless POSTs with `MCP-Protocol-Version` / `Mcp-Method` /
  `Mcp-Name` headers set by the SDK.
- `sse`: the 2024-11-05 HTTP+SSE transport (`mcp.client.sse.sse_client`): GET the SSE stream,
  POST to the `endpoint` it names; legacy era only (the 2026-07-28 revision has no such
  transport).

Both eras go through the SDK (`mcp.Client`), nothing is hand-rolled:

- `--era legacy`: `Client(mode="legacy")`, the SDK's `initialize` handshake at its newest
  handshake revision (2025-11-25); sampling, elicitation and roots are answered by the SDK's
  client callbacks when the server sends them mid-call.
- `--era modern`: `Client(mode="2026-07-28")`, stateless 2026-07-28 requests with the per-request
  `_meta` envelope and no `initialize` (plus one explicit `server/discover`); `input_required`
  results are fulfilled by the same callbacks and retried by the SDK, and a few round trips are
  driven by hand (`allow_input_required=True`) to check their shape.

`--bearer TOKEN` (http/sse only) sends `Authorization: Bearer TOKEN` on every HTTP request,
through the SDK's own hooks: an `httpx2.AsyncClient` built by `mcp.shared._httpx_utils.
create_mcp_http_client(headers=...)` handed to `streamable_http_client(url, http_client=...)`, or
`sse_client(url, headers=...)`. `--expect-denied-tool NAME` (repeatable) names a tool the token
lacks the scope for: calling it must raise (the server answers HTTP 403 `insufficient_scope`;
whatever error the SDK surfaces is accepted) and must not produce a result; that tool is
otherwise left out, and every other check runs as usual.

Prints one line per check (`PASS ...` / `FAIL ... -- detail`) and ends with `N passed, M failed`;
exits 1 when any check failed, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import importlib.metadata
import json
import sys
import traceback
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx2
import mcp_types as types
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError

MODERN = "2026-07-28"
LEGACY = "2025-11-25"
LOG_LEVEL_META_KEY = "io.modelcontextprotocol/logLevel"
SIMPLE_TEXT = "This is a simple text response for testing."
SAMPLED_TEXT = "Paris is the capital of France (fixed interop answer)."
ROOT_URI = "file:///tmp/mcp-interop-root"
NONEXISTENT_URI = "test://nonexistent-resource-for-conformance-testing"

# The fixtures every run requires (names from the official conformance suite).
CONTRACT_TOOLS = [
    "test_simple_text",
    "test_image_content",
    "test_audio_content",
    "test_embedded_resource",
    "test_multiple_content_types",
    "test_tool_with_logging",
    "test_error_handling",
    "test_tool_with_progress",
    "test_sampling",
    "test_elicitation",
    "test_elicitation_sep1034_defaults",
    "test_elicitation_sep1330_enums",
    "echo",
    "sum",
]
CONTRACT_PROMPTS = [
    "test_simple_prompt",
    "test_prompt_with_arguments",
    "test_prompt_with_embedded_resource",
    "test_prompt_with_image",
]

warnings.simplefilter("ignore", MCPDeprecationWarning)


class Checks:
    """Counts and prints checks, one line each."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def ok(self, name: str, cond: bool, detail: Any = "") -> bool:
        if cond:
            self.passed += 1
            print(f"PASS {name}", flush=True)
        else:
            self.failed += 1
            text = detail if isinstance(detail, str) else short(detail)
            print(f"FAIL {name} -- {text}", flush=True)
        return cond

    def fail(self, name: str, detail: Any) -> None:
        self.ok(name, False, detail)

    def info(self, text: str) -> None:
        print(f"INFO {text}", flush=True)


def short(value: Any, limit: int = 600) -> str:
    """A compact JSON rendering of a result or model, for failure details."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(by_alias=True, mode="json", exclude_none=True)
    try:
        text = json.dumps(value, default=str)
    except TypeError:
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, MCPError):
        return f"JSON-RPC error {exc.error.code}: {exc.error.message} data={short(exc.error.data)}"
    return f"{type(exc).__name__}: {exc}"


def dump(model: Any) -> dict[str, Any]:
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


def b64_ok(data: str) -> bool:
    try:
        return len(base64.b64decode(data, validate=True)) > 0
    except (binascii.Error, ValueError):
        return False


def texts_of(blocks: list[Any]) -> list[str]:
    return [b.text for b in blocks if getattr(b, "type", None) == "text"]


def fill_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Form content that satisfies an elicitation `requestedSchema` (defaults where given)."""
    content: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        content[name] = sample_value(name, prop)
    return content


def sample_value(name: str, prop: dict[str, Any]) -> Any:
    if "default" in prop:
        return prop["default"]
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items") or {}
        choices = items.get("enum") or [c.get("const") for c in items.get("anyOf") or items.get("oneOf") or []]
        return [choices[0]] if choices else ["interop"]
    if prop.get("enum"):
        return prop["enum"][0]
    if prop.get("oneOf") or prop.get("anyOf"):
        return (prop.get("oneOf") or prop.get("anyOf"))[0].get("const")
    if kind == "integer":
        return max(1, int(prop.get("minimum", 1)))
    if kind == "number":
        return max(1.5, float(prop.get("minimum", 1.5)))
    if kind == "boolean":
        return True
    if prop.get("format") == "email" or "email" in name.lower():
        return "octocat@example.com"
    if prop.get("format") == "uri":
        return "https://example.com/interop"
    if prop.get("format") == "date":
        return "2026-01-01"
    if prop.get("format") == "date-time":
        return "2026-01-01T00:00:00Z"
    return "octocat"


def arguments_for(tool: types.Tool) -> dict[str, Any]:
    """Sensible arguments for a tool this script has no special knowledge of."""
    schema = tool.input_schema or {}
    required = set(schema.get("required") or [])
    return {name: sample_value(name, prop) for name, prop in (schema.get("properties") or {}).items() if name in required}


class Recorder:
    """The client callbacks: fixed answers, and a record of what the server asked."""

    def __init__(self) -> None:
        self.sampling: list[types.CreateMessageRequestParams] = []
        self.elicitation: list[dict[str, Any]] = []
        self.roots = 0
        self.logs: list[types.LoggingMessageNotificationParams] = []

    async def sampling_cb(self, _ctx: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
        self.sampling.append(params)
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(text=SAMPLED_TEXT),
            model="interop-fixed-model",
            stop_reason="endTurn",
        )

    async def elicitation_cb(self, _ctx: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        raw = dump(params)
        self.elicitation.append(raw)
        return types.ElicitResult(action="accept", content=fill_schema(raw.get("requestedSchema") or {}))

    async def roots_cb(self, _ctx: Any) -> types.ListRootsResult:
        self.roots += 1
        return types.ListRootsResult(roots=[types.Root(uri=ROOT_URI, name="interop root")])

    async def logging_cb(self, params: types.LoggingMessageNotificationParams) -> None:
        self.logs.append(params)

    async def answer(self, request: Any) -> Any:
        """Answers one embedded input request (manual multi-round-trip driving)."""
        if isinstance(request, types.ElicitRequest):
            return await self.elicitation_cb(None, request.params)
        if isinstance(request, types.CreateMessageRequest):
            return await self.sampling_cb(None, request.params)
        if isinstance(request, types.ListRootsRequest):
            return await self.roots_cb(None)
        raise ValueError(f"unknown input request {short(request)}")


class Run:
    def __init__(
        self, era: str, transport: str, server: Callable[[], Any], timeout: float, denied: frozenset[str] = frozenset()
    ) -> None:
        self.era = era
        # Tools the bearer token lacks the scope for: each call must fail, never run.
        self.denied = denied
        self.modern = era == "modern"
        self.transport = transport
        # A fresh connection target per client: an SDK transport context is entered only once.
        self.server = server
        self.timeout = timeout
        self.c = Checks()
        self.rec = Recorder()

    def client(self, rec: Recorder | None, **extra: Any) -> Client:
        """A client; without a recorder it declares no client capabilities at all."""
        callbacks: dict[str, Any] = {}
        if rec is not None:
            callbacks = {
                "sampling_callback": rec.sampling_cb,
                "elicitation_callback": rec.elicitation_cb,
                "list_roots_callback": rec.roots_cb,
                "logging_callback": rec.logging_cb,
            }
        return Client(
            self.server(),
            mode=MODERN if self.modern else "legacy",
            client_info=types.Implementation(name="mcp-interop-python", version=importlib.metadata.version("mcp")),
            read_timeout_seconds=self.timeout,
            **callbacks,
            **extra,
        )

    async def step(self, name: str, body: Callable[[], Awaitable[None]]) -> None:
        """Runs one group of checks; an exception is one failed check, not the end of the run."""
        try:
            with anyio.fail_after(self.timeout * 3):
                await body()
        except Exception as exc:  # boundary: report and go on with the next group
            self.c.fail(f"{name}: completes", describe_error(exc))
            if not isinstance(exc, (MCPError, TimeoutError)):
                traceback.print_exc(file=sys.stderr)

    # ---- the run ------------------------------------------------------------------------

    async def main(self) -> int:
        self.c.info(
            f"python SDK mcp {importlib.metadata.version('mcp')}, era {self.era}, transport {self.transport}, path: SDK "
            f"(mcp.Client mode={MODERN if self.modern else 'legacy'!r}"
            f"{', stateless per-request _meta, no initialize' if self.modern else ', initialize handshake'})"
        )
        async with self.client(self.rec) as client:
            self.client_ = client
            await self.step("handshake", self.handshake)
            tools: list[types.Tool] = []

            async def list_tools() -> None:
                tools.extend(await self.list_tools())

            await self.step("tools/list", list_tools)
            for tool in tools:
                if tool.name not in self.denied:
                    await self.step(f"tools/call {tool.name}", lambda tool=tool: self.call_tool(tool))
            for name in sorted(self.denied):
                await self.step(f"tools/call {name} (denied)", lambda name=name: self.denied_call(name, tools))
            await self.step("prompts", self.prompts)
            await self.step("resources", self.resources)
            await self.step("completion/complete", self.completion)
            if self.modern:
                names = {t.name for t in tools}
                await self.step("manual input_required round trips", lambda: self.manual_rounds(names))
                await self.step("manual input_required prompt", self.prompt_rounds)
        if self.modern:
            await self.step("client without capabilities", self.bare_client)
            await self.step("client with sampling only", self.sampling_only_client)
        print(f"{self.c.passed} passed, {self.c.failed} failed", flush=True)
        return 0 if self.c.failed == 0 and self.c.passed > 0 else 1

    async def handshake(self) -> None:
        c, client = self.c, self.client_
        caps = client.server_capabilities
        if self.modern:
            c.ok("modern: negotiated protocol version is 2026-07-28", client.protocol_version == MODERN, client.protocol_version)
            c.ok("modern: no initialize was sent (no InitializeResult)", client.session.initialize_result is None)
            raw = await client.session.send_discover(MODERN)
            c.ok("server/discover: supportedVersions includes 2026-07-28", MODERN in (raw.get("supportedVersions") or []), raw)
            caps_raw = raw.get("capabilities") or {}
            for cap in ("tools", "prompts", "resources", "completions"):
                c.ok(f"server/discover: capability {cap} declared", cap in caps_raw, caps_raw)
            c.ok("server/discover: resultType complete", raw.get("resultType") == "complete", raw)
            c.ok(
                "server/discover: ttlMs and cacheScope present",
                isinstance(raw.get("ttlMs"), int) and raw.get("cacheScope") in ("public", "private"),
                raw,
            )
        else:
            init = client.session.initialize_result
            c.ok("initialize: protocolVersion 2025-11-25", client.protocol_version == LEGACY, client.protocol_version)
            c.ok("initialize: serverInfo present", init is not None and bool(init.server_info.name), init)
            for cap in ("tools", "prompts", "resources", "logging", "completions"):
                c.ok(f"initialize: capability {cap} declared", getattr(caps, cap, None) is not None, caps)
            c.ok("initialize: resources.subscribe true", bool(caps.resources and caps.resources.subscribe), caps)
            await client.send_ping()
            c.ok("ping answered", True)

    def cache_hints(self, what: str, result: Any) -> None:
        """2026-07-28: a cacheable result carries ttlMs and cacheScope on the wire."""
        if self.modern:
            sent = {"ttl_ms", "cache_scope"} <= result.model_fields_set
            self.c.ok(f"{what}: ttlMs and cacheScope on the wire", sent, sorted(result.model_fields_set))

    async def list_tools(self) -> list[types.Tool]:
        c = self.c
        result = await self.client_.list_tools()
        self.cache_hints("tools/list", result)
        tools = result.tools
        names = [t.name for t in tools]
        c.info(f"tools: {', '.join(names)}")
        for name in CONTRACT_TOOLS:
            c.ok(f"tools/list: {name} listed", name in names, names)
        bad = [t.name for t in tools if not (t.name and t.description and isinstance(t.input_schema, dict))]
        c.ok("tools/list: every tool has name, description, inputSchema", not bad, bad)
        return tools

    # ---- tools --------------------------------------------------------------------------

    async def denied_call(self, name: str, tools: list[types.Tool]) -> None:
        """A tool the token lacks the scope for: the call raises and yields no result."""
        c = self.c
        listed = next((t for t in tools if t.name == name), None)
        c.info(f"denied tool {name}: {'listed' if listed else 'not listed'} by tools/list")
        args = {"values": [1, 2, 3.5]} if name == "sum" else (arguments_for(listed) if listed else {})
        try:
            r = await self.client_.call_tool(name, args)
        except (MCPError, httpx2.HTTPError) as exc:
            c.ok(f"tools/call {name} without its scope: the SDK raises, the tool does not run", True)
            c.info(f"tools/call {name} without its scope raised {describe_error(exc)}")
            return
        c.fail(f"tools/call {name} without its scope: the SDK raises, the tool does not run", f"got a result {short(r)}")

    async def call_tool(self, tool: types.Tool) -> None:
        c, client, rec = self.c, self.client_, self.rec
        name = tool.name
        label = f"tools/call {name}"
        if name == "test_simple_text":
            r = await client.call_tool(name, {})
            c.ok(f"{label}: text equals the fixture", texts_of(r.content) == [SIMPLE_TEXT] and not r.is_error, r)
        elif name == "test_image_content":
            r = await client.call_tool(name, {})
            imgs = [b for b in r.content if b.type == "image"]
            c.ok(f"{label}: image block, mimeType image/png, base64 data", bool(imgs) and imgs[0].mime_type == "image/png" and b64_ok(imgs[0].data), r)
        elif name == "test_audio_content":
            r = await client.call_tool(name, {})
            aud = [b for b in r.content if b.type == "audio"]
            c.ok(f"{label}: audio block, mimeType audio/wav, base64 data", bool(aud) and aud[0].mime_type == "audio/wav" and b64_ok(aud[0].data), r)
        elif name == "test_embedded_resource":
            r = await client.call_tool(name, {})
            res = [b.resource for b in r.content if b.type == "resource"]
            c.ok(
                f"{label}: resource test://embedded-resource, text/plain, text",
                bool(res) and str(res[0].uri) == "test://embedded-resource" and res[0].mime_type == "text/plain" and bool(getattr(res[0], "text", None)),
                r,
            )
        elif name == "test_multiple_content_types":
            r = await client.call_tool(name, {})
            kinds = [b.type for b in r.content]
            res = [b.resource for b in r.content if b.type == "resource"]
            c.ok(f"{label}: text + image + resource blocks", len(kinds) >= 2 and {"text", "image", "resource"} <= set(kinds), r)
            c.ok(
                f"{label}: resource test://mixed-content-resource (application/json)",
                bool(res) and str(res[0].uri) == "test://mixed-content-resource" and res[0].mime_type == "application/json",
                r,
            )
        elif name == "test_tool_with_logging":
            await self.logging_checks(label)
        elif name == "test_error_handling":
            r = await client.call_tool(name, {})
            c.ok(f"{label}: isError true with a text block", r.is_error and bool(texts_of(r.content)), r)
        elif name == "test_tool_with_progress":
            seen: list[tuple[float, float | None]] = []

            async def on_progress(progress: float, total: float | None, _message: str | None) -> None:
                seen.append((progress, total))

            r = await client.call_tool(name, {}, progress_callback=on_progress)
            values = [p for p, _ in seen]
            c.ok(f"{label}: result not an error", not r.is_error, r)
            c.ok(f"{label}: >= 3 progress notifications", len(values) >= 3, seen)
            c.ok(f"{label}: progress non-decreasing", values == sorted(values), seen)
        elif name == "test_sampling":
            before = len(rec.sampling)
            r = await client.call_tool(name, {"prompt": "What is the capital of France?"})
            c.ok(f"{label}: sampling/createMessage reached the SDK callback", len(rec.sampling) == before + 1, len(rec.sampling) - before)
            c.ok(f"{label}: result has content, not an error", bool(r.content) and not r.is_error, r)
            c.ok(f"{label}: the sampled text is in the result", any(SAMPLED_TEXT in t for t in texts_of(r.content)), r)
        elif name in ("test_elicitation", "test_elicitation_sep1034_defaults", "test_elicitation_sep1330_enums"):
            before = len(rec.elicitation)
            args = {"message": "Please provide your details"} if name == "test_elicitation" else {}
            r = await client.call_tool(name, args)
            asked = rec.elicitation[before:]
            c.ok(f"{label}: elicitation/create reached the SDK callback", len(asked) == 1, asked)
            c.ok(f"{label}: result not an error", bool(r.content) and not r.is_error, r)
            if asked:
                self.elicitation_schema_checks(label, name, asked[0].get("requestedSchema") or {})
        elif name == "test_logging_tool" and self.modern:
            before = len(rec.logs)
            r = await client.call_tool(name, {})
            await anyio.sleep(0.2)
            c.ok(f"{label}: answers, and no notifications/message without _meta logLevel", not r.is_error and len(rec.logs) == before, [dump(x) for x in rec.logs[before:]])
        elif name == "echo":
            r = await client.call_tool(name, {"text": "interop says hi"})
            c.ok(f"{label}: echoes the text", any("interop says hi" in t for t in texts_of(r.content)) and not r.is_error, r)
        elif name == "sum":
            r = await client.call_tool(name, {"values": [1, 2, 3.5]})
            found = any("6.5" in t for t in texts_of(r.content)) or "6.5" in json.dumps(r.structured_content)
            c.ok(f"{label}: sum of [1, 2, 3.5] is 6.5", found and not r.is_error, r)
        else:
            await self.call_other_tool(tool)

    def elicitation_schema_checks(self, label: str, name: str, schema: dict[str, Any]) -> None:
        c = self.c
        props = schema.get("properties") or {}
        if name == "test_elicitation":
            c.ok(f"{label}: requested schema has username and email", {"username", "email"} <= set(props), schema)
        elif name == "test_elicitation_sep1034_defaults":
            want = {"name": "John Doe", "age": 30, "score": 95.5, "status": "active", "verified": True}
            got = {k: (props.get(k) or {}).get("default") for k in want}
            c.ok(f"{label}: defaults name/age/score/status/verified", got == want, schema)
            c.ok(f"{label}: age is an integer", (props.get("age") or {}).get("type") == "integer", schema)
            c.ok(
                f"{label}: status enum active/inactive/pending",
                (props.get("status") or {}).get("enum") == ["active", "inactive", "pending"],
                schema,
            )
        else:
            shapes = {
                "untitledSingle": lambda p: bool(p.get("enum")),
                "titledSingle": lambda p: all("const" in o and "title" in o for o in p.get("oneOf") or [{}]),
                "legacyEnum": lambda p: bool(p.get("enum")) and bool(p.get("enumNames")),
                "untitledMulti": lambda p: p.get("type") == "array" and bool((p.get("items") or {}).get("enum")),
                "titledMulti": lambda p: p.get("type") == "array"
                and all("const" in o and "title" in o for o in (p.get("items") or {}).get("anyOf") or [{}]),
            }
            for key, pred in shapes.items():
                c.ok(f"{label}: {key} shape", key in props and pred(props[key]), props.get(key))

    async def logging_checks(self, label: str) -> None:
        c, client, rec = self.c, self.client_, self.rec
        name = "test_tool_with_logging"
        if self.modern:
            before = len(rec.logs)
            r = await client.call_tool(name, {})
            await anyio.sleep(0.2)
            c.ok(f"{label}: without _meta logLevel no notifications/message", len(rec.logs) == before and not r.is_error, [dump(x) for x in rec.logs[before:]])
            before = len(rec.logs)
            r = await client.call_tool(name, {}, meta={LOG_LEVEL_META_KEY: "debug"})
            await anyio.sleep(0.2)
            c.ok(f"{label}: with _meta logLevel debug >= 3 notifications/message", len(rec.logs) - before >= 3 and not r.is_error, len(rec.logs) - before)
        else:
            await client.set_logging_level("debug")
            c.ok("logging/setLevel debug answered", True)
            before = len(rec.logs)
            r = await client.call_tool(name, {})
            await anyio.sleep(0.2)
            c.ok(f"{label}: >= 3 notifications/message after setLevel debug", len(rec.logs) - before >= 3 and not r.is_error, [dump(x) for x in rec.logs[before:]])

    async def call_other_tool(self, tool: types.Tool) -> None:
        """A tool outside the fixed list: call it with schema-derived arguments."""
        c = self.c
        args = arguments_for(tool)
        label = f"tools/call {tool.name}"
        try:
            r = await self.client_.call_tool(tool.name, args)
        except MCPError as exc:
            # A tool the engine refuses for this client (a capability or extension it lacks) is
            # a well-formed answer too; anything else is a failure.
            c.ok(f"{label} {short(args)}: answered", exc.error.code in (-32021, -32602), describe_error(exc))
            return
        c.ok(f"{label} {short(args)}: answered with content", isinstance(r, types.CallToolResult) and bool(r.content), r)

    # ---- prompts, resources, completion ---------------------------------------------------

    async def prompts(self) -> None:
        c, client = self.c, self.client_
        result = await client.list_prompts()
        self.cache_hints("prompts/list", result)
        prompts = result.prompts
        names = [p.name for p in prompts]
        c.info(f"prompts: {', '.join(names)}")
        for name in CONTRACT_PROMPTS:
            c.ok(f"prompts/list: {name} listed", name in names, names)
        c.ok("prompts/list: every prompt has name and description", all(p.name and p.description for p in prompts), result)
        for prompt in prompts:
            label = f"prompts/get {prompt.name}"
            if prompt.name == "test_prompt_with_arguments":
                r = await client.get_prompt(prompt.name, {"arg1": "alpha-interop", "arg2": "beta-interop"})
                text = " ".join(m.content.text for m in r.messages if m.content.type == "text")
                c.ok(f"{label}: both argument values in the messages", "alpha-interop" in text and "beta-interop" in text, r)
            elif prompt.name == "test_prompt_with_embedded_resource":
                r = await client.get_prompt(prompt.name, {"resourceUri": "test://static-text"})
                c.ok(f"{label}: a message with a resource block", any(m.content.type == "resource" for m in r.messages), r)
            elif prompt.name == "test_prompt_with_image":
                r = await client.get_prompt(prompt.name, {})
                imgs = [m.content for m in r.messages if m.content.type == "image"]
                c.ok(f"{label}: a message with an image block", bool(imgs) and bool(imgs[0].mime_type) and b64_ok(imgs[0].data), r)
            else:
                args = {a.name: "test" for a in prompt.arguments or [] if a.required}
                r = await client.get_prompt(prompt.name, args)
                c.ok(f"{label} {short(args)}: messages with role and content", bool(r.messages) and all(m.role and m.content for m in r.messages), r)

    async def resources(self) -> None:
        c, client = self.c, self.client_
        result = await client.list_resources()
        self.cache_hints("resources/list", result)
        uris = [str(r.uri) for r in result.resources]
        c.info(f"resources: {', '.join(uris)}")
        c.ok("resources/list: every resource has uri and name", all(r.uri and r.name for r in result.resources), result)
        for uri in ("test://static-text", "test://static-binary"):
            c.ok(f"resources/list: {uri} listed", uri in uris, uris)
        for uri in uris:
            r = await client.read_resource(uri)
            self.cache_hints(f"resources/read {uri}", r)
            contents = r.contents
            label = f"resources/read {uri}"
            c.ok(f"{label}: non-empty contents, each with uri", bool(contents) and all(x.uri for x in contents), r)
            if uri == "test://static-text":
                c.ok(f"{label}: text, mimeType text/plain", bool(contents) and getattr(contents[0], "text", None) is not None and contents[0].mime_type == "text/plain", r)
            elif uri == "test://static-binary":
                ok = bool(contents) and b64_ok(getattr(contents[0], "blob", None) or "") and contents[0].mime_type == "image/png"
                c.ok(f"{label}: blob, mimeType image/png", ok, r)
        templates = await client.list_resource_templates()
        self.cache_hints("resources/templates/list", templates)
        tnames = [t.uri_template for t in templates.resource_templates]
        c.ok("resources/templates/list: test://template/{id}/data listed", "test://template/{id}/data" in tnames, tnames)
        r = await client.read_resource("test://template/123/data")
        bodies = [getattr(x, "text", None) or base64.b64decode(getattr(x, "blob", "") or "").decode("utf-8", "replace") for x in r.contents]
        c.ok("resources/read test://template/123/data: contains 123", any("123" in b for b in bodies), r)
        try:
            r = await client.read_resource(NONEXISTENT_URI)
            c.fail(f"resources/read {NONEXISTENT_URI}: JSON-RPC error", f"got a result {short(r)}")
        except MCPError as exc:
            want = -32602 if self.modern else -32002
            c.ok(f"resources/read {NONEXISTENT_URI}: error {want}", exc.error.code == want, describe_error(exc))
        if not self.modern:
            await client.subscribe_resource("test://watched-resource")
            c.ok("resources/subscribe test://watched-resource", True)
            await client.unsubscribe_resource("test://watched-resource")
            c.ok("resources/unsubscribe test://watched-resource", True)

    async def completion(self) -> None:
        r = await self.client_.complete(
            types.PromptReference(name="test_prompt_with_arguments"), {"name": "arg1", "value": "test"}
        )
        self.c.ok("completion/complete ref/prompt arg1: values is a list", isinstance(r.completion.values, list), r)
        self.c.info(f"completion values: {r.completion.values}")

    # ---- modern only ---------------------------------------------------------------------

    async def drive(
        self, label: str, name: str, args: dict[str, Any], rounds: int = 5, prompt: bool = False
    ) -> tuple[list[types.InputRequiredResult], Any]:
        """Calls a tool (or gets a prompt) answering input_required rounds by hand; returns the
        rounds and the end."""
        session, seen = self.client_.session, []
        responses: dict[str, Any] | None = None
        state: str | None = None
        for _ in range(rounds):
            if prompt:
                r = await session.get_prompt(name, args, input_responses=responses, request_state=state, allow_input_required=True)
            else:
                r = await session.call_tool(name, args, input_responses=responses, request_state=state, allow_input_required=True)
            if not isinstance(r, types.InputRequiredResult):
                return seen, r
            seen.append(r)
            responses = {k: await self.rec.answer(v) for k, v in (r.input_requests or {}).items()}
            state = r.request_state
        raise AssertionError(f"{label}: still input_required after {rounds} rounds")

    async def manual_rounds(self, names: set[str]) -> None:
        c, session = self.c, self.client_.session
        # The plain fixture, by hand: round 1 must ask, the retry must complete.
        seen, end = await self.drive("test_elicitation", "test_elicitation", {"message": "manual round"})
        c.ok("manual MRTR test_elicitation: round 1 is input_required", len(seen) >= 1, end)
        if seen:
            first = seen[0]
            methods = [v.method for v in (first.input_requests or {}).values()]
            c.ok("manual MRTR test_elicitation: round 1 asks elicitation/create", "elicitation/create" in methods, first)
        c.ok("manual MRTR test_elicitation: retry with inputResponses completes", isinstance(end, types.CallToolResult) and not end.is_error, end)
        seen, end = await self.drive("test_sampling", "test_sampling", {"prompt": "manual round"})
        methods = [v.method for r in seen for v in (r.input_requests or {}).values()]
        c.ok("manual MRTR test_sampling: asks sampling/createMessage", "sampling/createMessage" in methods, seen)
        c.ok("manual MRTR test_sampling: retry completes with the sampled text", isinstance(end, types.CallToolResult) and any(SAMPLED_TEXT in t for t in texts_of(end.content)), end)

        if "test_input_required_result_elicitation" in names:
            seen, end = await self.drive("ir elicitation", "test_input_required_result_elicitation", {})
            keys = list((seen[0].input_requests or {}).keys()) if seen else []
            c.ok("manual MRTR test_input_required_result_elicitation: key user_name", keys == ["user_name"], keys)
            c.ok("manual MRTR test_input_required_result_elicitation: completes", isinstance(end, types.CallToolResult) and bool(end.content), end)
        firsts = {
            "test_input_required_result_sampling": "sampling/createMessage",
            "test_input_required_result_list_roots": "roots/list",
        }
        for name, method in firsts.items():
            if name in names:
                seen, end = await self.drive(name, name, {})
                got = [v.method for v in (seen[0].input_requests or {}).values()] if seen else []
                c.ok(f"manual MRTR {name}: first input request is {method}", got[:1] == [method], got)
                c.ok(f"manual MRTR {name}: completes", isinstance(end, types.CallToolResult) and bool(end.content) and not end.is_error, end)
        if "test_input_required_result_request_state" in names:
            seen, end = await self.drive("request state", "test_input_required_result_request_state", {})
            first = seen[0] if seen else None
            c.ok(
                "manual MRTR request_state: round 1 has inputRequests and a string requestState",
                first is not None and bool(first.input_requests) and isinstance(first.request_state, str),
                first,
            )
            c.ok("manual MRTR request_state: retry with the echoed state completes", isinstance(end, types.CallToolResult) and not end.is_error, end)
        if "test_input_required_result_multiple_inputs" in names:
            seen, end = await self.drive("multiple inputs", "test_input_required_result_multiple_inputs", {})
            first = seen[0] if seen else None
            methods = {v.method for v in (first.input_requests or {}).values()} if first else set()
            c.ok(
                "manual MRTR multiple_inputs: >= 3 requests covering elicitation, sampling, roots, plus requestState",
                first is not None
                and len(first.input_requests or {}) >= 3
                and {"elicitation/create", "sampling/createMessage", "roots/list"} <= methods
                and isinstance(first.request_state, str),
                first,
            )
            c.ok("manual MRTR multiple_inputs: completes", isinstance(end, types.CallToolResult) and not end.is_error, end)
        if "test_input_required_result_multi_round" in names:
            seen, end = await self.drive("multi round", "test_input_required_result_multi_round", {})
            states = [r.request_state for r in seen]
            c.ok("manual MRTR multi_round: two input_required rounds", len(seen) == 2, [dump(r) for r in seen])
            c.ok("manual MRTR multi_round: requestState differs between rounds", len(states) == 2 and all(states) and states[0] != states[1], states)
            c.ok("manual MRTR multi_round: round 3 completes", isinstance(end, types.CallToolResult) and not end.is_error, end)
        if "test_input_required_result_tampered_state" in names:
            name = "test_input_required_result_tampered_state"
            first = await session.call_tool(name, {}, allow_input_required=True)
            ok = isinstance(first, types.InputRequiredResult) and isinstance(first.request_state, str)
            c.ok("manual MRTR tampered_state: round 1 carries a string requestState", ok, first)
            if ok:
                responses = {k: await self.rec.answer(v) for k, v in (first.input_requests or {}).items()}
                try:
                    r = await session.call_tool(
                        name, {}, input_responses=responses, request_state=first.request_state + "-TAMPERED", allow_input_required=True
                    )
                    c.fail("manual MRTR tampered_state: tampered state is a JSON-RPC error", f"got a result {short(r)}")
                except MCPError as exc:
                    c.ok("manual MRTR tampered_state: tampered state is a JSON-RPC error", True, describe_error(exc))

    async def prompt_rounds(self) -> None:
        c = self.c
        prompts = {p.name for p in (await self.client_.list_prompts()).prompts}
        if "test_input_required_result_prompt" not in prompts:
            return
        seen, end = await self.drive("prompt", "test_input_required_result_prompt", {}, prompt=True)
        c.ok("manual MRTR prompts/get test_input_required_result_prompt: round 1 is input_required", len(seen) >= 1, end)
        c.ok(
            "manual MRTR prompts/get test_input_required_result_prompt: retry returns messages",
            isinstance(end, types.GetPromptResult) and bool(end.messages),
            end,
        )

    async def sampling_only_client(self) -> None:
        """A modern client declaring only sampling: the server must not ask it to elicit."""
        c, rec = self.c, Recorder()
        async with self.client(None, sampling_callback=rec.sampling_cb) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            if "test_input_required_result_capabilities" not in tools:
                return
            r = await client.session.call_tool("test_input_required_result_capabilities", {}, allow_input_required=True)
            methods = [v.method for v in (getattr(r, "input_requests", None) or {}).values()]
            c.ok(
                "sampling-only client: test_input_required_result_capabilities is input_required",
                isinstance(r, types.InputRequiredResult),
                r,
            )
            c.ok("sampling-only client: no elicitation/create among its input requests", "elicitation/create" not in methods, r)

    async def bare_client(self) -> None:
        """A modern client that declares no capabilities: the server must not ask it for input."""
        c = self.c
        async with self.client(None) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            for name, args, cap in (
                ("test_sampling", {"prompt": "hi"}, "sampling/createMessage"),
                ("test_elicitation", {"message": "hi"}, "elicitation/create"),
            ):
                label = f"no client capabilities: {name}"
                try:
                    r = await client.session.call_tool(name, args, allow_input_required=True)
                except MCPError as exc:
                    data = exc.error.data if isinstance(exc.error.data, dict) else {}
                    req = data.get("requiredCapabilities")
                    c.ok(f"{label}: -32021 with requiredCapabilities object", exc.error.code == -32021 and isinstance(req, dict), describe_error(exc))
                    continue
                asked = [v.method for v in (getattr(r, "input_requests", None) or {}).values()]
                c.ok(f"{label}: no {cap} input request (else -32021)", cap not in asked, r)
            if "test_missing_capability" in tools:
                try:
                    r = await client.call_tool("test_missing_capability", {})
                    c.fail("no client capabilities: test_missing_capability is -32021", f"got a result {short(r)}")
                except MCPError as exc:
                    data = exc.error.data if isinstance(exc.error.data, dict) else {}
                    c.ok(
                        "no client capabilities: test_missing_capability is -32021 {requiredCapabilities: {sampling: {}}}",
                        exc.error.code == -32021 and data.get("requiredCapabilities") == {"sampling": {}},
                        describe_error(exc),
                    )


@contextlib.asynccontextmanager
async def authorized_http(url: str, headers: dict[str, str]) -> Any:
    """Streamable HTTP over an SDK-built httpx2 client carrying `headers` on every request (the
    SDK's documented way to add authentication); the client is closed with the transport."""
    async with create_mcp_http_client(headers=headers) as http_client:
        async with streamable_http_client(url, http_client=http_client) as streams:
            yield streams


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--era", choices=("legacy", "modern"), required=True)
    parser.add_argument("--transport", choices=("stdio", "http", "sse"), default="stdio")
    parser.add_argument("--url", help="the server URL (http: the /mcp endpoint, sse: the /sse endpoint)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default 30)")
    parser.add_argument("--bearer", metavar="TOKEN", help="send Authorization: Bearer TOKEN on every HTTP request")
    parser.add_argument(
        "--expect-denied-tool",
        metavar="NAME",
        action="append",
        default=[],
        help="a tool the token lacks the scope for: calling it must fail (repeatable; needs --bearer)",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- SERVER_COMMAND [ARGS...] (stdio only)")
    ns = parser.parse_args()
    command = ns.command[1:] if ns.command[:1] == ["--"] else ns.command
    server: Callable[[], Any]
    if ns.transport == "stdio":
        if not command or ns.url:
            parser.error("--transport stdio takes -- SERVER_COMMAND [ARGS...] and no --url")
        params = StdioServerParameters(command=command[0], args=command[1:])
        server = lambda: params  # noqa: E731
    else:
        if not ns.url or command:
            parser.error(f"--transport {ns.transport} takes --url and no server command")
        if ns.transport == "sse" and ns.era == "modern":
            parser.error("the 2024-11-05 HTTP+SSE transport is legacy-era only: use --transport http")
        url = ns.url
        headers = {"Authorization": f"Bearer {ns.bearer}"} if ns.bearer else None
        if ns.transport == "sse":
            server = lambda: sse_client(url, headers=headers, sse_read_timeout=ns.timeout * 10)  # noqa: E731
        elif headers:
            server = lambda: authorized_http(url, headers)  # noqa: E731
        else:
            # http: Client builds its Streamable HTTP transport from the URL string.
            server = lambda: url  # noqa: E731
    if ns.bearer and ns.transport == "stdio":
        parser.error("--bearer is for --transport http|sse")
    if ns.expect_denied_tool and not ns.bearer:
        parser.error("--expect-denied-tool needs --bearer")
    run = Run(ns.era, ns.transport, server, ns.timeout, frozenset(ns.expect_denied_tool))
    try:
        return anyio.run(run.main)
    except BaseException as exc:  # boundary: the connection itself failed
        traceback.print_exc(file=sys.stderr)
        run.c.fail("connection to the server", describe_error(exc))
        print(f"{run.c.passed} passed, {run.c.failed} failed", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
