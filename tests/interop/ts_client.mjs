#!/usr/bin/env node
// Interop client: the official MCP TypeScript SDK against a server over stdio or HTTP.
//
//   node ts_client.mjs --era legacy|modern [--sdk v1|v2] [--timeout SECONDS] -- SERVER_COMMAND [ARGS...]
//   node ts_client.mjs --era legacy|modern [--sdk v1|v2] --transport http --url http://HOST:PORT/mcp
//   node ts_client.mjs --era legacy [--sdk v1|v2] --transport sse --url http://HOST:PORT/sse
//   ... --transport http|sse --url URL --bearer TOKEN [--expect-denied-tool NAME]
//
// `--transport` picks the SDK's client transport (default `stdio`, which launches the command):
// `stdio` is `StdioClientTransport`; `http` is `StreamableHTTPClientTransport` (legacy: an
// `Mcp-Session-Id` session, server-to-client requests and notifications on the POST's SSE stream,
// the session ended with DELETE at the end; modern, v2 only: stateless POSTs with the SDK's
// `MCP-Protocol-Version` / `Mcp-Method` / `Mcp-Name` headers); `sse` is `SSEClientTransport`, the
// 2024-11-05 HTTP+SSE transport (GET the stream, POST to its `endpoint`), legacy era only.
//
// Every path goes through an SDK `Client`, nothing is hand-rolled:
//
// - `--era legacy` (default `--sdk v1`): `@modelcontextprotocol/sdk` (the v1 line, what most
//   deployed clients run), `initialize` handshake at its newest revision (2025-11-25); sampling,
//   elicitation and roots are answered by `setRequestHandler` callbacks mid-call.
//   `--sdk v2` runs the same checks with `@modelcontextprotocol/client` in its legacy mode.
// - `--era modern` (`--sdk v2` only; v1 has no 2026-07-28 support): `@modelcontextprotocol/client`
//   pinned to 2026-07-28 (`versionNegotiation: {mode: {pin}}`): `server/discover` at connect, then
//   stateless requests carrying the per-request `_meta` envelope, never `initialize`;
//   `input_required` results are fulfilled by the same handlers and retried by the SDK, and a few
//   round trips are driven by hand (`allowInputRequired: true`) to check their shape.
//
// `--bearer TOKEN` (http/sse only) sends `Authorization: Bearer TOKEN` on every HTTP request
// through the transports' own option, `requestInit.headers` (both SDK lines merge it into every
// POST, GET and DELETE they make). `--expect-denied-tool NAME` (repeatable) names a tool the token
// lacks the scope for: calling it must reject (the server answers HTTP 403 `insufficient_scope`;
// whatever error the SDK surfaces is accepted) and must not produce a result; that tool is
// otherwise left out, and every other check runs as usual.
//
// Prints one line per check (`PASS ...` / `FAIL ... -- detail`) and ends with `N passed, M failed`;
// exits 1 when any check failed, 2 on bad usage.

import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

// The installed version of a package in the node_modules next to this script (package.json
// files are not always exported, so `require` cannot be used for this).
const versionOf = pkg => JSON.parse(readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url), 'utf8')).version;

const MODERN = '2026-07-28';
const LEGACY = '2025-11-25';
const LOG_LEVEL_META_KEY = 'io.modelcontextprotocol/logLevel';
const SIMPLE_TEXT = 'This is a simple text response for testing.';
const SAMPLED_TEXT = 'Paris is the capital of France (fixed interop answer).';
const ROOT_URI = 'file:///tmp/mcp-interop-root';
const NONEXISTENT_URI = 'test://nonexistent-resource-for-conformance-testing';

const CONTRACT_TOOLS = [
  'test_simple_text',
  'test_image_content',
  'test_audio_content',
  'test_embedded_resource',
  'test_multiple_content_types',
  'test_tool_with_logging',
  'test_error_handling',
  'test_tool_with_progress',
  'test_sampling',
  'test_elicitation',
  'test_elicitation_sep1034_defaults',
  'test_elicitation_sep1330_enums',
  'echo',
  'sum',
];
const CONTRACT_PROMPTS = [
  'test_simple_prompt',
  'test_prompt_with_arguments',
  'test_prompt_with_embedded_resource',
  'test_prompt_with_image',
];

// ---- usage -----------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { era: undefined, sdk: undefined, transport: 'stdio', url: undefined, timeout: 30, command: [], bearer: undefined, denied: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      opts.command = argv.slice(i + 1);
      break;
    } else if (a === '--era') opts.era = argv[++i];
    else if (a === '--sdk') opts.sdk = argv[++i];
    else if (a === '--timeout') opts.timeout = Number(argv[++i]);
    else if (a === '--transport') opts.transport = argv[++i];
    else if (a === '--url') opts.url = argv[++i];
    else if (a === '--bearer') opts.bearer = argv[++i];
    else if (a === '--expect-denied-tool') opts.denied.push(argv[++i]);
    else usage(`unknown argument ${a}`);
  }
  if (!['legacy', 'modern'].includes(opts.era)) usage('--era legacy|modern is required');
  opts.sdk ??= opts.era === 'modern' ? 'v2' : 'v1';
  if (!['v1', 'v2'].includes(opts.sdk)) usage('--sdk v1|v2');
  if (opts.era === 'modern' && opts.sdk === 'v1') usage('the v1 SDK has no 2026-07-28 support: use --sdk v2');
  if (!(opts.timeout > 0)) usage('--timeout must be a positive number of seconds');
  if (!['stdio', 'http', 'sse'].includes(opts.transport)) usage('--transport stdio|http|sse');
  if (opts.bearer !== undefined && (opts.transport === 'stdio' || !opts.bearer)) usage('--bearer TOKEN is for --transport http|sse');
  if (opts.denied.some(d => !d)) usage('--expect-denied-tool NAME');
  if (opts.denied.length > 0 && opts.bearer === undefined) usage('--expect-denied-tool needs --bearer');
  if (opts.transport === 'stdio') {
    if (opts.command.length === 0) usage('missing -- SERVER_COMMAND [ARGS...]');
    if (opts.url !== undefined) usage('--url is for --transport http|sse');
  } else {
    if (opts.command.length > 0) usage(`--transport ${opts.transport} takes --url, not a server command`);
    try {
      opts.url = new URL(opts.url);
    } catch {
      usage(`--transport ${opts.transport} needs --url http://HOST:PORT/PATH`);
    }
    if (opts.transport === 'sse' && opts.era === 'modern') usage('the 2024-11-05 HTTP+SSE transport is legacy-era only: use --transport http');
  }
  return opts;
}

function usage(message) {
  process.stderr.write(
    `${message}\nusage: ts_client.mjs --era legacy|modern [--sdk v1|v2] [--timeout S] (-- CMD [ARGS...] | --transport http|sse --url URL [--bearer TOKEN [--expect-denied-tool NAME]...])\n`,
  );
  process.exit(2);
}

// ---- the two SDK lines behind one surface ------------------------------------------------

async function loadSdk(kind) {
  if (kind === 'v1') {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js');
    const T = await import('@modelcontextprotocol/sdk/types.js');
    const requestSchemas = {
      'sampling/createMessage': T.CreateMessageRequestSchema,
      'elicitation/create': T.ElicitRequestSchema,
      'roots/list': T.ListRootsRequestSchema,
    };
    return {
      label: `@modelcontextprotocol/sdk ${versionOf('@modelcontextprotocol/sdk')}`,
      newClient: (info, options) => new Client(info, options),
      newTransport: opts => newTransport(opts, { StdioClientTransport, StreamableHTTPClientTransport, SSEClientTransport }),
      onRequest: (client, method, fn) => client.setRequestHandler(requestSchemas[method], req => fn(req.params)),
      onLog: (client, fn) => client.setNotificationHandler(T.LoggingMessageNotificationSchema, n => fn(n.params)),
      callTool: (client, params, options) => client.callTool(params, undefined, options),
    };
  }
  const { Client, StreamableHTTPClientTransport, SSEClientTransport } = await import('@modelcontextprotocol/client');
  const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
  return {
    label: `@modelcontextprotocol/client ${versionOf('@modelcontextprotocol/client')}`,
    newClient: (info, options) => new Client(info, options),
    newTransport: opts => newTransport(opts, { StdioClientTransport, StreamableHTTPClientTransport, SSEClientTransport }),
    onRequest: (client, method, fn) => client.setRequestHandler(method, req => fn(req.params)),
    onLog: (client, fn) => client.setNotificationHandler('notifications/message', n => fn(n.params)),
    callTool: (client, params, options) => client.callTool(params, options),
  };
}

// The SDK's client transport for `--transport` (both lines name the three classes alike).
// With `--bearer`, the token goes in `requestInit.headers`, the option both lines document for
// static headers.
function newTransport(opts, { StdioClientTransport, StreamableHTTPClientTransport, SSEClientTransport }) {
  const http = opts.bearer === undefined ? undefined : { requestInit: { headers: { Authorization: `Bearer ${opts.bearer}` } } };
  switch (opts.transport) {
    case 'http':
      return new StreamableHTTPClientTransport(opts.url, http);
    case 'sse':
      return new SSEClientTransport(opts.url, http);
    default:
      return new StdioClientTransport({ command: opts.command[0], args: opts.command.slice(1), stderr: 'inherit' });
  }
}

// ---- helpers ---------------------------------------------------------------------------------

class Checks {
  passed = 0;
  failed = 0;
  ok(name, cond, detail = '') {
    if (cond) {
      this.passed++;
      console.log(`PASS ${name}`);
    } else {
      this.failed++;
      console.log(`FAIL ${name} -- ${typeof detail === 'string' ? detail : short(detail)}`);
    }
    return Boolean(cond);
  }
  fail(name, detail) {
    this.ok(name, false, detail);
  }
  info(text) {
    console.log(`INFO ${text}`);
  }
}

function short(value, limit = 600) {
  let text;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length <= limit ? text : `${text.slice(0, limit)}...`;
}

function describeError(err) {
  if (err && typeof err.code === 'number') return `JSON-RPC error ${err.code}: ${err.message} data=${short(err.data)}`;
  return `${err?.name ?? 'Error'}: ${err?.message ?? String(err)}`;
}

function b64ok(data) {
  if (typeof data !== 'string' || data.length === 0) return false;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) return false;
  return Buffer.from(data, 'base64').length > 0;
}

const textsOf = blocks => (blocks ?? []).filter(b => b.type === 'text').map(b => b.text);

function sampleValue(name, prop = {}) {
  if ('default' in prop) return prop.default;
  const kind = prop.type;
  if (kind === 'array') {
    const items = prop.items ?? {};
    const choices = items.enum ?? (items.anyOf ?? items.oneOf ?? []).map(c => c.const);
    return choices.length ? [choices[0]] : ['interop'];
  }
  if (prop.enum?.length) return prop.enum[0];
  if (prop.oneOf?.length || prop.anyOf?.length) return (prop.oneOf ?? prop.anyOf)[0].const;
  if (kind === 'integer') return Math.max(1, Math.ceil(prop.minimum ?? 1));
  if (kind === 'number') return Math.max(1.5, prop.minimum ?? 1.5);
  if (kind === 'boolean') return true;
  if (prop.format === 'email' || /email/i.test(name)) return 'octocat@example.com';
  if (prop.format === 'uri') return 'https://example.com/interop';
  if (prop.format === 'date') return '2026-01-01';
  if (prop.format === 'date-time') return '2026-01-01T00:00:00Z';
  return 'octocat';
}

function fillSchema(schema = {}) {
  return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, p]) => [k, sampleValue(k, p)]));
}

function argumentsFor(tool) {
  const schema = tool.inputSchema ?? {};
  const required = new Set(schema.required ?? []);
  return Object.fromEntries(
    Object.entries(schema.properties ?? {})
      .filter(([k]) => required.has(k))
      .map(([k, p]) => [k, sampleValue(k, p)]),
  );
}

function withTimeout(promise, seconds, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${seconds}s: ${what}`)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---- the callbacks -----------------------------------------------------------------------

class Recorder {
  sampling = [];
  elicitation = [];
  roots = 0;
  logs = [];

  async sampling_(params) {
    this.sampling.push(params);
    return {
      role: 'assistant',
      content: { type: 'text', text: SAMPLED_TEXT },
      model: 'interop-fixed-model',
      stopReason: 'endTurn',
    };
  }
  async elicitation_(params) {
    this.elicitation.push(params);
    return { action: 'accept', content: fillSchema(params.requestedSchema) };
  }
  async roots_() {
    this.roots++;
    return { roots: [{ uri: ROOT_URI, name: 'interop root' }] };
  }
  // Answers one embedded input request (manual multi-round-trip driving).
  async answer(request) {
    switch (request.method) {
      case 'elicitation/create':
        return this.elicitation_(request.params);
      case 'sampling/createMessage':
        return this.sampling_(request.params);
      case 'roots/list':
        return this.roots_();
      default:
        throw new Error(`unknown input request ${short(request)}`);
    }
  }
}

// ---- the run -----------------------------------------------------------------------------

class Run {
  constructor(opts, sdk) {
    this.opts = opts;
    this.sdk = sdk;
    this.modern = opts.era === 'modern';
    this.c = new Checks();
    this.rec = new Recorder();
    this.timeout = opts.timeout;
    this.requestOptions = { timeout: opts.timeout * 1000 };
  }

  // A connected client. Without a recorder it declares no client capabilities at all; with
  // `only` it declares (and handles) just those of sampling, elicitation and roots.
  async connect(rec, only = ['sampling', 'elicitation', 'roots']) {
    const { sdk, opts } = this;
    const all = { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } };
    const capabilities = rec ? Object.fromEntries(only.map(k => [k, all[k]])) : {};
    const options = { capabilities };
    if (this.modern) options.versionNegotiation = { mode: { pin: MODERN } };
    const client = sdk.newClient({ name: 'mcp-interop-ts', version: '0.0.0' }, options);
    if (rec) {
      if (only.includes('sampling')) sdk.onRequest(client, 'sampling/createMessage', p => rec.sampling_(p));
      if (only.includes('elicitation')) sdk.onRequest(client, 'elicitation/create', p => rec.elicitation_(p));
      if (only.includes('roots')) sdk.onRequest(client, 'roots/list', () => rec.roots_());
      sdk.onLog(client, p => rec.logs.push(p));
    }
    const transport = sdk.newTransport(opts);
    const negotiated = { version: undefined };
    // v1 tells the transport the negotiated version; v2 has a getter for it. The HTTP transports
    // need the call themselves (the MCP-Protocol-Version header), so it is wrapped, not replaced.
    const setProtocolVersion = transport.setProtocolVersion?.bind(transport);
    transport.setProtocolVersion = v => {
      negotiated.version = v;
      setProtocolVersion?.(v);
    };
    await withTimeout(client.connect(transport, this.requestOptions), this.timeout, 'connect');
    client.negotiatedVersion = () => client.getNegotiatedProtocolVersion?.() ?? negotiated.version;
    // Every message the server sends, in wire order, as the SDK's transport hands it over: both
    // SDK lines run notification handlers on a later microtask but settle a response at once,
    // so a notification sharing a read with the response it precedes never reaches a
    // per-request callback. The checks that care read the wire order here.
    client.wire = [];
    client.sentMethods = new Map();
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      if ('method' in message && 'id' in message) client.sentMethods.set(message.id, message.method);
      return send(message, options);
    };
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      client.wire.push(message);
      deliver?.call(transport, message, extra);
    };
    client.onerror = err => process.stderr.write(`client onerror: ${err?.message ?? err}\n`);
    client.transport_ = transport;
    return client;
  }

  async step(name, body) {
    try {
      await withTimeout(body(), this.timeout * 3, name);
    } catch (err) {
      this.c.fail(`${name}: completes`, describeError(err));
      if (typeof err?.code !== 'number') process.stderr.write(`${err?.stack ?? err}\n`);
    }
  }

  callTool(params, options = {}, client = this.client) {
    return this.sdk.callTool(client, params, { ...this.requestOptions, ...options });
  }

  async main() {
    const { c } = this;
    c.info(
      `typescript SDK ${this.sdk.label}, era ${this.opts.era}, transport ${this.opts.transport}, path: SDK (` +
        (this.modern
          ? `Client versionNegotiation pin ${MODERN}: server/discover, stateless per-request _meta, no initialize)`
          : 'Client initialize handshake)'),
    );
    this.client = await this.connect(this.rec);
    try {
      await this.step('handshake', () => this.handshake());
      let tools = [];
      await this.step('tools/list', async () => {
        tools = await this.listTools();
      });
      const denied = new Set(this.opts.denied);
      for (const tool of tools) if (!denied.has(tool.name)) await this.step(`tools/call ${tool.name}`, () => this.callOne(tool));
      for (const name of [...denied].sort()) await this.step(`tools/call ${name} (denied)`, () => this.deniedCall(name, tools));
      await this.step('prompts', () => this.prompts());
      await this.step('resources', () => this.resources());
      await this.step('completion/complete', () => this.completion());
      if (this.modern) {
        const names = new Set(tools.map(t => t.name));
        await this.step('manual input_required round trips', () => this.manualRounds(names));
        await this.step('manual input_required prompt', () => this.promptRounds());
        this.modernWireChecks();
      }
      if (this.opts.transport === 'http') await this.step('http session', () => this.httpSession());
    } finally {
      await this.client.close();
    }
    if (this.modern) {
      await this.step('client without capabilities', () => this.bareClient());
      await this.step('client with sampling only', () => this.samplingOnlyClient());
    }
    console.log(`${c.passed} passed, ${c.failed} failed`);
    return c.failed === 0 && c.passed > 0 ? 0 : 1;
  }

  // Streamable HTTP: a legacy connection is an `Mcp-Session-Id` session that DELETE ends; a
  // 2026-07-28 connection has no session at all.
  async httpSession() {
    const { c } = this;
    const transport = this.client.transport_;
    const id = transport.sessionId;
    if (this.modern) {
      c.ok('modern http: no Mcp-Session-Id (stateless)', id === undefined, id);
      return;
    }
    c.ok('legacy http: initialize assigned an Mcp-Session-Id', typeof id === 'string' && id.length > 0, id);
    await transport.terminateSession();
    c.ok('legacy http: DELETE with the Mcp-Session-Id ends the session', transport.sessionId === undefined, transport.sessionId);
  }

  async handshake() {
    const { c, client } = this;
    const caps = client.getServerCapabilities() ?? {};
    if (this.modern) {
      c.ok('modern: negotiated protocol version is 2026-07-28', client.negotiatedVersion() === MODERN, client.negotiatedVersion());
      c.ok('modern: protocol era is modern', client.getProtocolEra() === 'modern', client.getProtocolEra());
      const discover = client.getDiscoverResult() ?? {};
      c.ok('server/discover: supportedVersions includes 2026-07-28', (discover.supportedVersions ?? []).includes(MODERN), discover);
      for (const cap of ['tools', 'prompts', 'resources', 'completions']) {
        c.ok(`server/discover: capability ${cap} declared`, cap in caps, caps);
      }
    } else {
      c.ok('initialize: protocolVersion 2025-11-25', client.negotiatedVersion() === LEGACY, client.negotiatedVersion());
      c.ok('initialize: serverInfo present', Boolean(client.getServerVersion()?.name), client.getServerVersion());
      for (const cap of ['tools', 'prompts', 'resources', 'logging', 'completions']) {
        c.ok(`initialize: capability ${cap} declared`, cap in caps, caps);
      }
      c.ok('initialize: resources.subscribe true', caps.resources?.subscribe === true, caps);
      await client.ping(this.requestOptions);
      c.ok('ping answered', true);
    }
  }

  async listTools() {
    const { c } = this;
    const { tools } = await this.client.listTools(undefined, this.requestOptions);
    const names = tools.map(t => t.name);
    c.info(`tools: ${names.join(', ')}`);
    for (const name of CONTRACT_TOOLS) c.ok(`tools/list: ${name} listed`, names.includes(name), names);
    const bad = tools.filter(t => !(t.name && t.description && t.inputSchema && typeof t.inputSchema === 'object'));
    c.ok('tools/list: every tool has name, description, inputSchema', bad.length === 0, bad);
    return tools;
  }

  // ---- tools ------------------------------------------------------------------------------

  // A tool the token lacks the scope for: the call rejects and yields no result.
  async deniedCall(name, tools) {
    const { c } = this;
    const listed = tools.find(t => t.name === name);
    c.info(`denied tool ${name}: ${listed ? 'listed' : 'not listed'} by tools/list`);
    const args = name === 'sum' ? { values: [1, 2, 3.5] } : listed ? argumentsFor(listed) : {};
    const label = `tools/call ${name} without its scope: the SDK rejects, the tool does not run`;
    let r;
    try {
      r = await this.callTool({ name, arguments: args });
    } catch (err) {
      c.ok(label, true);
      c.info(`tools/call ${name} without its scope rejected with ${describeError(err)}`);
      return;
    }
    c.fail(label, `got a result ${short(r)}`);
  }

  async callOne(tool) {
    const { c, rec } = this;
    const name = tool.name;
    const label = `tools/call ${name}`;
    switch (name) {
      case 'test_simple_text': {
        const r = await this.callTool({ name, arguments: {} });
        c.ok(`${label}: text equals the fixture`, short(textsOf(r.content)) === short([SIMPLE_TEXT]) && !r.isError, r);
        break;
      }
      case 'test_image_content': {
        const r = await this.callTool({ name, arguments: {} });
        const img = r.content.find(b => b.type === 'image');
        c.ok(`${label}: image block, mimeType image/png, base64 data`, img?.mimeType === 'image/png' && b64ok(img?.data), r);
        break;
      }
      case 'test_audio_content': {
        const r = await this.callTool({ name, arguments: {} });
        const aud = r.content.find(b => b.type === 'audio');
        c.ok(`${label}: audio block, mimeType audio/wav, base64 data`, aud?.mimeType === 'audio/wav' && b64ok(aud?.data), r);
        break;
      }
      case 'test_embedded_resource': {
        const r = await this.callTool({ name, arguments: {} });
        const res = r.content.find(b => b.type === 'resource')?.resource;
        c.ok(
          `${label}: resource test://embedded-resource, text/plain, text`,
          res?.uri === 'test://embedded-resource' && res?.mimeType === 'text/plain' && Boolean(res?.text),
          r,
        );
        break;
      }
      case 'test_multiple_content_types': {
        const r = await this.callTool({ name, arguments: {} });
        const kinds = new Set(r.content.map(b => b.type));
        const res = r.content.find(b => b.type === 'resource')?.resource;
        c.ok(`${label}: text + image + resource blocks`, r.content.length >= 2 && ['text', 'image', 'resource'].every(k => kinds.has(k)), r);
        c.ok(
          `${label}: resource test://mixed-content-resource (application/json)`,
          res?.uri === 'test://mixed-content-resource' && res?.mimeType === 'application/json',
          r,
        );
        break;
      }
      case 'test_tool_with_logging':
        await this.loggingChecks(label);
        break;
      case 'test_error_handling': {
        const r = await this.callTool({ name, arguments: {} });
        c.ok(`${label}: isError true with a text block`, r.isError === true && textsOf(r.content).length > 0, r);
        break;
      }
      case 'test_tool_with_progress': {
        const seen = [];
        const mark = this.client.wire.length;
        const r = await this.callTool({ name, arguments: {} }, { onprogress: p => seen.push(p) });
        // The notifications the server sent before the response, for the token the SDK chose.
        const wire = this.client.wire.slice(mark);
        const answered = wire.findIndex(m => 'id' in m && ('result' in m || 'error' in m));
        const sent = wire.slice(0, answered < 0 ? wire.length : answered).filter(m => m.method === 'notifications/progress');
        const tokens = new Set(sent.map(m => m.params.progressToken));
        const values = sent.map(m => m.params.progress);
        c.ok(`${label}: result not an error`, !r.isError, r);
        c.ok(`${label}: >= 3 progress notifications before the result (wire)`, values.length >= 3, sent);
        c.ok(`${label}: one progress token, non-decreasing progress`, tokens.size === 1 && values.every((v, i) => i === 0 || v >= values[i - 1]), sent);
        c.ok(`${label}: the SDK onprogress callback fired`, seen.length > 0, seen);
        if (seen.length < values.length) {
          c.info(`${label}: the SDK callback saw ${seen.length} of ${values.length} notifications (SDK race: a notification read together with the response is dispatched after the request settles)`);
        }
        break;
      }
      case 'test_sampling': {
        const before = rec.sampling.length;
        const r = await this.callTool({ name, arguments: { prompt: 'What is the capital of France?' } });
        c.ok(`${label}: sampling/createMessage reached the SDK handler`, rec.sampling.length === before + 1, rec.sampling.length - before);
        c.ok(`${label}: result has content, not an error`, r.content?.length > 0 && !r.isError, r);
        c.ok(`${label}: the sampled text is in the result`, textsOf(r.content).some(t => t.includes(SAMPLED_TEXT)), r);
        break;
      }
      case 'test_elicitation':
      case 'test_elicitation_sep1034_defaults':
      case 'test_elicitation_sep1330_enums': {
        const before = rec.elicitation.length;
        const args = name === 'test_elicitation' ? { message: 'Please provide your details' } : {};
        const r = await this.callTool({ name, arguments: args });
        const asked = rec.elicitation.slice(before);
        c.ok(`${label}: elicitation/create reached the SDK handler`, asked.length === 1, asked);
        c.ok(`${label}: result not an error`, r.content?.length > 0 && !r.isError, r);
        if (asked.length) this.elicitationSchemaChecks(label, name, asked[0].requestedSchema ?? {});
        break;
      }
      case 'test_logging_tool': {
        if (!this.modern) {
          await this.callOther(tool);
          break;
        }
        const before = rec.logs.length;
        const r = await this.callTool({ name, arguments: {} });
        await sleep(200);
        c.ok(`${label}: answers, and no notifications/message without _meta logLevel`, !r.isError && rec.logs.length === before, rec.logs.slice(before));
        break;
      }
      case 'echo': {
        const r = await this.callTool({ name, arguments: { text: 'interop says hi' } });
        c.ok(`${label}: echoes the text`, textsOf(r.content).some(t => t.includes('interop says hi')) && !r.isError, r);
        break;
      }
      case 'sum': {
        const r = await this.callTool({ name, arguments: { values: [1, 2, 3.5] } });
        const found = textsOf(r.content).some(t => t.includes('6.5')) || short(r.structuredContent ?? null).includes('6.5');
        c.ok(`${label}: sum of [1, 2, 3.5] is 6.5`, found && !r.isError, r);
        break;
      }
      default:
        await this.callOther(tool);
    }
  }

  elicitationSchemaChecks(label, name, schema) {
    const { c } = this;
    const props = schema.properties ?? {};
    if (name === 'test_elicitation') {
      c.ok(`${label}: requested schema has username and email`, 'username' in props && 'email' in props, schema);
    } else if (name === 'test_elicitation_sep1034_defaults') {
      const want = { name: 'John Doe', age: 30, score: 95.5, status: 'active', verified: true };
      const got = Object.fromEntries(Object.keys(want).map(k => [k, props[k]?.default]));
      c.ok(`${label}: defaults name/age/score/status/verified`, short(got) === short(want), schema);
      c.ok(`${label}: age is an integer`, props.age?.type === 'integer', schema);
      c.ok(`${label}: status enum active/inactive/pending`, short(props.status?.enum) === short(['active', 'inactive', 'pending']), schema);
    } else {
      const constTitled = list => Array.isArray(list) && list.length > 0 && list.every(o => 'const' in o && 'title' in o);
      const shapes = {
        untitledSingle: p => Array.isArray(p.enum) && p.enum.length > 0,
        titledSingle: p => constTitled(p.oneOf),
        legacyEnum: p => Array.isArray(p.enum) && Array.isArray(p.enumNames),
        untitledMulti: p => p.type === 'array' && Array.isArray(p.items?.enum),
        titledMulti: p => p.type === 'array' && constTitled(p.items?.anyOf),
      };
      for (const [key, pred] of Object.entries(shapes)) c.ok(`${label}: ${key} shape`, key in props && pred(props[key]), props[key]);
    }
  }

  async loggingChecks(label) {
    const { c, rec, client } = this;
    const name = 'test_tool_with_logging';
    if (this.modern) {
      let before = rec.logs.length;
      let r = await this.callTool({ name, arguments: {} });
      await sleep(200);
      c.ok(`${label}: without _meta logLevel no notifications/message`, rec.logs.length === before && !r.isError, rec.logs.slice(before));
      before = rec.logs.length;
      r = await this.callTool({ name, arguments: {}, _meta: { [LOG_LEVEL_META_KEY]: 'debug' } });
      await sleep(200);
      c.ok(`${label}: with _meta logLevel debug >= 3 notifications/message`, rec.logs.length - before >= 3 && !r.isError, rec.logs.length - before);
    } else {
      await client.setLoggingLevel('debug', this.requestOptions);
      c.ok('logging/setLevel debug answered', true);
      const before = rec.logs.length;
      const r = await this.callTool({ name, arguments: {} });
      await sleep(200);
      c.ok(`${label}: >= 3 notifications/message after setLevel debug`, rec.logs.length - before >= 3 && !r.isError, rec.logs.slice(before));
    }
  }

  // A tool outside the fixed list: call it with schema-derived arguments.
  async callOther(tool) {
    const { c } = this;
    const args = argumentsFor(tool);
    const label = `tools/call ${tool.name} ${short(args)}`;
    let r;
    try {
      r = await this.callTool({ name: tool.name, arguments: args });
    } catch (err) {
      // A tool the engine refuses for this client (a capability or extension it lacks) is a
      // well-formed answer too; anything else is a failure.
      c.ok(`${label}: answered`, [-32021, -32602].includes(err?.code), describeError(err));
      return;
    }
    c.ok(`${label}: answered with content`, Array.isArray(r?.content) && r.content.length > 0, r);
  }

  // ---- prompts, resources, completion ---------------------------------------------------

  async prompts() {
    const { c, client } = this;
    const { prompts } = await client.listPrompts(undefined, this.requestOptions);
    const names = prompts.map(p => p.name);
    c.info(`prompts: ${names.join(', ')}`);
    for (const name of CONTRACT_PROMPTS) c.ok(`prompts/list: ${name} listed`, names.includes(name), names);
    c.ok('prompts/list: every prompt has name and description', prompts.every(p => p.name && p.description), prompts);
    for (const prompt of prompts) {
      const label = `prompts/get ${prompt.name}`;
      const get = args => client.getPrompt({ name: prompt.name, arguments: args }, this.requestOptions);
      if (prompt.name === 'test_prompt_with_arguments') {
        const r = await get({ arg1: 'alpha-interop', arg2: 'beta-interop' });
        const text = r.messages.filter(m => m.content.type === 'text').map(m => m.content.text).join(' ');
        c.ok(`${label}: both argument values in the messages`, text.includes('alpha-interop') && text.includes('beta-interop'), r);
      } else if (prompt.name === 'test_prompt_with_embedded_resource') {
        const r = await get({ resourceUri: 'test://static-text' });
        c.ok(`${label}: a message with a resource block`, r.messages.some(m => m.content.type === 'resource'), r);
      } else if (prompt.name === 'test_prompt_with_image') {
        const r = await get({});
        const img = r.messages.map(m => m.content).find(b => b.type === 'image');
        c.ok(`${label}: a message with an image block`, Boolean(img?.mimeType) && b64ok(img?.data), r);
      } else {
        const args = Object.fromEntries((prompt.arguments ?? []).filter(a => a.required).map(a => [a.name, 'test']));
        const r = await get(args);
        c.ok(`${label} ${short(args)}: messages with role and content`, r.messages.length > 0 && r.messages.every(m => m.role && m.content), r);
      }
    }
  }

  async resources() {
    const { c, client } = this;
    const listed = await client.listResources(undefined, this.requestOptions);
    const uris = listed.resources.map(r => r.uri);
    c.info(`resources: ${uris.join(', ')}`);
    c.ok('resources/list: every resource has uri and name', listed.resources.every(r => r.uri && r.name), listed);
    for (const uri of ['test://static-text', 'test://static-binary']) c.ok(`resources/list: ${uri} listed`, uris.includes(uri), uris);
    const read = uri => client.readResource({ uri }, this.requestOptions);
    for (const uri of uris) {
      const r = await read(uri);
      const label = `resources/read ${uri}`;
      const first = r.contents?.[0];
      c.ok(`${label}: non-empty contents, each with uri`, r.contents?.length > 0 && r.contents.every(x => x.uri), r);
      if (uri === 'test://static-text') {
        c.ok(`${label}: text, mimeType text/plain`, typeof first?.text === 'string' && first?.mimeType === 'text/plain', r);
      } else if (uri === 'test://static-binary') {
        c.ok(`${label}: blob, mimeType image/png`, b64ok(first?.blob) && first?.mimeType === 'image/png', r);
      }
    }
    const templates = await client.listResourceTemplates(undefined, this.requestOptions);
    const tnames = templates.resourceTemplates.map(t => t.uriTemplate);
    c.ok('resources/templates/list: test://template/{id}/data listed', tnames.includes('test://template/{id}/data'), tnames);
    const r = await read('test://template/123/data');
    const bodies = r.contents.map(x => x.text ?? Buffer.from(x.blob ?? '', 'base64').toString('utf8'));
    c.ok('resources/read test://template/123/data: contains 123', bodies.some(b => b.includes('123')), r);
    try {
      const got = await read(NONEXISTENT_URI);
      c.fail(`resources/read ${NONEXISTENT_URI}: JSON-RPC error`, `got a result ${short(got)}`);
    } catch (err) {
      if (!this.modern && this.opts.sdk === 'v2') {
        // The v2 SDK decodes the legacy -32002 as -32602 in both eras, so only "not found, with
        // data.uri" is observable through it.
        c.ok(
          `resources/read ${NONEXISTENT_URI}: resource-not-found error with data.uri`,
          [-32002, -32602].includes(err?.code) && err?.data?.uri === NONEXISTENT_URI,
          describeError(err),
        );
      } else {
        const want = this.modern ? -32602 : -32002;
        c.ok(`resources/read ${NONEXISTENT_URI}: error ${want}`, err?.code === want, describeError(err));
      }
    }
    if (!this.modern) {
      await client.subscribeResource({ uri: 'test://watched-resource' }, this.requestOptions);
      c.ok('resources/subscribe test://watched-resource', true);
      await client.unsubscribeResource({ uri: 'test://watched-resource' }, this.requestOptions);
      c.ok('resources/unsubscribe test://watched-resource', true);
    }
  }

  async completion() {
    const r = await this.client.complete(
      { ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'test' } },
      this.requestOptions,
    );
    this.c.ok('completion/complete ref/prompt arg1: values is a list', Array.isArray(r?.completion?.values), r);
    this.c.info(`completion values: ${short(r?.completion?.values)}`);
  }

  // ---- modern only ---------------------------------------------------------------------

  // Calls a tool (or gets a prompt) answering input_required rounds by hand; returns the rounds
  // and the end.
  async drive(name, args, { rounds = 5, prompt = false } = {}) {
    const seen = [];
    let inputResponses;
    let requestState;
    for (let i = 0; i < rounds; i++) {
      const params = { name, arguments: args };
      if (inputResponses) params.inputResponses = inputResponses;
      if (requestState !== undefined) params.requestState = requestState;
      const options = { ...this.requestOptions, allowInputRequired: true };
      const r = prompt ? await this.client.getPrompt(params, options) : await this.callTool(params, options);
      if (r?.resultType !== 'input_required') return { seen, end: r };
      seen.push(r);
      inputResponses = {};
      for (const [key, req] of Object.entries(r.inputRequests ?? {})) inputResponses[key] = await this.rec.answer(req);
      requestState = r.requestState;
    }
    throw new Error(`${name}: still input_required after ${rounds} rounds`);
  }

  async manualRounds(names) {
    const { c } = this;
    const isComplete = r => Array.isArray(r?.content) && r.resultType !== 'input_required';
    let { seen, end } = await this.drive('test_elicitation', { message: 'manual round' });
    c.ok('manual MRTR test_elicitation: round 1 is input_required', seen.length >= 1, end);
    if (seen.length) {
      const methods = Object.values(seen[0].inputRequests ?? {}).map(v => v.method);
      c.ok('manual MRTR test_elicitation: round 1 asks elicitation/create', methods.includes('elicitation/create'), seen[0]);
    }
    c.ok('manual MRTR test_elicitation: retry with inputResponses completes', isComplete(end) && !end.isError, end);
    ({ seen, end } = await this.drive('test_sampling', { prompt: 'manual round' }));
    const methods = seen.flatMap(r => Object.values(r.inputRequests ?? {}).map(v => v.method));
    c.ok('manual MRTR test_sampling: asks sampling/createMessage', methods.includes('sampling/createMessage'), seen);
    c.ok('manual MRTR test_sampling: retry completes with the sampled text', isComplete(end) && textsOf(end.content).some(t => t.includes(SAMPLED_TEXT)), end);

    if (names.has('test_input_required_result_elicitation')) {
      ({ seen, end } = await this.drive('test_input_required_result_elicitation', {}));
      const keys = Object.keys(seen[0]?.inputRequests ?? {});
      c.ok('manual MRTR test_input_required_result_elicitation: key user_name', short(keys) === short(['user_name']), keys);
      c.ok('manual MRTR test_input_required_result_elicitation: completes', isComplete(end) && end.content.length > 0, end);
    }
    for (const [name, method] of [
      ['test_input_required_result_sampling', 'sampling/createMessage'],
      ['test_input_required_result_list_roots', 'roots/list'],
    ]) {
      if (!names.has(name)) continue;
      ({ seen, end } = await this.drive(name, {}));
      const got = Object.values(seen[0]?.inputRequests ?? {}).map(v => v.method);
      c.ok(`manual MRTR ${name}: first input request is ${method}`, got[0] === method, got);
      c.ok(`manual MRTR ${name}: completes`, isComplete(end) && end.content.length > 0 && !end.isError, end);
    }
    if (names.has('test_input_required_result_request_state')) {
      ({ seen, end } = await this.drive('test_input_required_result_request_state', {}));
      const first = seen[0];
      c.ok(
        'manual MRTR request_state: round 1 has inputRequests and a string requestState',
        Object.keys(first?.inputRequests ?? {}).length > 0 && typeof first?.requestState === 'string',
        first,
      );
      c.ok('manual MRTR request_state: retry with the echoed state completes', isComplete(end) && !end.isError, end);
    }
    if (names.has('test_input_required_result_multiple_inputs')) {
      ({ seen, end } = await this.drive('test_input_required_result_multiple_inputs', {}));
      const first = seen[0];
      const methods = new Set(Object.values(first?.inputRequests ?? {}).map(v => v.method));
      c.ok(
        'manual MRTR multiple_inputs: >= 3 requests covering elicitation, sampling, roots, plus requestState',
        Object.keys(first?.inputRequests ?? {}).length >= 3 &&
          ['elicitation/create', 'sampling/createMessage', 'roots/list'].every(m => methods.has(m)) &&
          typeof first?.requestState === 'string',
        first,
      );
      c.ok('manual MRTR multiple_inputs: completes', isComplete(end) && !end.isError, end);
    }
    if (names.has('test_input_required_result_multi_round')) {
      ({ seen, end } = await this.drive('test_input_required_result_multi_round', {}));
      const states = seen.map(r => r.requestState);
      c.ok('manual MRTR multi_round: two input_required rounds', seen.length === 2, seen);
      c.ok('manual MRTR multi_round: requestState differs between rounds', states.length === 2 && states.every(Boolean) && states[0] !== states[1], states);
      c.ok('manual MRTR multi_round: round 3 completes', isComplete(end) && !end.isError, end);
    }
    if (names.has('test_input_required_result_tampered_state')) {
      const name = 'test_input_required_result_tampered_state';
      const first = await this.callTool({ name, arguments: {} }, { allowInputRequired: true });
      const ok = first?.resultType === 'input_required' && typeof first.requestState === 'string';
      c.ok('manual MRTR tampered_state: round 1 carries a string requestState', ok, first);
      if (ok) {
        const inputResponses = {};
        for (const [key, req] of Object.entries(first.inputRequests ?? {})) inputResponses[key] = await this.rec.answer(req);
        try {
          const r = await this.callTool(
            { name, arguments: {}, inputResponses, requestState: `${first.requestState}-TAMPERED` },
            { allowInputRequired: true },
          );
          c.fail('manual MRTR tampered_state: tampered state is a JSON-RPC error', `got a result ${short(r)}`);
        } catch (err) {
          c.ok('manual MRTR tampered_state: tampered state is a JSON-RPC error', typeof err?.code === 'number', describeError(err));
        }
      }
    }
  }

  // What every 2026-07-28 answer on the main connection looked like on the wire.
  modernWireChecks() {
    const { c, client } = this;
    const requests = client.wire.filter(m => 'method' in m && 'id' in m);
    c.ok('modern wire: the server sent no JSON-RPC request (input_required only)', requests.length === 0, requests);
    const results = client.wire.filter(m => 'id' in m && 'result' in m);
    const untyped = results.filter(m => !['complete', 'input_required'].includes(m.result.resultType));
    c.ok(`modern wire: all ${results.length} results carry resultType complete|input_required`, results.length > 0 && untyped.length === 0, untyped.slice(0, 3));
    const cacheable = ['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read', 'server/discover'];
    const hinted = results.filter(m => cacheable.includes(client.sentMethods.get(m.id)) && m.result.resultType === 'complete');
    const unhinted = hinted.filter(m => !(Number.isInteger(m.result.ttlMs) && m.result.ttlMs >= 0 && ['public', 'private'].includes(m.result.cacheScope)));
    c.ok(`modern wire: all ${hinted.length} cacheable results carry ttlMs and cacheScope`, hinted.length > 0 && unhinted.length === 0, unhinted.slice(0, 3));
    const errors = client.wire.filter(m => 'error' in m);
    const unmatched = errors.filter(m => m.id === null || !client.sentMethods.has(m.id));
    c.ok(`modern wire: all ${errors.length} error responses echo a request id`, unmatched.length === 0, unmatched);
  }

  async promptRounds() {
    const { c } = this;
    const { prompts } = await this.client.listPrompts(undefined, this.requestOptions);
    if (!prompts.some(p => p.name === 'test_input_required_result_prompt')) return;
    const { seen, end } = await this.drive('test_input_required_result_prompt', {}, { prompt: true });
    c.ok('manual MRTR prompts/get test_input_required_result_prompt: round 1 is input_required', seen.length >= 1, end);
    c.ok(
      'manual MRTR prompts/get test_input_required_result_prompt: retry returns messages',
      end?.resultType !== 'input_required' && Array.isArray(end?.messages) && end.messages.length > 0,
      end,
    );
  }

  // A modern client declaring only sampling: the server must not ask it to elicit.
  async samplingOnlyClient() {
    const { c } = this;
    const client = await this.connect(new Recorder(), ['sampling']);
    try {
      const { tools } = await client.listTools(undefined, this.requestOptions);
      if (!tools.some(t => t.name === 'test_input_required_result_capabilities')) return;
      const r = await this.callTool({ name: 'test_input_required_result_capabilities', arguments: {} }, { allowInputRequired: true }, client);
      const methods = Object.values(r?.inputRequests ?? {}).map(v => v.method);
      c.ok('sampling-only client: test_input_required_result_capabilities is input_required', r?.resultType === 'input_required', r);
      c.ok('sampling-only client: no elicitation/create among its input requests', !methods.includes('elicitation/create'), r);
    } finally {
      await client.close();
    }
  }

  // A modern client that declares no capabilities: the server must not ask it for input.
  async bareClient() {
    const { c } = this;
    const client = await this.connect(undefined);
    try {
      const { tools } = await client.listTools(undefined, this.requestOptions);
      const names = new Set(tools.map(t => t.name));
      for (const [name, args, method] of [
        ['test_sampling', { prompt: 'hi' }, 'sampling/createMessage'],
        ['test_elicitation', { message: 'hi' }, 'elicitation/create'],
      ]) {
        const label = `no client capabilities: ${name}`;
        let r;
        try {
          r = await this.callTool({ name, arguments: args }, { allowInputRequired: true }, client);
        } catch (err) {
          c.ok(`${label}: -32021 with requiredCapabilities object`, err?.code === -32021 && typeof err?.data?.requiredCapabilities === 'object' && !Array.isArray(err?.data?.requiredCapabilities), describeError(err));
          continue;
        }
        const asked = Object.values(r?.inputRequests ?? {}).map(v => v.method);
        c.ok(`${label}: no ${method} input request (else -32021)`, !asked.includes(method), r);
      }
      if (names.has('test_missing_capability')) {
        try {
          const r = await this.callTool({ name: 'test_missing_capability', arguments: {} }, {}, client);
          c.fail('no client capabilities: test_missing_capability is -32021', `got a result ${short(r)}`);
        } catch (err) {
          c.ok(
            'no client capabilities: test_missing_capability is -32021 {requiredCapabilities: {sampling: {}}}',
            err?.code === -32021 && short(err?.data?.requiredCapabilities) === short({ sampling: {} }),
            describeError(err),
          );
        }
      }
    } finally {
      await client.close();
    }
  }
}

const opts = parseArgs(process.argv.slice(2));
const sdk = await loadSdk(opts.sdk);
const run = new Run(opts, sdk);
let code;
try {
  code = await run.main();
} catch (err) {
  process.stderr.write(`${err?.stack ?? err}\n`);
  run.c.fail('connection to the server', describeError(err));
  console.log(`${run.c.passed} passed, ${run.c.failed} failed`);
  code = 1;
}
// The SDK may keep handles open (a child that ignores stdin EOF); do not hang on them.
process.exit(code);
