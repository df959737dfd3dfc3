"""What the example scenario scripts share (`jira_scenarios.py`, `confluence_scenarios.py`, and
the base of `postgres_scenarios.py`).

- Check recording: `Checks` (`PASS name` / `FAIL name -- detail` lines), `short` and
  `describe_error`, taken from the interop client `../python_client.py` rather than copied;
  `Scenarios.finish` prints the last line, exactly `N passed, M failed`.
- `ScenarioRun`: the base of any script's run (no upstream of its own): SDK clients, the tool
  outputs kept for the secrets check, scenarios as steps, `SKIP` lines and the summary.
- `Scenarios`: the base of an Atlassian script's run. Builds SDK clients for either era (`mcp.Client`, a
  URL string, or an SDK-built httpx client carrying an `Authorization: Bearer` header: an OAuth
  token or an MCP API key); records every tool output for the final secrets check; runs each
  scenario as a step (an exception is one failed check, and the fake is put back afterwards);
  and holds the checks both Atlassian examples make: strict tools/list, upstream 503, per-user
  concurrency cap, cancellation reaching upstream (both eras), read-only refusal, upstream down
  with readiness, secrets never in tool output.
- `Fake`: the fake Atlassian's admin API (`/__fake/...`, no auth; urllib) and direct REST calls.
- Tool-result and log helpers: `text_of`, `path_is`, `calls`, `query_of`, `poll`, `origin`,
  `http_status`; the fake's accounts (`ALICE_ID`, `BOB_ID`, `CLOUD_ID`, `ALICE_BASIC`,
  `ATLASSIAN_SECRETS`).
- `arguments` / `run`: the command-line flags every script takes, and the entry point.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import sys
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
from mcp import Client
from mcp.shared.exceptions import MCPError

# `tests/interop/python_client.py`, the interop client these scripts grew from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from python_client import Checks, authorized_http, describe_error, short  # noqa: E402

__all__ = [
    "ALICE_BASIC",
    "ALICE_ID",
    "ATLASSIAN_SECRETS",
    "BOB_ID",
    "CLOUD_ID",
    "LEGACY",
    "MODERN",
    "Checks",
    "Fake",
    "MCPError",
    "ScenarioRun",
    "Scenarios",
    "arguments",
    "calls",
    "describe_error",
    "http_status",
    "origin",
    "path_is",
    "poll",
    "query_of",
    "run",
    "short",
    "text_of",
]

LEGACY = "legacy"
MODERN = "2026-07-28"

# The fake's accounts (examples/fake-atlassian/README.md).
ALICE_ID = "5b10ac8d82e05b22cc7d4ef5"
BOB_ID = "5b10a0effa615349cb016cd8"
CLOUD_ID = "1324a887-45db-1bf4-1e99-ef0ff456d421"
ALICE_BASIC = "Basic " + base64.b64encode(b"alice@example.com:alice-api-token").decode()
# Upstream credentials that must never reach a tool output.
ATLASSIAN_SECRETS = [
    "alice-api-token",
    "bob-api-token",
    "mia-api-token",
    "alice-oauth-token",
    base64.b64encode(b"alice@example.com:alice-api-token").decode(),
    base64.b64encode(b"bob@example.com:bob-api-token").decode(),
]

COUNT_WORDS = {4: "four", 5: "five", 7: "seven", 9: "nine"}


# ---- tool results, the fake's log, polling, URLs ----------------------------------------------


def text_of(result: types.CallToolResult) -> str:
    """The text blocks of a tool result, joined by newlines."""
    return "\n".join(b.text for b in result.content if getattr(b, "type", None) == "text")


def path_is(entry: dict[str, Any], method: str, suffix: str) -> bool:
    """Whether a logged upstream request is `method` on a path ending with `suffix`."""
    return entry.get("method") == method and (entry.get("path") or "").endswith(suffix)


def calls(log: list[dict[str, Any]], method: str, suffix: str) -> list[dict[str, Any]]:
    """The logged upstream requests that are `method` on a path ending with `suffix`."""
    return [e for e in log if path_is(e, method, suffix)]


def query_of(entry: dict[str, Any]) -> dict[str, list[str]]:
    """The parsed query string of a logged upstream request."""
    return urllib.parse.parse_qs(entry.get("query") or "", keep_blank_values=True)


async def poll(condition: Callable[[], bool], seconds: float) -> bool:
    """Whether `condition()` became true within `seconds` (checked every 50 ms)."""
    with anyio.move_on_after(seconds):
        while not condition():
            await anyio.sleep(0.05)
        return True
    return False


def origin(url: str) -> str:
    """`scheme://host:port` of a URL."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def http_status(url: str) -> int:
    """The status a plain GET of `url` is answered with."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


# ---- the fake Atlassian ----------------------------------------------------------------------


class Fake:
    """The fake Atlassian's admin API (and direct REST calls, with `headers`)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw.strip() else None

    def reset(self) -> None:
        """Reseed everything; clear the log, faults, config and stats."""
        self.call("POST", "/__fake/reset")

    def clear_log(self) -> None:
        self.call("DELETE", "/__fake/requests")

    def requests(self) -> list[dict[str, Any]]:
        """Every non-admin request since the last clear (`method`, `path`, `status`, ...)."""
        return self.call("GET", "/__fake/requests") or []

    def fault(self, **fault: Any) -> None:
        self.call("POST", "/__fake/faults", fault)

    def clear_faults(self) -> None:
        self.call("DELETE", "/__fake/faults")

    def config(self, **config: Any) -> None:
        """Partial update of `anonymous`, `search_delay`, `latency_ms`."""
        self.call("POST", "/__fake/config", config)

    def stats(self) -> dict[str, Any]:
        """`{"in_flight": n, "max_in_flight": n}` of non-admin requests."""
        return self.call("GET", "/__fake/stats")

    def issue(self, key: str) -> dict[str, Any] | None:
        """The stored Jira issue, or None when there is none."""
        try:
            return self.call("GET", f"/__fake/jira/issues/{key}")
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def page(self, page_id: str) -> dict[str, Any]:
        """The stored Confluence page (raw storage body)."""
        return self.call("GET", f"/__fake/confluence/pages/{page_id}")

    def bump(self, page_id: str) -> Any:
        """A new version of a Confluence page by someone else."""
        return self.call("POST", f"/__fake/confluence/pages/{page_id}/bump")


# ---- the run ---------------------------------------------------------------------------------


class ScenarioRun:
    """The base of a script's run: SDK clients, tool outputs kept for the secrets check,
    scenarios as steps, the summary. A subclass writes `main`."""

    # How many `--timeout`s one scenario may take.
    step_timeouts = 4

    def __init__(self, ns: argparse.Namespace) -> None:
        self.ns = ns
        self.c = Checks()
        # Every tool output seen, for the secrets check.
        self.outputs: list[str] = []

    def client(self, url: str, bearer: str | None = None, mode: str = LEGACY) -> Client:
        """An SDK client of `url` in `mode` (`LEGACY`: an `initialize`d session; `MODERN`:
        stateless 2026-07-28); with `bearer` (an OAuth token or an MCP API key) every HTTP request
        carries `Authorization: Bearer <bearer>`."""
        target: Any = url if bearer is None else authorized_http(url, {"Authorization": f"Bearer {bearer}"})
        return Client(target, mode=mode, read_timeout_seconds=self.ns.timeout)

    async def call(self, client: Client, name: str, args: dict[str, Any]) -> types.CallToolResult:
        """`tools/call` through `client`, its output kept for the secrets check."""
        result = await client.call_tool(name, args)
        self.outputs.append(text_of(result))
        self.outputs.append(json.dumps(result.structured_content or {}))
        return result

    async def step(self, name: str, body: Callable[[], Awaitable[None]]) -> None:
        """One scenario; an exception is one failed check, not the end of the run."""
        try:
            with anyio.fail_after(self.ns.timeout * self.step_timeouts):
                await body()
        except Exception as exc:  # boundary: report and go on
            self.c.fail(f"{name}: completes", describe_error(exc))
            if not isinstance(exc, (MCPError, TimeoutError)):
                traceback.print_exc(file=sys.stderr)
        finally:
            self.after_step()

    def after_step(self) -> None:
        """Puts shared state back after each scenario (nothing here)."""

    def skip(self, what: str) -> None:
        print(f"SKIP {what}", flush=True)

    def missing(self, what: str, *flags: str) -> bool:
        """Whether a command-line value `what` needs is not given (`url_users`, `alice_key`,
        ...); then `what` is skipped: it says `SKIP` and counts as nothing."""
        absent = ["--" + f.replace("_", "-") for f in flags if not getattr(self.ns, f, None)]
        if absent:
            self.skip(f"{what} (no {'/'.join(absent)})")
        return bool(absent)

    def secrets(self) -> list[str]:
        """What must never appear in a tool output: every `--*-key` given."""
        return [v for k, v in sorted(vars(self.ns).items()) if k.endswith("_key") and v]

    def finish(self) -> int:
        """The secrets check, the summary line; the exit status."""
        everything = "\n".join(self.outputs)
        leaked = [s for s in self.secrets() if s in everything]
        self.c.ok(f"x secrets never in tool output ({len(self.outputs) // 2} results scanned)", not leaked and bool(self.outputs), leaked)
        print(f"{self.c.passed} passed, {self.c.failed} failed", flush=True)
        return 1 if self.c.failed else 0


class Scenarios(ScenarioRun):
    """The base of an Atlassian script's run; a subclass sets the class attributes and writes
    `main`."""

    service = ""  # "Jira": how the server names its upstream in error texts
    read_tools: frozenset[str] = frozenset()
    write_tools: frozenset[str] = frozenset()
    destructive: frozenset[str] = frozenset()

    def __init__(self, ns: argparse.Namespace) -> None:
        super().__init__(ns)
        self.fake = Fake(ns.fake)
        self.client_: Client

    async def tool(self, name: str, args: dict[str, Any]) -> types.CallToolResult:
        """`tools/call` on the main server's legacy session."""
        return await self.call(self.client_, name, args)

    def after_step(self) -> None:
        """The fake put back: no faults, authenticated, no delays."""
        with contextlib.suppress(Exception):
            self.fake.clear_faults()
            self.fake.config(anonymous=False, search_delay=0, latency_ms=0)

    def secrets(self) -> list[str]:
        """The fake's credentials and every `--*-key` given."""
        return ATLASSIAN_SECRETS + super().secrets()

    # ---- checks both examples make (examples.md §4.4) ---------------------------------------

    def tool_list(self, tools: dict[str, types.Tool], min_description: int = 1) -> None:
        """The full tool set; every tool strict (`additionalProperties: false`), with an output
        schema, a description and the annotations of its kind."""
        c = self.c
        every = self.read_tools | self.write_tools
        c.ok(f"tools/list: the {COUNT_WORDS.get(len(every), len(every))} tools", set(tools) == every, sorted(tools))
        for name, tool in sorted(tools.items()):
            schema = tool.input_schema or {}
            ann = tool.annotations
            c.ok(f"tools/list {name}: additionalProperties false", schema.get("additionalProperties") is False, schema)
            c.ok(f"tools/list {name}: outputSchema", isinstance(tool.output_schema, dict), tool.output_schema)
            c.ok(f"tools/list {name}: description", len(tool.description or "") >= min_description, tool)
            if ann is None:
                c.fail(f"tools/list {name}: annotations", "none")
                continue
            if name in self.read_tools:
                c.ok(
                    f"tools/list {name}: read-only, idempotent, open world",
                    ann.read_only_hint is True and ann.idempotent_hint is True and ann.open_world_hint is True,
                    ann,
                )
            else:
                destructive = name in self.destructive
                c.ok(
                    f"tools/list {name}: write, destructiveHint={destructive}, open world",
                    not ann.read_only_hint and ann.destructive_hint is destructive and ann.open_world_hint is True,
                    ann,
                )

    async def refused(self, client: Client, name: str, args: dict[str, Any], check: str) -> None:
        """Calling `name` is refused: an isError result or a JSON-RPC error, never a success."""
        try:
            r = await client.call_tool(name, args)
            self.c.ok(check, r.is_error is True, r)
        except MCPError as exc:
            self.c.ok(check, True, describe_error(exc))

    async def upstream_503(self, path: str, name: str, args: dict[str, Any]) -> None:
        """A 503 without Retry-After on every attempt: an isError result naming the service."""
        self.fake.fault(method="GET", path=path, status=503, times=None)
        r = await self.tool(name, args)
        text = text_of(r)
        self.c.ok(
            f"x 503 without Retry-After: isError '{self.service} is unavailable'",
            r.is_error is True and f"{self.service} is unavailable" in text,
            text,
        )

    async def concurrency(self, read: Callable[[int], tuple[str, dict[str, Any]]]) -> None:
        """20 parallel reads (`read(i)` gives tool and arguments) on one session: all answered,
        and the fake never sees more than the server's per-user cap at once."""
        c = self.c
        cap = self.ns.max_in_flight
        # A reset (reseed) zeroes the fake's in-flight high-water mark.
        self.fake.reset()
        self.fake.config(latency_ms=300)
        try:
            before = self.fake.stats()
            results: list[types.CallToolResult] = []

            async def one(i: int) -> None:
                results.append(await self.tool(*read(i)))

            async with anyio.create_task_group() as tg:
                for i in range(20):
                    tg.start_soon(one, i)
            stats = self.fake.stats()
        finally:
            self.fake.config(latency_ms=0)
        c.ok("x 20 parallel reads: all answered", len(results) == 20 and all(not r.is_error for r in results), [text_of(r)[:100] for r in results if r.is_error])
        c.ok(f"x the fake never saw more than the cap ({cap}) at once", stats.get("max_in_flight", 999) <= cap, {"before": before, "after": stats})
        c.ok("x the calls did run in parallel (up to the cap)", stats.get("max_in_flight", 0) >= 2, stats)

    async def cancel(
        self,
        client: Client,
        era: str,
        name: str,
        args: dict[str, Any],
        answered: Callable[[types.CallToolResult], bool],
    ) -> None:
        """Cancelling an MCP call cancels its upstream request (examples.md: "cancellation of an
        MCP request cancels the upstream call").

        The fake answers after 60 s. Once it has the request in flight, the call is cancelled the
        SDK's way: cancelling the task that runs it, on which the SDK sends
        `notifications/cancelled` in a legacy session and closes the request's response stream
        at 2026-07-28. The fake must then see the upstream connection dropped (`in_flight` back
        to 0) long before its 60 s are up; the server must not retry it, and the next call on
        the same client (`answered` judges its result) must work."""
        c = self.c
        fake = self.fake
        c.ok(f"x cancel ({era}): nothing in flight upstream before", fake.stats().get("in_flight") == 0, fake.stats())
        fake.clear_log()
        fake.config(latency_ms=60_000)
        outcome: dict[str, Any] = {}
        try:

            async def run() -> None:
                try:
                    outcome["result"] = await client.call_tool(name, args)
                except BaseException as exc:  # the cancellation itself; what the SDK raises is its business
                    outcome["error"] = exc
                    raise

            async with anyio.create_task_group() as tg:
                tg.start_soon(run)
                reached = await poll(lambda: fake.stats().get("in_flight", 0) >= 1, 20)
                tg.cancel_scope.cancel()
            c.ok(f"x cancel ({era}): the upstream request was in flight before the cancel", reached, fake.stats())
            # Far below the fake's 60 s: only an aborted upstream request ends this soon.
            dropped = await poll(lambda: fake.stats().get("in_flight") == 0, 20)
            c.ok(f"x cancel ({era}): the upstream request was aborted (in_flight back to 0)", dropped, fake.stats())
            c.ok(f"x cancel ({era}): the cancelled call produced no result", "result" not in outcome, outcome.get("result"))
        finally:
            fake.config(latency_ms=0)
        r = await self.call(client, name, args)
        c.ok(f"x cancel ({era}): the next call succeeds", not r.is_error and answered(r), text_of(r)[:300])
        log = fake.requests()
        c.ok(
            f"x cancel ({era}): the fake never answered the cancelled request, and it was not retried",
            [e.get("status") for e in log] == [None, 200],
            [(e.get("method"), e.get("path"), e.get("status")) for e in log],
        )

    async def upstream_down(self, get: tuple[str, dict[str, Any]], search: tuple[str, dict[str, Any]]) -> None:
        """The server whose upstream is unreachable: reads are isError naming the service, and
        its `/health/ready` answers 503 (the main server's 200)."""
        c = self.c
        if self.missing("x upstream down", "url_down"):
            return
        async with self.client(self.ns.url_down) as client:
            r = await self.call(client, *get)
            text = text_of(r)
            c.ok(f"x upstream down: isError '{self.service} is unavailable'", r.is_error is True and f"{self.service} is unavailable" in text, text)
            r = await self.call(client, *search)
            c.ok("x upstream down: search too", r.is_error is True and "unavailable" in text_of(r), text_of(r))
        c.ok("x readiness: down server answers 503", http_status(origin(self.ns.url_down) + "/health/ready") == 503, origin(self.ns.url_down))
        c.ok("x readiness: healthy server answers 200", http_status(origin(self.ns.url) + "/health/ready") == 200, origin(self.ns.url))


# ---- command line ----------------------------------------------------------------------------


def arguments(doc: str | None) -> argparse.ArgumentParser:
    """The flags every script takes; a script adds its own."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the main server's /mcp endpoint")
    parser.add_argument("--fake", required=True, help="the fake Atlassian's base URL")
    parser.add_argument("--url-readonly", help="a server started with --read-only")
    parser.add_argument("--url-down", help="a server whose upstream is unreachable")
    parser.add_argument("--url-users", help="a server with --api-keys and --user-credentials")
    parser.add_argument("--alice-key", help="MCP API key of subject alice on --url-users")
    parser.add_argument("--bob-key", help="MCP API key of subject bob on --url-users")
    parser.add_argument("--max-in-flight", type=int, default=4, help="the main server's --max-in-flight")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    return parser


def run(scenarios: type[ScenarioRun], parser: argparse.ArgumentParser) -> int:
    """Parses the command line and runs `scenarios(ns).main`; its exit status."""
    ns = parser.parse_args()
    return anyio.run(scenarios(ns).main)
