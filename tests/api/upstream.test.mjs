// Tools that call an upstream HTTP endpoint (issue 5 point 5), feature gating with
// upgrade_required, the in-flight idempotency conflict (409), and the ledger audit afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { startServer, removeDataDir, makeDataDir, call, expectError, register, BIN, dbArgs } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, createApiKey, me, grantCredits, balance, writeCatalog } from './lib/billing.mjs';

let upstream;
let upstreamUrl;
const received = [];
let server;
let admin;
let apiKey;

before(async () => {
  // The far side: answers by prompt, so each test picks the behaviour it needs.
  upstream = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      const payload = JSON.parse(body);
      received.push({ headers: request.headers, payload });
      if (payload.prompt === 'break') {
        response.writeHead(502, { 'content-type': 'text/plain' }).end('upstream broke');
      } else if (payload.prompt.startsWith('slow')) {
        setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ text: 'slow answer' })), 1500);
      } else {
        response.writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ text: `answer to ${payload.prompt}`, tokens: 42 }));
      }
    });
  });
  await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${upstream.address().port}/generate`;
  const dataDir = makeDataDir();
  const catalog = writeCatalog(dataDir, `
[[tools]]
key = "remote-gen"
name = "Remote generation"
credits = 10
unit = "call"
resource_type = "api_calls"
upstream_url = "${upstreamUrl}"
upstream_timeout_ms = 5000
[tools.upstream_headers]
X-Upstream-Token = "secret-123"

[[tools]]
key = "pro-model"
name = "Pro model"
credits = 1
unit = "call"
resource_type = "api_calls"
required_feature = "advanced_models"
`);
  server = await startServer({ dataDir, env: ADMIN_ENV, args: ['--catalog', catalog] });
  admin = await adminToken(server);
  apiKey = await createApiKey(server, admin);
});
after(async () => {
  await server.stop();
  removeDataDir(server.dataDir);
  await new Promise((resolve) => upstream.close(resolve));
});

async function customer(email, credits) {
  const session = await register(server, email);
  const profile = await me(server, session.access_token);
  await grantCredits(server, admin, profile.account_id, credits);
  return { token: session.access_token, userId: profile.id };
}

const run = (token, body, headers = {}) =>
  call(server, 'POST', '/api/v1/tools/remote-gen/runs', { token, body, headers });

test('an upstream 2xx is success: its body is the result and 10 credits are spent', async () => {
  const user = await customer('remote@example.com', 25);
  const response = await run(user.token, { prompt: 'hello', params: { size: 'small' } });
  assert.equal(response.status, 201, response.body);
  assert.equal(response.json.data.status, 'succeeded');
  assert.equal(response.json.data.cost, 10);
  assert.deepEqual(response.json.data.result.body, { text: 'answer to hello', tokens: 42 });
  assert.equal(response.json.data.credits, 15);
  const sent = received.at(-1);
  assert.equal(sent.headers['x-upstream-token'], 'secret-123');
  assert.equal(sent.payload.tool, 'remote-gen');
  assert.deepEqual(sent.payload.params, { size: 'small' });
  assert.equal(sent.payload.user_id, user.userId);
});

test('an upstream error releases the hold: the failed run costs nothing', async () => {
  const user = await customer('remote-fail@example.com', 25);
  const response = await run(user.token, { prompt: 'break' });
  assert.equal(response.status, 201, response.body);
  assert.equal(response.json.data.status, 'failed');
  assert.equal(response.json.data.cost, 0);
  assert.match(response.json.data.error, /502/);
  assert.equal((await balance(server, user.token)).credits, 25);
});

test('a replay while the first request is still running is 409', async () => {
  const user = await customer('inflight@example.com', 30);
  const headers = { 'idempotency-key': 'slow-1' };
  const first = run(user.token, { prompt: 'slow one' }, headers);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expectError(assert, await run(user.token, { prompt: 'slow one' }, headers), 409, 'idempotency_key_in_flight');
  const done = await first;
  assert.equal(done.status, 201, done.body);
  const replay = await run(user.token, { prompt: 'slow one' }, headers);
  assert.equal(replay.body, done.body);
  assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  assert.equal((await balance(server, user.token)).credits, 20);
});

test('a tool that needs a feature the plan lacks is 403 upgrade_required', async () => {
  const user = await customer('gated@example.com', 5);
  expectError(assert, await call(server, 'POST', '/api/v1/charges', {
    token: apiKey, body: { user_id: user.userId, tool: 'pro-model' },
  }), 403, 'upgrade_required');
  expectError(assert, await call(server, 'POST', '/api/v1/tools/pro-model/runs', {
    token: user.token, body: { prompt: 'x' },
  }), 403, 'upgrade_required');
  const entitlements = await call(server, 'GET', `/api/v1/entitlements/${user.userId}`, { token: apiKey });
  assert.equal(entitlements.status, 200, entitlements.body);
  assert.deepEqual(entitlements.json.data.features, ['basic_chat']);
  assert.deepEqual(entitlements.json.data.tools.map((tool) => tool.key), [], 'remote-gen costs 10 > 5; pro-model is gated');
  expectError(assert, await call(server, 'GET', '/api/v1/entitlements/999999', { token: apiKey }), 404, 'user_not_found');
});

test('after all of it every ledger invariant holds', async () => {
  await server.stop();
  const output = execFileSync(BIN, ['verify', '--data', server.dataDir, ...dbArgs(server.dataDir)], {
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
  }).toString();
  assert.match(output, /every ledger invariant holds/);
});
