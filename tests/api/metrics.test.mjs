// GET /metrics (issue 15 point 4): the Prometheus exposition, checked by Debian's promtool, with
// the numbers an operator reads from it: requests by route and status, the charge writer's
// batches, the connection pool, the jobs and the ledger totals; and the optional Bearer token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, removeDataDir, call, expectError, register } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, createApiKey, me, grantCredits } from './lib/billing.mjs';

const TOKEN = 'metrics-token-0123456789';
let server;
before(async () => {
  server = await startServer({ env: { ...ADMIN_ENV, CREDITD_METRICS_TOKEN: TOKEN } });
});
after(async () => {
  await server.stop();
  removeDataDir(server.dataDir);
});

// Parses the exposition into { 'name{labels}': value }.
function samples(text) {
  const values = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values[line.slice(0, space)] = Number(line.slice(space + 1));
  }
  return values;
}

test('metrics need the configured Bearer token', async () => {
  expectError(assert, await call(server, 'GET', '/metrics'), 401, 'unauthenticated');
  expectError(assert, await call(server, 'GET', '/metrics', { token: 'metrics-token-wrong-value' }), 401,
    'unauthenticated');
  const scraped = await call(server, 'GET', '/metrics', { token: TOKEN });
  assert.equal(scraped.status, 200);
  assert.equal(scraped.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
});

test('the exposition passes promtool and counts requests, charges, jobs and the ledger', async () => {
  const admin = await adminToken(server);
  const apiKey = await createApiKey(server, admin);
  const session = await register(server, 'metrics@example.com');
  const profile = await me(server, session.access_token);
  await grantCredits(server, admin, profile.account_id, 500);
  const before = samples((await call(server, 'GET', '/metrics', { token: TOKEN })).body);

  for (let i = 0; i < 3; i++) {
    assert.equal((await call(server, 'GET', '/healthz')).status, 200);
  }
  expectError(assert, await call(server, 'DELETE', '/healthz'), 405, 'method_not_allowed');
  const charged = await call(server, 'POST', '/api/v1/charges',
    { token: apiKey, body: { user_id: profile.id, tool: 'llm-chat', units: 30, capture: true } });
  assert.equal(charged.status, 201, charged.body);
  const cost = charged.json.data.captured;
  assert.ok(cost > 0);

  const scraped = await call(server, 'GET', '/metrics', { token: TOKEN });
  const check = spawnSync('promtool', ['check', 'metrics'], { input: scraped.body });
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
  const after = samples(scraped.body);
  const delta = (name) => (after[name] ?? 0) - (before[name] ?? 0);

  assert.equal(delta('creditd_http_requests_total{route="/healthz",method="GET",status="200"}'), 3);
  assert.equal(delta('creditd_http_requests_total{route="unmatched",method="any",status="405"}'), 1);
  assert.equal(delta('creditd_http_requests_total{route="/api/v1/charges",method="POST",status="201"}'), 1);
  assert.equal(delta('creditd_http_request_duration_seconds_count{route="/api/v1/charges",method="POST"}'), 1);
  // The charge went through the group-commit writer: one more operation in some batch.
  assert.equal(delta('creditd_writer_batch_size_sum{writer="charges"}'), 1);
  assert.ok(after['creditd_writer_queue_depth{writer="charges"}'] >= 0);
  const pool = Object.keys(after).find((name) => name.startsWith('creditd_db_pool_acquisitions_total'));
  assert.ok(pool && delta(pool) > 0, 'the pool lends connections');
  assert.ok(after['creditd_job_runs_total{job="grant_expiry"}'] >= 1, 'the jobs ran at start');
  assert.equal(after['creditd_job_failures_total{job="grant_expiry"}'], 0);
  // The ledger totals: the granted credits less the charge, in the admin's and the user's accounts.
  assert.equal(after.creditd_ledger_balance_credits, 500 - cost);
  assert.equal(after.creditd_ledger_held_credits, 0);
  assert.ok(after.creditd_ledger_accounts >= 2);
  assert.ok(after.process_resident_memory_bytes > 1e6);
});
