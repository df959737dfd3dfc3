#!/usr/bin/env python3
"""Acceptance scenarios of the Confluence example (examples.md §4.2 1-13, plus the §4.4
cross-cutting checks) through the official MCP Python SDK client (PyPI `mcp`), over Streamable
HTTP, against `confluence` servers talking to the local fake Atlassian (`fake-atlassian`).

    confluence_scenarios.py --fake http://127.0.0.1:8089 --url http://127.0.0.1:3002/mcp
        [--url-spaces URL] [--url-readonly URL] [--url-down URL]
        [--url-users URL --alice-key KEY --bob-key KEY --carol-key KEY --dave-key KEY]
        [--max-in-flight N] [--timeout S]

The servers (started by tests/tests/e2e/example_confluence.rs, or by hand):

- `--url`: the main server, service account alice (Basic email + API token), no allow-list,
  `--max-in-flight N` (default 4);
- `--url-spaces`: `--spaces ENG` (scenario 13);
- `--url-readonly`: `--read-only` (only the four read tools), through the gateway URL style
  (`--cloud-id`) with alice's OAuth bearer token;
- `--url-down`: pointed at a port where nothing listens (upstream down, readiness);
- `--url-users`: `--api-keys` (MCP keys of subjects alice, bob, carol, dave) and
  `--user-credentials` mapping alice / bob to the fake's API tokens (scenario 10: author
  attribution), carol to a wrong token (explicit 401) and dave to nothing.

Cancelling a `confluence_get_page` call (legacy session and 2026-07-28) must abort its upstream request
(`Scenarios.cancel` in `harness.py`, which holds all the two Atlassian scripts share).

Every MCP call goes through `mcp.Client`; the fake's admin API (`/__fake/...`, no auth) is read
and driven with urllib. The fake is reset first (`POST /__fake/reset`). Checks print
`PASS name` / `FAIL name -- detail`; the last line is `N passed, M failed`; exit 1 on any failure,
2 on bad usage. A group whose checks are skipped (its server URL not given) says `SKIP`.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import mcp_types as types
from harness import (
    ALICE_ID,
    BOB_ID,
    CLOUD_ID,
    MODERN,
    Scenarios,
    arguments,
    describe_error,
    path_is,
    query_of,
    run,
    text_of,
)
from mcp.shared.exceptions import MCPError

READ_TOOLS = frozenset({"confluence_search", "confluence_get_page", "confluence_list_spaces", "confluence_get_page_children"})
WRITE_TOOLS = frozenset({"confluence_create_page", "confluence_update_page", "confluence_add_comment"})
RUNBOOK = "65541"  # ENG, version 7, has a toc macro
CHECKLIST = "65542"  # ENG, version 1, no macros
ENG_HOME = "65537"
BIG_PAGE = "65600"
HR_HANDBOOK = "65700"


def stored_body(page: dict[str, Any]) -> str:
    body = page.get("body") or {}
    storage = body.get("storage") if isinstance(body, dict) else None
    if isinstance(storage, dict):
        return storage.get("value") or ""
    if isinstance(body, dict) and "value" in body:
        return body.get("value") or ""
    return body if isinstance(body, str) else json.dumps(body)


def version_of(page: dict[str, Any]) -> Any:
    return (page.get("version") or {}).get("number")


def get_page(i: int) -> tuple[str, dict[str, Any]]:
    """A cheap read: login note `66001 + i`."""
    return "confluence_get_page", {"page_id": str(66001 + i)}


class Run(Scenarios):
    service = "Confluence"
    read_tools = READ_TOOLS
    write_tools = WRITE_TOOLS
    destructive = frozenset({"confluence_update_page"})

    # ---- the run ------------------------------------------------------------------------

    async def main(self) -> int:
        self.fake.reset()
        async with self.client(self.ns.url) as client:
            self.client_ = client
            await self.step("tools/list", self.tools_list)
            await self.step("s1 CQL search with cursor", self.s1_search_cursor)
            await self.step("s2 plain text escaped into CQL", self.s2_plain_text)
            await self.step("s3 get page returns version", self.s3_get_page)
            await self.step("s4 stale update conflict", self.s4_stale_update)
            await self.step("s5 happy update increments", self.s5_happy_update)
            await self.step("s6 missing expected_version", self.s6_missing_version)
            await self.step("s7 lossy overwrite guarded", self.s7_lossy_guard)
            await self.step("s8 create page", self.s8_create_page)
            await self.step("s9 not found / no permission", self.s9_not_found)
            await self.step("s11 large page truncation", self.s11_truncation)
            await self.step("s12 429 retry policy", self.s12_rate_limit)
            await self.step("extra: spaces, children, comment", self.extra_tools)
            await self.step(
                "x upstream 503 unavailable",
                lambda: self.upstream_503(f"/wiki/api/v2/pages/{CHECKLIST}", "confluence_get_page", {"page_id": CHECKLIST}),
            )
            await self.step("x concurrency cap", lambda: self.concurrency(get_page))
            await self.step("x cancel reaches upstream (legacy)", lambda: self.x_cancel(client, "legacy"))
        async with self.client(self.ns.url, mode=MODERN) as modern:
            await self.step("x 2026-07-28 era", lambda: self.x_modern_era(modern))
            await self.step("x cancel reaches upstream (2026-07-28)", lambda: self.x_cancel(modern, MODERN))
        await self.step("s10 author attribution", self.s10_attribution)
        await self.step("x upstream auth errors", self.x_upstream_auth)
        await self.step("s13 space allow-list", self.s13_allow_list)
        await self.step("x read-only mode", self.x_read_only)
        await self.step(
            "x upstream down",
            lambda: self.upstream_down(("confluence_get_page", {"page_id": RUNBOOK}), ("confluence_search", {"query": "login"})),
        )
        return self.finish()

    # ---- tools/list: strict schemas + annotations (§4.4) ------------------------------------

    async def tools_list(self) -> None:
        tools = {t.name: t for t in (await self.client_.list_tools()).tools}
        c = self.c
        self.tool_list(tools, min_description=41)
        update = (tools.get("confluence_update_page") or types.Tool(name="x", input_schema={})).input_schema
        c.ok(
            "tools/list confluence_update_page: page_id, expected_version, body required",
            set(update.get("required") or []) == {"page_id", "expected_version", "body"},
            update.get("required"),
        )
        props = update.get("properties") or {}
        c.ok(
            "tools/list confluence_update_page: body_format enum markdown|storage",
            (props.get("body_format") or {}).get("enum") == ["markdown", "storage"],
            props.get("body_format"),
        )
        c.ok(
            "tools/list confluence_update_page: expected_version integer >= 1",
            (props.get("expected_version") or {}).get("type") == "integer"
            and (props.get("expected_version") or {}).get("minimum") == 1,
            props.get("expected_version"),
        )
        search = (tools.get("confluence_search") or types.Tool(name="x", input_schema={})).input_schema
        limit = (search.get("properties") or {}).get("limit") or {}
        c.ok("tools/list confluence_search: limit 1..50", limit.get("minimum") == 1 and limit.get("maximum") == 50, limit)
        c.ok("tools/list confluence_search: query required", search.get("required") == ["query"], search.get("required"))
        get = (tools.get("confluence_get_page") or types.Tool(name="x", input_schema={})).input_schema
        fmt = (get.get("properties") or {}).get("format") or {}
        c.ok("tools/list confluence_get_page: format enum", fmt.get("enum") == ["markdown", "storage"], fmt)

    # ---- §4.2 ---------------------------------------------------------------------------

    async def s1_search_cursor(self) -> None:
        c = self.c
        self.fake.clear_log()
        ids: list[str] = []
        cursor = None
        pages = 0
        last: types.CallToolResult | None = None
        for _ in range(3):
            args: dict[str, Any] = {"query": 'title ~ "Login note"', "limit": 10}
            if cursor:
                args["cursor"] = cursor
            r = await self.call(self.client_, "confluence_search", args)
            last = r
            if not c.ok(f"s1 page {pages + 1}: not an error", not r.is_error, text_of(r)):
                return
            sc = r.structured_content or {}
            results = sc.get("results") or []
            c.ok(f"s1 page {pages + 1}: 10 results", len(results) == 10, len(results))
            c.ok(
                f"s1 page {pages + 1}: highlight markers stripped",
                all("@@@" not in (h.get("title", "") + h.get("excerpt", "")) for h in results)
                and "@@@" not in text_of(r),
                results[:2],
            )
            ids.extend(h.get("id") for h in results)
            cursor = sc.get("next_cursor")
            pages += 1
            if pages < 3:
                c.ok(f"s1 page {pages}: next_cursor", bool(cursor), sc)
        c.ok("s1 30 distinct ids over three pages", len(ids) == 30 and len(set(ids)) == 30, ids)
        c.ok(
            "s1 the ids are the 30 login notes",
            set(ids) == {str(i) for i in range(66001, 66031)},
            sorted(ids),
        )
        c.ok("s1 last page has no next_cursor", last is not None and not (last.structured_content or {}).get("next_cursor"), last)
        searches = [e for e in self.fake.requests() if path_is(e, "GET", "/wiki/rest/api/search")]
        c.ok("s1 three GET /wiki/rest/api/search", len(searches) == 3, searches)
        c.ok(
            "s1 pages 2 and 3 sent cursor=, never start=",
            all("cursor" in query_of(e) for e in searches[1:]) and all("start" not in query_of(e) for e in searches),
            [e.get("query") for e in searches],
        )

    async def s2_plain_text(self) -> None:
        c = self.c
        self.fake.clear_log()
        query = 'login "outage" AND x'
        r = await self.call(self.client_, "confluence_search", {"query": query})
        c.ok("s2 plain text: no error (no 400 from CQL)", not r.is_error, text_of(r))
        expected = 'siteSearch ~ "login \\"outage\\" AND x"'
        sc = r.structured_content or {}
        c.ok("s2 reported CQL is one escaped siteSearch literal", sc.get("cql") == expected, sc.get("cql"))
        searches = [e for e in self.fake.requests() if path_is(e, "GET", "/wiki/rest/api/search")]
        sent = query_of(searches[-1]).get("cql", [""])[0] if searches else None
        c.ok("s2 upstream CQL is the single escaped literal", sent == expected, sent)
        # An injection attempt stays inside the literal too.
        r = await self.call(self.client_, "confluence_search", {"query": 'x" OR space = HR OR text ~ "y'})
        sc = r.structured_content or {}
        c.ok(
            "s2 injection attempt stays one literal",
            not r.is_error and sc.get("cql") == 'siteSearch ~ "x\\" OR space = HR OR text ~ \\"y"',
            (text_of(r), sc.get("cql")),
        )

    async def s3_get_page(self) -> None:
        c = self.c
        r = await self.call(self.client_, "confluence_get_page", {"page_id": RUNBOOK})
        if not c.ok("s3 get page: not an error", not r.is_error, text_of(r)):
            return
        sc = r.structured_content or {}
        c.ok("s3 title", sc.get("title") == "Runbook: login outage", sc.get("title"))
        c.ok("s3 space key ENG", sc.get("space_key") == "ENG", sc.get("space_key"))
        c.ok("s3 version 7", sc.get("version") == 7, sc.get("version"))
        c.ok("s3 Markdown body", sc.get("format") == "markdown" and "<ac:" not in sc.get("body", ""), sc.get("body", "")[:300])
        c.ok("s3 toc macro placeholder visible", "[macro: toc]" in sc.get("body", ""), sc.get("body", "")[:500])
        c.ok("s3 has_macros", sc.get("has_macros") is True and "macro toc" in (sc.get("macros") or []), sc)
        c.ok("s3 web URL", "/pages/65541" in (sc.get("url") or ""), sc.get("url"))
        c.ok("s3 text names the version", "version 7" in text_of(r), text_of(r)[:300])
        # By URL, and in storage format.
        url = sc.get("url") or "https://example.atlassian.net/wiki/spaces/ENG/pages/65541/Runbook"
        r = await self.call(self.client_, "confluence_get_page", {"page_id": url, "format": "storage"})
        sc = r.structured_content or {}
        c.ok(
            "s3 by URL in storage format: exact storage",
            not r.is_error and sc.get("id") == RUNBOOK and 'ac:name="toc"' in sc.get("body", ""),
            text_of(r)[:300],
        )

    def storage_now(self, page_id: str) -> str:
        return stored_body(self.fake.page(page_id))

    async def s4_stale_update(self) -> None:
        c = self.c
        r = await self.call(self.client_, "confluence_get_page", {"page_id": RUNBOOK, "format": "storage"})
        read = r.structured_content or {}
        c.ok("s4 read at version 7", read.get("version") == 7, read.get("version"))
        self.fake.bump(RUNBOOK)
        after_bump = self.fake.page(RUNBOOK)
        c.ok("s4 fake bumped to 8 behind our back", version_of(after_bump) == 8, version_of(after_bump))
        body_before = stored_body(after_bump)
        self.fake.clear_log()
        r = await self.call(
            self.client_,
            "confluence_update_page",
            {
                "page_id": RUNBOOK,
                "expected_version": 7,
                "body": read.get("body", "") + "<p>stale edit</p>",
                "body_format": "storage",
            },
        )
        text = text_of(r)
        c.ok("s4 isError", r.is_error is True, text)
        c.ok(
            "s4 conflict text names current version 8",
            "page changed since you read it (current version 8); re-read and retry" in text,
            text,
        )
        puts = [e for e in self.fake.requests() if path_is(e, "PUT", f"/wiki/api/v2/pages/{RUNBOOK}")]
        c.ok("s4 exactly one PUT", len(puts) == 1, puts)
        if puts:
            c.ok(
                "s4 the PUT sent version.number=8 and was rejected 409",
                ((puts[0].get("body") or {}).get("version") or {}).get("number") == 8 and puts[0].get("status") == 409,
                {k: puts[0].get(k) for k in ("status", "body")},
            )
        now = self.fake.page(RUNBOOK)
        c.ok(
            "s4 page unchanged (version 8, same body)",
            version_of(now) == 8 and stored_body(now) == body_before,
            version_of(now),
        )

    async def s5_happy_update(self) -> None:
        c = self.c
        r = await self.call(self.client_, "confluence_get_page", {"page_id": RUNBOOK, "format": "storage"})
        read = r.structured_content or {}
        c.ok("s5 re-read at version 8", read.get("version") == 8, read.get("version"))
        self.fake.clear_log()
        message = "Updated via MCP (scenario 5)"
        new_body = read.get("body", "") + "<p>Fixed by the on-call.</p>"
        r = await self.call(
            self.client_,
            "confluence_update_page",
            {
                "page_id": RUNBOOK,
                "expected_version": 8,
                "body": new_body,
                "body_format": "storage",
                "version_message": message,
            },
        )
        sc = r.structured_content or {}
        c.ok("s5 update succeeds", not r.is_error, text_of(r))
        c.ok("s5 result reports version 9", sc.get("version") == 9, sc)
        puts = [e for e in self.fake.requests() if path_is(e, "PUT", f"/wiki/api/v2/pages/{RUNBOOK}")]
        put_version = ((puts[0].get("body") or {}).get("version") or {}) if puts else {}
        c.ok("s5 one PUT with version.number=9", len(puts) == 1 and put_version.get("number") == 9, puts)
        c.ok("s5 PUT kept the title", puts and (puts[0].get("body") or {}).get("title") == "Runbook: login outage", puts)
        page = self.fake.page(RUNBOOK)
        c.ok("s5 fake at version 9", version_of(page) == 9, version_of(page))
        c.ok("s5 version_message recorded", (page.get("version") or {}).get("message") == message, page.get("version"))
        c.ok("s5 body stored", "Fixed by the on-call." in stored_body(page), stored_body(page)[-200:])

    async def s6_missing_version(self) -> None:
        c = self.c
        self.fake.clear_log()
        try:
            r = await self.call(self.client_, "confluence_update_page", {"page_id": CHECKLIST, "body": "x"})
        except MCPError as exc:
            c.fail("s6 missing expected_version: a tool result, not a protocol error", describe_error(exc))
            return
        c.ok("s6 missing expected_version: isError", r.is_error is True, r)
        c.ok("s6 the error names expected_version", "expected_version" in text_of(r), text_of(r))
        c.ok("s6 nothing sent upstream", not [e for e in self.fake.requests() if e.get("method") == "PUT"], self.fake.requests())

    async def s7_lossy_guard(self) -> None:
        c = self.c
        read = (await self.call(self.client_, "confluence_get_page", {"page_id": RUNBOOK, "format": "storage"})).structured_content or {}
        version = read.get("version")
        self.fake.clear_log()
        r = await self.call(
            self.client_,
            "confluence_update_page",
            {"page_id": RUNBOOK, "expected_version": version, "body": "## Steps\n\nAll new.", "body_format": "markdown"},
        )
        text = text_of(r)
        c.ok("s7 Markdown over a macro page: isError", r.is_error is True, text)
        c.ok("s7 the error explains macros would be lost", "macro" in text and "toc" in text and "storage" in text, text)
        c.ok(
            "s7 no PUT was sent",
            not [e for e in self.fake.requests() if e.get("method") == "PUT"],
            [e for e in self.fake.requests() if e.get("method") == "PUT"],
        )
        page = self.fake.page(RUNBOOK)
        c.ok("s7 page unchanged", version_of(page) == version, version_of(page))
        r = await self.call(
            self.client_,
            "confluence_update_page",
            {
                "page_id": RUNBOOK,
                "expected_version": version,
                "body": read.get("body", "") + "<p>storage edit keeps the macro</p>",
                "body_format": "storage",
            },
        )
        c.ok("s7 storage update (macro preserved): success", not r.is_error, text_of(r))
        page = self.fake.page(RUNBOOK)
        c.ok(
            "s7 the macro is still there",
            'ac:name="toc"' in stored_body(page) and version_of(page) == (version or 0) + 1,
            stored_body(page)[:300],
        )
        # A page without macros takes Markdown, converted to storage.
        read = (await self.call(self.client_, "confluence_get_page", {"page_id": CHECKLIST})).structured_content or {}
        r = await self.call(
            self.client_,
            "confluence_update_page",
            {
                "page_id": CHECKLIST,
                "expected_version": read.get("version"),
                "body": "## Before release\n\n- run **all** tests\n- tag `v1.2`\n\n```bash\nmake release\n```",
                "minor_edit": True,
            },
        )
        c.ok("s7 Markdown update of a macro-free page: success", not r.is_error, text_of(r))
        body = stored_body(self.fake.page(CHECKLIST))
        c.ok(
            "s7 Markdown converted to storage",
            "<h2>Before release</h2>" in body and "<strong>all</strong>" in body and 'ac:name="code"' in body,
            body,
        )
        r = await self.call(self.client_, "confluence_get_page", {"page_id": CHECKLIST})
        sc = r.structured_content or {}
        c.ok(
            "s7 read back as the same Markdown, no macros flagged",
            "```bash\nmake release\n```" in sc.get("body", "") and sc.get("has_macros") is False,
            sc.get("body"),
        )

    async def s8_create_page(self) -> None:
        c = self.c
        self.fake.clear_log()
        title = "Incident 2026-11-22"
        r = await self.call(
            self.client_,
            "confluence_create_page",
            {
                "space_key": "ENG",
                "title": title,
                "body": "## Summary\n\nLogin **failed** for 20 min.",
                "parent_id": ENG_HOME,
            },
        )
        sc = r.structured_content or {}
        if not c.ok("s8 create: success", not r.is_error, text_of(r)):
            return
        c.ok("s8 result: id, version 1, space ENG", bool(sc.get("id")) and sc.get("version") == 1 and sc.get("space_key") == "ENG", sc)
        log = self.fake.requests()
        posts = [e for e in log if path_is(e, "POST", "/wiki/api/v2/pages")]
        sent = (posts[0].get("body") or {}) if posts else {}
        c.ok(
            "s8 POST pages with spaceId 98306 and parentId",
            len(posts) == 1 and str(sent.get("spaceId")) == "98306" and str(sent.get("parentId")) == ENG_HOME,
            sent,
        )
        c.ok(
            "s8 body sent as storage",
            (sent.get("body") or {}).get("representation") == "storage"
            and "<strong>failed</strong>" in (sent.get("body") or {}).get("value", ""),
            sent.get("body"),
        )
        page = self.fake.page(str(sc.get("id")))
        c.ok(
            "s8 fake stored it under the parent in ENG",
            str(page.get("spaceId")) == "98306" and str(page.get("parentId")) == ENG_HOME and page.get("title") == title,
            {k: page.get(k) for k in ("spaceId", "parentId", "title")},
        )
        # Another space: its key is resolved to its id through the v2 spaces list.
        self.fake.clear_log()
        r = await self.call(self.client_, "confluence_create_page", {"space_key": "HR", "title": "Onboarding 2026", "body": "Welcome."})
        c.ok("s8 create at the top of HR: success", not r.is_error, text_of(r))
        log = self.fake.requests()
        lookups = [e for e in log if path_is(e, "GET", "/wiki/api/v2/spaces")]
        # A fresh server asks `GET spaces?keys=HR`; one that listed spaces before knows the id.
        c.ok(
            "s8 a space lookup, if any, asked for keys=HR",
            all(query_of(e).get("keys") == ["HR"] for e in lookups),
            [(e.get("path"), e.get("query")) for e in log],
        )
        posts = [e for e in log if path_is(e, "POST", "/wiki/api/v2/pages")]
        c.ok(
            "s8 space key HR resolved: POST pages with spaceId 98307",
            len(posts) == 1 and str((posts[0].get("body") or {}).get("spaceId")) == "98307",
            [e.get("body") for e in posts],
        )
        r = await self.call(self.client_, "confluence_create_page", {"space_key": "ENG", "title": title, "body": "again"})
        text = text_of(r)
        c.ok("s8 duplicate title: isError", r.is_error is True, text)
        c.ok("s8 duplicate title: Confluence's message", "already exists" in text, text)
        r = await self.call(self.client_, "confluence_create_page", {"space_key": "NOPE", "title": "x", "body": "x"})
        c.ok("s8 unknown space: isError naming it", r.is_error is True and "NOPE" in text_of(r), text_of(r))

    async def s9_not_found(self) -> None:
        c = self.c
        r = await self.call(self.client_, "confluence_get_page", {"page_id": "99999"})
        text = text_of(r)
        c.ok("s9 missing page: isError", r.is_error is True, text)
        c.ok("s9 carries Confluence's v2 title and the id", "Not Found" in text and "99999" in text, text)
        c.ok("s9 not an {error: ...} success", r.structured_content is None and not text.lstrip().startswith("{"), r)
        self.fake.fault(method="GET", path=f"/wiki/api/v2/pages/{CHECKLIST}", status=403, times=1)
        r = await self.call(self.client_, "confluence_get_page", {"page_id": CHECKLIST})
        text = text_of(r)
        c.ok("s9 no permission: isError", r.is_error is True, text)
        c.ok("s9 no permission: says so with HTTP 403", "403" in text and "permission" in text.lower(), text)
        r = await self.call(self.client_, "confluence_update_page", {"page_id": "99999", "expected_version": 1, "body": "x"})
        c.ok("s9 update of a missing page: isError", r.is_error is True and "99999" in text_of(r), text_of(r))

    async def s10_attribution(self) -> None:
        c = self.c
        ns = self.ns
        if self.missing("s10 author attribution", "url_users", "alice_key", "bob_key"):
            return
        self.fake.clear_log()
        targets = {"alice": (ns.alice_key, CHECKLIST, ALICE_ID), "bob": (ns.bob_key, "66001", BOB_ID)}
        for user, (key, page_id, account) in targets.items():
            async with self.client(ns.url_users, key) as client:
                read = (await self.call(client, "confluence_get_page", {"page_id": page_id})).structured_content or {}
                r = await self.call(
                    client,
                    "confluence_update_page",
                    {
                        "page_id": page_id,
                        "expected_version": read.get("version"),
                        "body": f"Edited by {user}.",
                        "version_message": f"{user} was here",
                    },
                )
                c.ok(f"s10 {user} updates page {page_id}", not r.is_error, text_of(r))
                page = self.fake.page(page_id)
                c.ok(
                    f"s10 page {page_id} version.authorId is {user}'s",
                    (page.get("version") or {}).get("authorId") == account,
                    page.get("version"),
                )
        log = self.fake.requests()
        c.ok("s10 the fake saw requests", bool(log), log)
        auths = [e.get("authorization") or "" for e in log]
        c.ok(
            "s10 MCP keys never sent upstream",
            all(ns.alice_key not in a and ns.bob_key not in a for a in auths) and not any(
                ns.alice_key in json.dumps(e) or ns.bob_key in json.dumps(e) for e in log
            ),
            auths,
        )
        puts = [e for e in log if e.get("method") == "PUT"]
        c.ok(
            "s10 each PUT carried the caller's own Atlassian account",
            sorted(e.get("account_id") for e in puts) == sorted([ALICE_ID, BOB_ID]),
            [(e.get("path"), e.get("account_id")) for e in puts],
        )

    async def s11_truncation(self) -> None:
        c = self.c
        r = await self.call(self.client_, "confluence_get_page", {"page_id": BIG_PAGE})
        sc = r.structured_content or {}
        if not c.ok("s11 big page: not an error", not r.is_error, text_of(r)[:300]):
            return
        body = sc.get("body", "")
        c.ok("s11 body cut at max_chars 20000", len(body) == 20000, len(body))
        c.ok("s11 truncated: true", sc.get("truncated") is True, {k: sc.get(k) for k in ("truncated", "total_chars")})
        c.ok("s11 total_chars tells the full size", (sc.get("total_chars") or 0) > 20000, sc.get("total_chars"))
        text = text_of(r)
        c.ok(
            "s11 the text has a truncation notice with a hint",
            "truncated" in text and "max_chars" in text and len(text) < 21000,
            text[-400:],
        )
        r = await self.call(self.client_, "confluence_get_page", {"page_id": BIG_PAGE, "max_chars": 1000, "format": "storage"})
        sc = r.structured_content or {}
        c.ok("s11 max_chars 1000 in storage format", len(sc.get("body", "")) == 1000 and sc.get("truncated") is True, len(sc.get("body", "")))
        r = await self.call(self.client_, "confluence_get_page", {"page_id": RUNBOOK})
        c.ok("s11 a small page is not truncated", (r.structured_content or {}).get("truncated") is False, r.structured_content)

    async def s12_rate_limit(self) -> None:
        c = self.c
        self.fake.clear_log()
        path = f"/wiki/api/v2/pages/{CHECKLIST}"
        self.fake.fault(method="GET", path=path, status=429, retry_after="1", times=1)
        r = await self.call(self.client_, "confluence_get_page", {"page_id": CHECKLIST})
        c.ok("s12 GET page after one 429: success", not r.is_error, text_of(r))
        gets = [e for e in self.fake.requests() if path_is(e, "GET", path)]
        c.ok("s12 the GET was retried once (429 then 200)", [e.get("status") for e in gets] == [429, 200], [e.get("status") for e in gets])
        version = (r.structured_content or {}).get("version")
        self.fake.clear_log()
        self.fake.fault(method="PUT", path=path, status=429, retry_after="1", times=1)
        r = await self.call(
            self.client_,
            "confluence_update_page",
            {"page_id": CHECKLIST, "expected_version": version, "body": "rate limited edit"},
        )
        text = text_of(r)
        c.ok("s12 PUT answered 429: isError", r.is_error is True, text)
        c.ok("s12 the error says rate-limited and when to retry", "rate-limited" in text and "retry" in text, text)
        puts = [e for e in self.fake.requests() if path_is(e, "PUT", path)]
        c.ok("s12 PUT sent exactly once", len(puts) == 1, [e.get("status") for e in puts])
        c.ok("s12 page unchanged", version_of(self.fake.page(CHECKLIST)) == version, version_of(self.fake.page(CHECKLIST)))
        # Reads exhausted: a 429 on every attempt ends as a clear rate-limit error.
        self.fake.fault(method="GET", path=path, status=429, retry_after="1", times=None)
        r = await self.call(self.client_, "confluence_get_page", {"page_id": CHECKLIST})
        c.ok("s12 reads exhausted: isError rate-limited", r.is_error is True and "rate-limited" in text_of(r), text_of(r))

    async def x_upstream_auth(self) -> None:
        """Broken upstream credentials are an explicit auth error, never an empty result."""
        c = self.c
        ns = self.ns
        if self.missing("x upstream auth errors", "url_users", "carol_key", "dave_key"):
            return
        async with self.client(ns.url_users, ns.carol_key) as client:
            r = await self.call(client, "confluence_search", {"query": "login"})
            text = text_of(r)
            c.ok("x wrong Atlassian token: search is isError 401, not empty", r.is_error is True and "401" in text and "authentication failed" in text, text)
            r = await self.call(client, "confluence_get_page", {"page_id": RUNBOOK})
            c.ok("x wrong Atlassian token: get page is isError 401", r.is_error is True and "401" in text_of(r), text_of(r))
        async with self.client(ns.url_users, ns.dave_key) as client:
            self.fake.clear_log()
            r = await self.call(client, "confluence_get_page", {"page_id": RUNBOOK})
            c.ok(
                "x caller without an upstream credential: refused, nothing sent",
                r.is_error is True and "no upstream credential for user dave" in text_of(r) and not self.fake.requests(),
                text_of(r),
            )

    async def s13_allow_list(self) -> None:
        c = self.c
        if self.missing("s13 space allow-list", "url_spaces"):
            return
        async with self.client(self.ns.url_spaces) as client:
            self.fake.clear_log()
            r = await self.call(client, "confluence_search", {"query": "type = page", "limit": 50})
            sc = r.structured_content or {}
            c.ok("s13 search: success", not r.is_error, text_of(r))
            c.ok("s13 search: allow-list ANDed into CQL", sc.get("cql") == "(type = page) AND space = ENG", sc.get("cql"))
            c.ok(
                "s13 search: only ENG results",
                bool(sc.get("results")) and all(h.get("space_key") in (None, "ENG") for h in sc.get("results") or []),
                [h.get("space_key") for h in sc.get("results") or []],
            )
            searches = [e for e in self.fake.requests() if path_is(e, "GET", "/wiki/rest/api/search")]
            c.ok(
                "s13 search: upstream CQL carries the restriction",
                bool(searches) and query_of(searches[-1]).get("cql") == ["(type = page) AND space = ENG"],
                [e.get("query") for e in searches],
            )
            r = await self.call(client, "confluence_search", {"query": "space = HR", "space_keys": ["HR"]})
            c.ok("s13 search in HR: refused", r.is_error is True and "HR" in text_of(r), text_of(r))
            r = await self.call(client, "confluence_search", {"query": "space = HR"})
            c.ok(
                "s13 a CQL naming HR only narrows (no HR result)",
                not r.is_error and not (r.structured_content or {}).get("results"),
                r.structured_content,
            )
            r = await self.call(client, "confluence_get_page", {"page_id": HR_HANDBOOK})
            c.ok("s13 get HR page: refused", r.is_error is True and "outside" in text_of(r), text_of(r))
            c.ok("s13 refused get leaks no body", "handbook" not in json.dumps(r.structured_content or {}).lower(), r)
            r = await self.call(client, "confluence_get_page", {"page_id": RUNBOOK})
            c.ok("s13 get ENG page: allowed", not r.is_error, text_of(r)[:200])
            hr_version = version_of(self.fake.page(HR_HANDBOOK))
            self.fake.clear_log()
            r = await self.call(
                client,
                "confluence_update_page",
                {"page_id": HR_HANDBOOK, "expected_version": hr_version or 1, "body": "x", "allow_lossy": True},
            )
            c.ok("s13 update HR page: refused", r.is_error is True and "outside" in text_of(r), text_of(r))
            c.ok("s13 update HR page: no write upstream", not [e for e in self.fake.requests() if e.get("method") != "GET"], self.fake.requests())
            r = await self.call(client, "confluence_get_page_children", {"page_id": HR_HANDBOOK})
            c.ok("s13 children of HR page: refused", r.is_error is True, text_of(r))
            r = await self.call(client, "confluence_add_comment", {"page_id": HR_HANDBOOK, "body": "hi"})
            c.ok("s13 comment on HR page: refused", r.is_error is True, text_of(r))
            self.fake.clear_log()
            r = await self.call(client, "confluence_create_page", {"space_key": "HR", "title": "Sneaky", "body": "x"})
            c.ok("s13 create in HR: refused", r.is_error is True and "outside" in text_of(r), text_of(r))
            c.ok("s13 create in HR: refused before any upstream call", self.fake.requests() == [], self.fake.requests())
            r = await self.call(client, "confluence_list_spaces", {})
            keys = [s.get("key") for s in (r.structured_content or {}).get("spaces") or []]
            c.ok("s13 list spaces: only ENG", keys == ["ENG"], keys)
        c.ok("s13 HR page untouched", version_of(self.fake.page(HR_HANDBOOK)) == hr_version, self.fake.page(HR_HANDBOOK).get("version"))

    # ---- the other tools ------------------------------------------------------------------

    async def extra_tools(self) -> None:
        c = self.c
        r = await self.call(self.client_, "confluence_list_spaces", {})
        keys = {s.get("key"): s for s in (r.structured_content or {}).get("spaces") or []}
        c.ok("spaces: ENG and HR listed", {"ENG", "HR"} <= set(keys), keys)
        c.ok("spaces: ENG id and home page", keys.get("ENG", {}).get("id") == "98306" and keys.get("ENG", {}).get("homepage_id") == ENG_HOME, keys.get("ENG"))
        r = await self.call(self.client_, "confluence_list_spaces", {"keys": ["HR"]})
        c.ok("spaces: keys filter", [s.get("key") for s in (r.structured_content or {}).get("spaces") or []] == ["HR"], r.structured_content)
        r = await self.call(self.client_, "confluence_list_spaces", {"limit": 1})
        sc = r.structured_content or {}
        c.ok("spaces: limit 1 gives a next_cursor", len(sc.get("spaces") or []) == 1 and bool(sc.get("next_cursor")), sc)
        if sc.get("next_cursor"):
            r2 = await self.call(self.client_, "confluence_list_spaces", {"limit": 1, "cursor": sc["next_cursor"]})
            s2 = r2.structured_content or {}
            c.ok(
                "spaces: the cursor gives the next space",
                len(s2.get("spaces") or []) == 1 and s2["spaces"][0].get("key") != sc["spaces"][0].get("key"),
                s2,
            )
        ids: list[str] = []
        cursor = None
        for _ in range(10):
            args: dict[str, Any] = {"page_id": ENG_HOME, "limit": 20}
            if cursor:
                args["cursor"] = cursor
            r = await self.call(self.client_, "confluence_get_page_children", args)
            if r.is_error:
                c.fail("children: success", text_of(r))
                return
            sc = r.structured_content or {}
            ids.extend(ch.get("id") for ch in sc.get("children") or [])
            cursor = sc.get("next_cursor")
            if not cursor:
                break
        c.ok(
            "children: paged through with the cursor, no duplicates, includes runbook and notes",
            len(ids) == len(set(ids)) and RUNBOOK in ids and {str(i) for i in range(66001, 66031)} <= set(ids),
            ids,
        )
        self.fake.clear_log()
        r = await self.call(self.client_, "confluence_add_comment", {"page_id": RUNBOOK, "body": "LGTM, **ship it**"})
        c.ok("comment: success", not r.is_error and bool((r.structured_content or {}).get("id")), text_of(r))
        posts = [e for e in self.fake.requests() if path_is(e, "POST", "/wiki/api/v2/footer-comments")]
        sent = (posts[0].get("body") or {}) if posts else {}
        c.ok(
            "comment: POST footer-comments with storage converted from Markdown",
            str(sent.get("pageId")) == RUNBOOK and "<strong>ship it</strong>" in (sent.get("body") or {}).get("value", ""),
            sent,
        )
        r = await self.call(self.client_, "confluence_add_comment", {"page_id": "99999", "body": "x"})
        c.ok("comment on a missing page: isError", r.is_error is True, text_of(r))

    # ---- §4.4 cross-cutting ----------------------------------------------------------------

    async def x_cancel(self, client: Any, era: str) -> None:
        await self.cancel(
            client,
            era,
            "confluence_get_page",
            {"page_id": CHECKLIST},
            lambda r: (r.structured_content or {}).get("id") == CHECKLIST,
        )

    async def x_modern_era(self, client: Any) -> None:
        """The same server through the SDK's stateless 2026-07-28 mode."""
        c = self.c
        names = {t.name for t in (await client.list_tools()).tools}
        c.ok("x 2026-07-28: the seven tools", names == READ_TOOLS | WRITE_TOOLS, sorted(names))
        r = await self.call(client, "confluence_get_page", {"page_id": RUNBOOK})
        sc = r.structured_content or {}
        c.ok("x 2026-07-28: get page with structuredContent", not r.is_error and sc.get("space_key") == "ENG", text_of(r)[:300])
        r = await self.call(client, "confluence_update_page", {"page_id": RUNBOOK, "body": "x"})
        c.ok("x 2026-07-28: missing expected_version is isError", r.is_error is True and "expected_version" in text_of(r), text_of(r))

    async def x_read_only(self) -> None:
        c = self.c
        if self.missing("x read-only mode", "url_readonly"):
            return
        async with self.client(self.ns.url_readonly) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            c.ok("x read-only: only the four read tools", names == READ_TOOLS, sorted(names))
            # This server goes through the gateway URL style with an OAuth bearer token.
            self.fake.clear_log()
            r = await self.call(client, "confluence_get_page", {"page_id": RUNBOOK})
            c.ok("x read-only: reads work", not r.is_error and (r.structured_content or {}).get("title") == "Runbook: login outage", text_of(r)[:300])
            log = self.fake.requests()
            c.ok(
                "x gateway style: /ex/confluence/{cloudId}/wiki/... with the OAuth bearer",
                bool(log)
                and all((e.get("path") or "").startswith(f"/ex/confluence/{CLOUD_ID}/wiki/") for e in log)
                and all((e.get("authorization") or "").startswith("Bearer ") for e in log),
                [(e.get("path"), (e.get("authorization") or "")[:7]) for e in log],
            )
            update = {"page_id": RUNBOOK, "expected_version": 1, "body": "x"}
            await self.refused(client, "confluence_update_page", update, "x read-only: update is unknown")


def main() -> int:
    parser = arguments(__doc__)
    parser.add_argument("--url-spaces", help="a server started with --spaces ENG")
    parser.add_argument("--carol-key", help="MCP API key of subject carol, mapped to a wrong Atlassian token")
    parser.add_argument("--dave-key", help="MCP API key of subject dave, with no upstream credential")
    return run(Run, parser)


if __name__ == "__main__":
    sys.exit(main())
