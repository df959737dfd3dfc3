#!/usr/bin/env python3
"""Acceptance scenarios of the Jira example (examples.md §4.1 1-15, plus the §4.4 cross-cutting
checks) through the official MCP Python SDK client (PyPI `mcp`), over Streamable HTTP, against
`jira` servers talking to the local fake Atlassian (`fake-atlassian`).

    jira_scenarios.py --fake http://127.0.0.1:8089 --url http://127.0.0.1:3001/mcp
        [--url-projects URL] [--url-readonly URL] [--url-down URL]
        [--url-users URL --alice-key KEY --bob-key KEY] [--max-in-flight N] [--timeout S]

The servers (started by tests/tests/e2e/example_jira.rs, or by hand):

- `--url`: the main server, service account alice (Basic email + API token), no allow-list,
  `--max-in-flight N` (default 4);
- `--url-projects`: `--projects ENG` (scenario 13);
- `--url-readonly`: `--read-only` (scenario 14: only the five read tools);
- `--url-down`: pointed at a port where nothing listens (upstream down, readiness);
- `--url-users`: `--api-keys` (two MCP keys, subjects alice and bob) and `--user-credentials`
  mapping them to the fake's alice / bob API tokens (scenario 9: comment attribution).

Cancelling a `jira_get_issue` call (legacy session and 2026-07-28) must abort its upstream request
(`Scenarios.cancel` in `harness.py`, which holds all the two Atlassian scripts share).

Every MCP call goes through `mcp.Client`; the fake's admin API (`/__fake/...`, no auth) and one
direct REST call (to show the search delay is real) use urllib. The fake is reset first
(`POST /__fake/reset`). Checks print `PASS name` / `FAIL name -- detail`; the last line is
`N passed, M failed`; exit 1 on any failure, 2 on bad usage. A group whose server URL is not
given prints `SKIP` and counts as nothing.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from harness import (
    ALICE_BASIC,
    ALICE_ID,
    BOB_ID,
    MODERN,
    Scenarios,
    arguments,
    calls,
    describe_error,
    run,
    text_of,
)
from mcp.shared.exceptions import MCPError

READ_TOOLS = frozenset(
    {
        "jira_search_issues",
        "jira_get_issue",
        "jira_get_transitions",
        "jira_get_create_fields",
        "jira_find_user",
    }
)
WRITE_TOOLS = frozenset({"jira_create_issue", "jira_update_issue", "jira_transition_issue", "jira_add_comment"})
SEARCH = "/rest/api/3/search/jql"


def adf_types(node: Any) -> list[str]:
    """Every node type and mark type in an ADF tree, depth first."""
    found: list[str] = []
    if isinstance(node, dict):
        if isinstance(node.get("type"), str):
            found.append(node["type"])
        for mark in node.get("marks") or []:
            found.append("mark:" + mark.get("type", ""))
        for child in node.get("content") or []:
            found.extend(adf_types(child))
    return found


def stored_fields(issue: dict[str, Any] | None) -> dict[str, Any]:
    if not issue:
        return {}
    return issue.get("fields") or issue


def get_issue(i: int) -> tuple[str, dict[str, Any]]:
    """A cheap read: `ENG-<i + 2>` without comments."""
    return "jira_get_issue", {"issue_key": f"ENG-{i + 2}", "comment_limit": 0}


class Run(Scenarios):
    service = "Jira"
    read_tools = READ_TOOLS
    write_tools = WRITE_TOOLS
    destructive = frozenset({"jira_update_issue", "jira_transition_issue"})

    # ---- the run ------------------------------------------------------------------------

    async def main(self) -> int:
        self.fake.reset()
        async with self.client(self.ns.url) as client:
            self.client_ = client
            await self.step("tools/list", self.tools_list)
            # s1 first: it counts exactly the 45 seeded ENG issues.
            await self.step("s1 search paginates", self.s1_paginates)
            await self.step("s2 unbounded/invalid JQL", self.s2_bad_jql)
            await self.step("s3 anonymous auth", self.s3_anonymous)
            await self.step("s4 invalid project", self.s4_invalid_project)
            await self.step("s5 Markdown to ADF", self.s5_markdown)
            await self.step("s6 required custom field", self.s6_required_field)
            await self.step("s7 transition by name", self.s7_transition)
            await self.step("s8 update confirmation", self.s8_update)
            await self.step("s10 429 on read retried", self.s10_read_429)
            await self.step("s11 429 on create not retried", self.s11_create_429)
            await self.step("s12 read-after-write", self.s12_read_after_write)
            await self.step("s15 large issue bounded", self.s15_large_issue)
            await self.step("extra: find user, transitions list, comment", self.extra_tools)
            await self.step(
                "x upstream 503 unavailable",
                lambda: self.upstream_503("/rest/api/3/issue/ENG-8", *get_issue(6)),
            )
            await self.step("x concurrency cap", lambda: self.concurrency(get_issue))
            await self.step("x cancel reaches upstream (legacy)", lambda: self.x_cancel(client, "legacy"))
        async with self.client(self.ns.url, mode=MODERN) as modern:
            await self.step("x 2026-07-28 era", lambda: self.x_modern_era(modern))
            await self.step("x cancel reaches upstream (2026-07-28)", lambda: self.x_cancel(modern, MODERN))
        await self.step("s9 comment attribution", self.s9_attribution)
        await self.step("s13 project allow-list", self.s13_allow_list)
        await self.step("s14 read-only mode", self.s14_read_only)
        await self.step(
            "x upstream down",
            lambda: self.upstream_down(get_issue(0), ("jira_search_issues", {"jql": "project = ENG"})),
        )
        return self.finish()

    # ---- tools/list: strict schemas + annotations (§4.4) ------------------------------------

    async def tools_list(self) -> None:
        tools = {t.name: t for t in (await self.client_.list_tools()).tools}
        c = self.c
        self.tool_list(tools, min_description=41)

        def schema_of(name: str) -> dict[str, Any]:
            tool = tools.get(name)
            return (tool.input_schema if tool else None) or {}

        def prop(name: str, arg: str) -> dict[str, Any]:
            return (schema_of(name).get("properties") or {}).get(arg) or {}

        c.ok("tools/list jira_search_issues: jql required", schema_of("jira_search_issues").get("required") == ["jql"], schema_of("jira_search_issues"))
        mr = prop("jira_search_issues", "max_results")
        c.ok("tools/list jira_search_issues: max_results 1..100", mr.get("minimum") == 1 and mr.get("maximum") == 100, mr)
        cl = prop("jira_get_issue", "comment_limit")
        c.ok("tools/list jira_get_issue: comment_limit 0..50", cl.get("minimum") == 0 and cl.get("maximum") == 50, cl)
        fmt = prop("jira_get_issue", "format")
        c.ok("tools/list jira_get_issue: format markdown|adf", "markdown" in json.dumps(fmt) and "adf" in json.dumps(fmt), fmt)
        key = prop("jira_get_issue", "issue_key")
        c.ok("tools/list jira_get_issue: issue_key has a pattern", bool(key.get("pattern")), key)
        c.ok(
            "tools/list jira_create_issue: project_key, issue_type, summary required",
            set(schema_of("jira_create_issue").get("required") or []) == {"project_key", "issue_type", "summary"},
            schema_of("jira_create_issue").get("required"),
        )
        c.ok(
            "tools/list jira_transition_issue: issue_key, transition required",
            set(schema_of("jira_transition_issue").get("required") or []) == {"issue_key", "transition"},
            schema_of("jira_transition_issue").get("required"),
        )
        # A schema violation is an isError result naming the argument, not a protocol error.
        r = await self.tool("jira_search_issues", {"jql": "project = ENG", "max_results": 500})
        c.ok("tools/call invalid max_results: isError naming the argument", r.is_error is True and "max_results" in text_of(r), text_of(r))
        r = await self.tool("jira_get_issue", {"issue_key": "../../admin"})
        c.ok("tools/call invalid issue_key: isError", r.is_error is True and "issue_key" in text_of(r), text_of(r))

    # ---- §4.1 ---------------------------------------------------------------------------

    async def s1_paginates(self) -> None:
        c = self.c
        self.fake.clear_log()
        keys: list[str] = []
        token = None
        sizes: list[int] = []
        last: dict[str, Any] = {}
        for page in range(1, 4):
            args: dict[str, Any] = {"jql": "project = ENG ORDER BY key ASC", "max_results": 20}
            if token:
                args["page_token"] = token
            r = await self.tool("jira_search_issues", args)
            if not c.ok(f"s1 page {page}: not an error", not r.is_error, text_of(r)):
                return
            sc = r.structured_content or {}
            issues = sc.get("issues") or []
            sizes.append(len(issues))
            keys.extend(i.get("key") for i in issues)
            token = sc.get("next_page_token")
            last = sc
            if page < 3:
                c.ok(f"s1 page {page}: next_page_token, is_last false", bool(token) and sc.get("is_last") is False, sc)
                c.ok(f"s1 page {page}: the text tells how to continue", "page_token" in text_of(r), text_of(r)[-300:])
        c.ok("s1 pages of 20, 20, 5", sizes == [20, 20, 5], sizes)
        c.ok("s1 last page: is_last true, no token", last.get("is_last") is True and not last.get("next_page_token"), last)
        c.ok("s1 union = 45 distinct ENG keys", len(keys) == 45 and set(keys) == {f"ENG-{n}" for n in range(1, 46)}, keys)
        log = self.fake.requests()
        c.ok("s1 three POST /rest/api/3/search/jql", len(calls(log, "POST", SEARCH)) == 3, [(e["method"], e["path"]) for e in log])
        c.ok(
            "s1 never the removed /rest/api/{2,3}/search",
            not any((e.get("path") or "").rstrip("/").endswith(("/rest/api/3/search", "/rest/api/2/search")) for e in log),
            [e["path"] for e in log],
        )
        bodies = [e.get("body") or {} for e in calls(log, "POST", SEARCH)]
        c.ok(
            "s1 pages 2 and 3 sent nextPageToken",
            "nextPageToken" not in bodies[0] and all(b.get("nextPageToken") for b in bodies[1:]) if len(bodies) == 3 else False,
            bodies,
        )
        c.ok("s1 maxResults 20 sent", all(b.get("maxResults") == 20 for b in bodies), bodies)

    async def s2_bad_jql(self) -> None:
        c = self.c
        try:
            r = await self.tool("jira_search_issues", {"jql": "ORDER BY created"})
        except MCPError as exc:
            c.fail("s2 unbounded JQL: a tool result, not a JSON-RPC error", describe_error(exc))
            return
        c.ok("s2 unbounded JQL: isError", r.is_error is True, text_of(r))
        c.ok("s2 unbounded JQL: Jira's words", "Unbounded JQL queries are not allowed here" in text_of(r), text_of(r))
        r = await self.tool("jira_search_issues", {"jql": "sprintt = 1"})
        c.ok("s2 bad field: isError naming the field", r.is_error is True and "sprintt" in text_of(r), text_of(r))
        c.ok("s2 bad field: Jira's message", "does not exist" in text_of(r), text_of(r))

    async def s3_anonymous(self) -> None:
        c = self.c
        self.fake.config(anonymous=True)
        self.fake.clear_log()
        r = await self.tool("jira_search_issues", {"jql": "project = ENG"})
        text = text_of(r)
        c.ok("s3 anonymous: isError, not an empty list", r.is_error is True, (text, r.structured_content))
        c.ok("s3 anonymous: 'Jira authentication failed'", "Jira authentication failed" in text, text)
        log = self.fake.requests()
        c.ok(
            "s3 the empty search was cross-checked with /myself",
            bool(calls(log, "POST", SEARCH)) and bool(calls(log, "GET", "/rest/api/3/myself")),
            [(e["method"], e["path"], e.get("status")) for e in log],
        )
        self.fake.config(anonymous=False)
        r = await self.tool("jira_search_issues", {"jql": 'project = ENG AND summary ~ "no such words"'})
        sc = r.structured_content or {}
        c.ok(
            "s3 authenticated empty search is a plain empty result",
            not r.is_error and sc.get("issues") == [] and sc.get("is_last") is True,
            (text_of(r), sc),
        )

    async def s4_invalid_project(self) -> None:
        c = self.c
        self.fake.clear_log()
        r = await self.tool("jira_create_issue", {"project_key": "NOPE", "issue_type": "Bug", "summary": "Nowhere"})
        c.ok("s4 invalid project: isError", r.is_error is True, text_of(r))
        c.ok("s4 invalid project: 'project: valid project is required'", "project: valid project is required" in text_of(r), text_of(r))
        posts = calls(self.fake.requests(), "POST", "/rest/api/3/issue")
        c.ok("s4 one POST, answered 400, nothing created", len(posts) == 1 and posts[0].get("status") == 400, posts)
        c.ok("s4 no NOPE-1 issue", self.fake.issue("NOPE-1") is None, "NOPE-1 exists")

    async def s5_markdown(self) -> None:
        c = self.c
        self.fake.clear_log()
        markdown = "## Repro\n- step **one**"
        r = await self.tool(
            "jira_create_issue",
            {"project_key": "ENG", "issue_type": "Bug", "summary": "Markdown description", "description": markdown, "labels": ["mcp"]},
        )
        if not c.ok("s5 create: not an error", not r.is_error, text_of(r)):
            return
        key = (r.structured_content or {}).get("key", "")
        c.ok("s5 create: returns the new key", key.startswith("ENG-") and key in text_of(r), (key, text_of(r)))
        posts = calls(self.fake.requests(), "POST", "/rest/api/3/issue")
        sent = ((posts[-1].get("body") or {}).get("fields") or {}).get("description") if posts else None
        found = adf_types(sent)
        c.ok("s5 upstream got an ADF doc", isinstance(sent, dict) and sent.get("type") == "doc" and sent.get("version") == 1, sent)
        c.ok(
            "s5 ADF has heading, bulletList, listItem, strong mark",
            all(t in found for t in ("heading", "bulletList", "listItem", "paragraph", "mark:strong")),
            found,
        )
        heading = (sent or {}).get("content", [{}])[0]
        c.ok("s5 heading level 2 'Repro'", heading.get("attrs", {}).get("level") == 2 and "Repro" in json.dumps(heading), heading)
        stored = stored_fields(self.fake.issue(key)).get("description")
        c.ok("s5 the fake stored the same ADF", stored == sent, stored)
        r = await self.tool("jira_get_issue", {"issue_key": key})
        description = (r.structured_content or {}).get("description")
        c.ok("s5 read back: equivalent Markdown", description == "## Repro\n\n- step **one**", description)
        c.ok("s5 read back: in the text too", "## Repro" in text_of(r) and "- step **one**" in text_of(r), text_of(r))
        r = await self.tool("jira_get_issue", {"issue_key": key, "format": "adf"})
        c.ok("s5 format=adf returns the lossless ADF", (r.structured_content or {}).get("description_adf") == sent, r.structured_content)

    async def s6_required_field(self) -> None:
        c = self.c
        base = {"project_key": "REQ", "issue_type": "Task", "summary": "Needs a sprint"}
        r = await self.tool("jira_create_issue", base)
        c.ok("s6 create without the field: isError naming customfield_10020", r.is_error is True and "customfield_10020" in text_of(r), text_of(r))
        c.ok("s6 Jira's message", "Sprint is required" in text_of(r), text_of(r))
        r = await self.tool("jira_get_create_fields", {"project_key": "REQ", "issue_type": "Task"})
        if not c.ok("s6 create fields: not an error", not r.is_error, text_of(r)):
            return
        required = {f.get("field_id"): f for f in (r.structured_content or {}).get("required") or []}
        sprint = required.get("customfield_10020") or {}
        c.ok("s6 customfield_10020 listed as required", bool(sprint), required)
        names = [v.get("name") for v in sprint.get("allowed_values") or []]
        c.ok("s6 allowed values Sprint 1, Sprint 2", names == ["Sprint 1", "Sprint 2"], sprint)
        c.ok("s6 text lists the field and its values", "customfield_10020" in text_of(r) and "Sprint 1" in text_of(r), text_of(r))
        r = await self.tool("jira_get_create_fields", {"project_key": "REQ", "issue_type": "10001"})
        c.ok("s6 issue type by id works too", not r.is_error and (r.structured_content or {}).get("issue_type") == "Task", text_of(r))
        r = await self.tool("jira_get_create_fields", {"project_key": "REQ", "issue_type": "Epic saga"})
        c.ok("s6 unknown issue type lists the available ones", r.is_error is True and "Task" in text_of(r), text_of(r))
        example = sprint.get("example") or {"id": "1"}
        r = await self.tool("jira_create_issue", {**base, "fields": {"customfield_10020": example}})
        c.ok("s6 retry with fields succeeds", not r.is_error and (r.structured_content or {}).get("key", "").startswith("REQ-"), text_of(r))

    async def s7_transition(self) -> None:
        c = self.c
        self.fake.clear_log()
        r = await self.tool("jira_transition_issue", {"issue_key": "ENG-3", "transition": "Shipped"})
        text = text_of(r)
        c.ok("s7 unknown name: isError", r.is_error is True, text)
        c.ok(
            "s7 unknown name: lists the available transitions",
            all(n in text for n in ('"To Do"', '"Start progress"', '"Done"')),
            text,
        )
        c.ok("s7 unknown name: no upstream POST", not calls(self.fake.requests(), "POST", "/transitions"), self.fake.requests())
        r = await self.tool("jira_transition_issue", {"issue_key": "ENG-3", "transition": "Done"})
        c.ok("s7 Done without resolution: isError naming resolution", r.is_error is True and "resolution" in text_of(r), text_of(r))
        c.ok("s7 still no upstream POST", not calls(self.fake.requests(), "POST", "/transitions"), self.fake.requests())
        self.fake.clear_log()
        r = await self.tool(
            "jira_transition_issue",
            {"issue_key": "ENG-3", "transition": "done", "fields": {"resolution": {"name": "Done"}}, "comment": "Closed by **MCP**."},
        )
        if not c.ok("s7 transition by name: not an error", not r.is_error, text_of(r)):
            return
        sc = r.structured_content or {}
        c.ok("s7 resolved to id 31, now Done", sc.get("transition_id") == "31" and sc.get("to_status") == "Done", sc)
        posts = calls(self.fake.requests(), "POST", "/rest/api/3/issue/ENG-3/transitions")
        body = (posts[0].get("body") or {}) if posts else {}
        c.ok("s7 one POST with transition id 31", len(posts) == 1 and body.get("transition", {}).get("id") == "31", posts)
        c.ok("s7 resolution sent", (body.get("fields") or {}).get("resolution") == {"name": "Done"}, body)
        c.ok("s7 comment sent as ADF", "mark:strong" in adf_types(((body.get("update") or {}).get("comment") or [{}])[0].get("add", {}).get("body")), body)
        status = stored_fields(self.fake.issue("ENG-3")).get("status") or {}
        c.ok("s7 the fake shows ENG-3 Done", status.get("name") == "Done", status)
        r = await self.tool("jira_transition_issue", {"issue_key": "ENG-4", "transition": "START PROGRESS"})
        c.ok(
            "s7 case-insensitive name → id 21",
            not r.is_error and (r.structured_content or {}).get("transition_id") == "21",
            text_of(r),
        )

    async def s8_update(self) -> None:
        c = self.c
        self.fake.clear_log()
        r = await self.tool(
            "jira_update_issue",
            {"issue_key": "ENG-5", "summary": "Renamed by MCP", "labels_add": ["triaged"], "labels_remove": ["seed"]},
        )
        text = text_of(r)
        if not c.ok("s8 update: not an error", not r.is_error, text):
            return
        c.ok("s8 small confirmation (not the whole issue)", len(text) < 300 and "ENG-5" in text, text)
        sc = r.structured_content or {}
        c.ok("s8 structured: changed summary and labels", set(sc.get("changed") or []) == {"summary", "labels"}, sc)
        puts = calls(self.fake.requests(), "PUT", "/rest/api/3/issue/ENG-5")
        body = (puts[0].get("body") or {}) if puts else {}
        c.ok("s8 one PUT answered 204", len(puts) == 1 and puts[0].get("status") == 204, puts)
        c.ok(
            "s8 labels as update.labels ops",
            (body.get("update") or {}).get("labels") == [{"add": "triaged"}, {"remove": "seed"}],
            body,
        )
        c.ok("s8 summary in fields", (body.get("fields") or {}).get("summary") == "Renamed by MCP", body)
        stored = stored_fields(self.fake.issue("ENG-5"))
        c.ok("s8 the fake applied it", stored.get("labels") == ["triaged"] and stored.get("summary") == "Renamed by MCP", stored)
        r = await self.tool("jira_update_issue", {"issue_key": "ENG-5"})
        c.ok("s8 nothing to update: isError", r.is_error is True and "nothing to update" in text_of(r), text_of(r))
        r = await self.tool("jira_update_issue", {"issue_key": "ENG-999", "summary": "x"})
        c.ok("s8 missing issue: isError with Jira's words", r.is_error is True and "does not exist" in text_of(r), text_of(r))

    async def s9_attribution(self) -> None:
        c = self.c
        ns = self.ns
        if self.missing("s9 comment attribution", "url_users", "alice_key", "bob_key"):
            return
        self.fake.clear_log()
        for user, key, account in (("alice", ns.alice_key, ALICE_ID), ("bob", ns.bob_key, BOB_ID)):
            async with self.client(ns.url_users, key) as client:
                r = await self.call(client, "jira_add_comment", {"issue_key": "ENG-6", "body": f"Comment by **{user}**."})
                if not c.ok(f"s9 {user} comments: not an error", not r.is_error, text_of(r)):
                    continue
                sc = r.structured_content or {}
                c.ok(f"s9 {user}'s comment author is {user}", sc.get("author_account_id") == account, sc)
        log = self.fake.requests()
        posts = calls(log, "POST", "/rest/api/3/issue/ENG-6/comment")
        c.ok(
            "s9 the fake recorded each caller's accountId",
            sorted(e.get("account_id") for e in posts) == sorted([ALICE_ID, BOB_ID]),
            [(e.get("path"), e.get("account_id")) for e in posts],
        )
        auths = [e.get("authorization") or "" for e in log]
        c.ok(
            "s9 the MCP keys never appear upstream",
            bool(log) and not any(ns.alice_key in json.dumps(e) or ns.bob_key in json.dumps(e) for e in log),
            auths,
        )
        c.ok("s9 upstream auth was each user's own Basic credential", all(a.startswith("Basic ") for a in auths), auths)
        c.ok(
            "s9 requests went through the gateway style /ex/jira/{cloudId}/",
            all("/ex/jira/" in (e.get("path") or "") for e in log),
            [e.get("path") for e in log],
        )
        async with self.client(ns.url_users, ns.alice_key) as client:
            r = await self.call(client, "jira_get_issue", {"issue_key": "ENG-6", "comment_limit": 2})
        authors = [cm.get("author_account_id") for cm in (r.structured_content or {}).get("comments") or []]
        c.ok("s9 the two comments read back with their authors", authors == [ALICE_ID, BOB_ID], authors)

    async def s10_read_429(self) -> None:
        c = self.c
        self.fake.clear_log()
        self.fake.fault(
            method="POST", path=SEARCH, status=429, retry_after="2",
            headers={"RateLimit-Reason": "jira-quota-based"}, times=1,
        )
        r = await self.tool("jira_search_issues", {"jql": "project = HR"})
        c.ok("s10 429 once: success after the retry", not r.is_error and len((r.structured_content or {}).get("issues") or []) == 3, text_of(r))
        searches = calls(self.fake.requests(), "POST", SEARCH)
        c.ok("s10 exactly 2 upstream calls (429, then 200)", [e.get("status") for e in searches] == [429, 200], searches)
        self.fake.clear_log()
        self.fake.fault(
            method="POST", path=SEARCH, status=429, retry_after="2",
            headers={"RateLimit-Reason": "jira-quota-based"}, times=None,
        )
        r = await self.tool("jira_search_issues", {"jql": "project = HR"})
        text = text_of(r)
        c.ok("s10 persistent 429: isError", r.is_error is True, text)
        c.ok(
            "s10 persistent 429: 'rate-limited (reason jira-quota-based); retry after 2 s'",
            "rate-limited" in text and "jira-quota-based" in text and "retry after 2 s" in text,
            text,
        )
        searches = calls(self.fake.requests(), "POST", SEARCH)
        c.ok("s10 bounded attempts (2..3)", 2 <= len(searches) <= 3, searches)

    async def s11_create_429(self) -> None:
        c = self.c
        self.fake.clear_log()
        self.fake.fault(method="POST", path="/rest/api/3/issue", status=429, retry_after="1", times=None)
        r = await self.tool("jira_create_issue", {"project_key": "HR", "issue_type": "Task", "summary": "Must not be retried"})
        c.ok("s11 429 on create: isError", r.is_error is True and "rate-limited" in text_of(r), text_of(r))
        posts = calls(self.fake.requests(), "POST", "/rest/api/3/issue")
        c.ok("s11 exactly one POST", len(posts) == 1, posts)
        c.ok("s11 zero issues created (no HR-4)", self.fake.issue("HR-4") is None, "HR-4 exists")

    async def s12_read_after_write(self) -> None:
        c = self.c
        self.fake.config(search_delay=5)
        r = await self.tool(
            "jira_create_issue",
            {"project_key": "HR", "issue_type": "Task", "summary": "Read after write check"},
        )
        if not c.ok("s12 create: not an error", not r.is_error, text_of(r)):
            return
        sc = r.structured_content or {}
        key, issue_id = sc.get("key"), sc.get("id")
        jql = 'project = HR AND summary ~ "Read after write"'
        direct = self.fake.call(
            "POST", SEARCH, {"jql": jql, "fields": ["summary"]},
            headers={"Authorization": ALICE_BASIC},
        )
        c.ok(
            "s12 the fake really delays it (a search without reconcile misses it)",
            not any(i.get("key") == key for i in (direct or {}).get("issues") or []),
            direct,
        )
        self.fake.clear_log()
        r = await self.tool("jira_search_issues", {"jql": jql})
        found = [i.get("key") for i in (r.structured_content or {}).get("issues") or []]
        c.ok("s12 the new issue is in our search", key in found, (key, found, text_of(r)))
        bodies = [e.get("body") or {} for e in calls(self.fake.requests(), "POST", SEARCH)]
        c.ok(
            "s12 the search passed reconcileIssues with the new id",
            bool(bodies) and int(issue_id) in (bodies[0].get("reconcileIssues") or []),
            bodies,
        )

    async def s13_allow_list(self) -> None:
        c = self.c
        if self.missing("s13 project allow-list", "url_projects"):
            return
        async with self.client(self.ns.url_projects) as client:
            self.fake.clear_log()
            r = await self.call(client, "jira_search_issues", {"jql": "project = HR"})
            sc = r.structured_content or {}
            c.ok("s13 search outside the allow-list: empty", not r.is_error and sc.get("issues") == [], (text_of(r), sc))
            searches = calls(self.fake.requests(), "POST", SEARCH)
            sent = (searches[0].get("body") or {}).get("jql") if searches else None
            c.ok("s13 upstream JQL is '(project = HR) AND (project = ENG)'", sent == "(project = HR) AND (project = ENG)", sent)
            r = await self.call(client, "jira_search_issues", {"jql": "project = HR OR project = ENG ORDER BY key ASC", "max_results": 50})
            keys = [i.get("key") for i in (r.structured_content or {}).get("issues") or []]
            c.ok("s13 an OR cannot widen it: only ENG issues", bool(keys) and all(k.startswith("ENG-") for k in keys), keys)
            self.fake.clear_log()
            r = await self.call(client, "jira_create_issue", {"project_key": "HR", "issue_type": "Task", "summary": "Not allowed"})
            c.ok("s13 create in HR refused", r.is_error is True and "HR" in text_of(r), text_of(r))
            r = await self.call(client, "jira_get_issue", {"issue_key": "HR-1"})
            c.ok("s13 get HR-1 refused", r.is_error is True, text_of(r))
            r = await self.call(client, "jira_add_comment", {"issue_key": "hr-2", "body": "no"})
            c.ok("s13 comment on hr-2 refused", r.is_error is True, text_of(r))
            c.ok("s13 refused before any upstream call", self.fake.requests() == [], self.fake.requests())
            r = await self.call(client, "jira_get_issue", {"issue_key": "10046"})
            c.ok(
                "s13 a numeric id of an HR issue is refused after lookup",
                r.is_error is True and "HR" in text_of(r),
                text_of(r),
            )
            r = await self.call(client, "jira_get_issue", {"issue_key": "ENG-2", "comment_limit": 0})
            c.ok("s13 ENG still readable", not r.is_error, text_of(r))

    async def s14_read_only(self) -> None:
        c = self.c
        if self.missing("s14 read-only mode", "url_readonly"):
            return
        async with self.client(self.ns.url_readonly) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            c.ok("s14 read-only: only the five read tools", set(tools) == READ_TOOLS, sorted(tools))
            c.ok(
                "s14 read-only: every tool readOnlyHint",
                all(t.annotations and t.annotations.read_only_hint is True for t in tools.values()),
                [t.annotations for t in tools.values()],
            )
            self.fake.clear_log()
            create = {"project_key": "ENG", "issue_type": "Bug", "summary": "x"}
            await self.refused(client, "jira_create_issue", create, "s14 read-only: create is refused")
            c.ok("s14 read-only: nothing sent upstream", not calls(self.fake.requests(), "POST", "/rest/api/3/issue"), self.fake.requests())

    async def s15_large_issue(self) -> None:
        c = self.c
        r = await self.tool("jira_get_issue", {"issue_key": "ENG-1"})
        if not c.ok("s15 ENG-1: not an error", not r.is_error, text_of(r)[:300]):
            return
        sc = r.structured_content or {}
        text = text_of(r)
        c.ok("s15 truncated: true", sc.get("truncated") is True, {k: sc.get(k) for k in ("truncated", "description_chars")})
        c.ok("s15 the whole description is ~200k chars", (sc.get("description_chars") or 0) >= 200_000, sc.get("description_chars"))
        c.ok("s15 description cut within the 20000 budget", 0 < len(sc.get("description") or "") <= 20_000, len(sc.get("description") or ""))
        c.ok("s15 text output within the budget (+ header)", len(text) <= 22_000, len(text))
        c.ok("s15 the text says it was truncated", "truncated" in text, text[-400:])
        comments = sc.get("comments") or []
        c.ok("s15 comments capped at comment_limit 5 of 100", len(comments) == 5 and sc.get("comments_total") == 100, (len(comments), sc.get("comments_total")))
        c.ok("s15 the 5 most recent, oldest first", [cm.get("body") for cm in comments][-1:] == ["Comment 100 on ENG-1."], [cm.get("body") for cm in comments])
        c.ok("s15 structuredContent is valid JSON", json.loads(json.dumps(sc)) == sc, "")
        r = await self.tool("jira_search_issues", {"jql": "key = ENG-1", "fields": ["summary", "description"]})
        found = ((r.structured_content or {}).get("issues") or [{}])[0]
        desc = (found.get("fields") or {}).get("description") or ""
        c.ok(
            "s15 search with fields=description: bounded too",
            not r.is_error and 0 < len(desc) <= 2001 and len(text_of(r)) <= 1000,
            (len(desc), len(text_of(r))),
        )
        r = await self.tool("jira_get_issue", {"issue_key": "ENG-1", "comment_limit": 0, "max_chars": 2000})
        sc = r.structured_content or {}
        c.ok(
            "s15 max_chars 2000, comment_limit 0: smaller, no comments",
            not r.is_error and len(sc.get("description") or "") <= 2000 and sc.get("comments") == [] and len(text_of(r)) <= 4000,
            (len(sc.get("description") or ""), len(text_of(r))),
        )

    async def extra_tools(self) -> None:
        c = self.c
        r = await self.tool("jira_find_user", {"query": "mia"})
        users = (r.structured_content or {}).get("users") or []
        c.ok("extra find user mia → accountId", not r.is_error and [u.get("account_id") for u in users] == ["5b10a2844c20165700ede21g"], users)
        r = await self.tool("jira_get_transitions", {"issue_key": "ENG-7"})
        ts = (r.structured_content or {}).get("transitions") or []
        c.ok("extra transitions of ENG-7: 11, 21, 31", [t.get("id") for t in ts] == ["11", "21", "31"], ts)
        done = next((t for t in ts if t.get("id") == "31"), {})
        c.ok(
            "extra transition 31 lists resolution as required with allowed values",
            any(f.get("field_id") == "resolution" and f.get("required") and "Done" in f.get("allowed_values", []) for f in done.get("fields") or []),
            done,
        )
        r = await self.tool(
            "jira_add_comment",
            {"issue_key": "ENG-7", "body": "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n```sh\nmake test\n```"},
        )
        c.ok("extra comment with a table and code: not an error", not r.is_error, text_of(r))
        stored = self.fake.requests()
        body = (calls(stored, "POST", "/rest/api/3/issue/ENG-7/comment") or [{}])[-1].get("body") or {}
        found = adf_types(body.get("body"))
        c.ok("extra comment ADF has table and codeBlock", "table" in found and "codeBlock" in found, found)
        r = await self.tool("jira_get_issue", {"issue_key": "ENG-404"})
        c.ok("extra missing issue: isError with Jira's 404 words", r.is_error is True and "404" in text_of(r) and "does not exist" in text_of(r), text_of(r))

    async def x_cancel(self, client: Any, era: str) -> None:
        await self.cancel(
            client,
            era,
            "jira_get_issue",
            {"issue_key": "ENG-9", "comment_limit": 0},
            lambda r: (r.structured_content or {}).get("key") == "ENG-9",
        )

    async def x_modern_era(self, client: Any) -> None:
        """The same server through the SDK's stateless 2026-07-28 mode."""
        c = self.c
        names = {t.name for t in (await client.list_tools()).tools}
        c.ok("x 2026-07-28: the nine tools", names == READ_TOOLS | WRITE_TOOLS, sorted(names))
        r = await self.call(client, "jira_search_issues", {"jql": "project = HR ORDER BY key ASC"})
        keys = [i.get("key") for i in (r.structured_content or {}).get("issues") or []]
        c.ok("x 2026-07-28: search works", not r.is_error and keys == ["HR-1", "HR-2", "HR-3"], (text_of(r), keys))
        r = await self.call(client, "jira_search_issues", {"jql": "ORDER BY created"})
        c.ok("x 2026-07-28: Jira's error is a tool error", r.is_error is True and "Unbounded JQL" in text_of(r), text_of(r))


def main() -> int:
    parser = arguments(__doc__)
    parser.add_argument("--url-projects", help="a server started with --projects ENG")
    return run(Run, parser)


if __name__ == "__main__":
    sys.exit(main())
