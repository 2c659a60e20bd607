// Seed 003's subscription reads: GET /api/subscription (subscription, plan in effect, usage)
// and GET /api/subscription/usage?period=YYYY-MM, counted from the charges recorded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDataDir, call, expectError, register } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, me, grantCredits } from './lib/billing.mjs';

let server;
let admin;
before(async () => {
  server = await startServer({ env: ADMIN_ENV });
  admin = await adminToken(server);
});
after(async () => {
  await server.stop();
  removeDataDir(server.dataDir);
});

const month = () => new Date().toISOString().slice(0, 7);

test('a new user is on the free plan with its features, quotas and zero usage', async () => {
  const { access_token: token } = await register(server, 'plan-free@example.com');
  const response = await call(server, 'GET', '/api/subscription', { token });
  assert.equal(response.status, 200, response.body);
  const data = response.json.data;
  assert.equal(data.subscription, null);
  assert.equal(data.plan.key, 'free');
  assert.deepEqual(data.plan.features, ['basic_chat', 'community_browse']);
  assert.equal(data.plan.monthlyPrice, '0.00');
  assert.equal(data.usage.period, month());
  assert.deepEqual(data.usage.resources.images, { used: 0, limit: 20, percent: 0, overLimit: false });
  assert.deepEqual(Object.keys(data.usage.resources).sort(), ['api_calls', 'images', 'llm_tokens', 'messages']);
});

test('usage counts the runs of this month per resource type against the quotas', async () => {
  const session = await register(server, 'plan-usage@example.com');
  const profile = await me(server, session.access_token);
  await grantCredits(server, admin, profile.account_id, 100);
  for (const tool of ['nano-banana', 'sora-image', 'nano-banana']) {
    const ran = await call(server, 'POST', `/api/v1/tools/${tool}/runs`, { token: session.access_token, body: { prompt: 'p' } });
    assert.equal(ran.status, 201, ran.body);
  }
  // A failed run is released, so it uses nothing.
  await call(server, 'POST', '/api/v1/tools/ai-generation/runs', { token: session.access_token, body: { prompt: 'p', params: { fail: true } } });
  await call(server, 'POST', '/api/v1/tools/ai-generation/runs', { token: session.access_token, body: { prompt: 'p' } });
  const usage = await call(server, 'GET', `/api/subscription/usage?period=${month()}`, { token: session.access_token });
  assert.equal(usage.status, 200, usage.body);
  assert.equal(usage.json.data.plan, 'free');
  assert.deepEqual(usage.json.data.resources.images, { used: 3, limit: 20, percent: 15, overLimit: false });
  assert.deepEqual(usage.json.data.resources.api_calls, { used: 1, limit: 100, percent: 1, overLimit: false });
  const past = await call(server, 'GET', '/api/subscription/usage?period=2020-01', { token: session.access_token });
  assert.equal(past.json.data.resources.images.used, 0);
  const overview = await call(server, 'GET', '/api/subscription', { token: session.access_token });
  assert.equal(overview.json.data.usage.resources.images.used, 3);
});

test('the period is validated and the routes need a session', async () => {
  const { access_token: token } = await register(server, 'plan-errors@example.com');
  for (const bad of ['2026-13', '2026-1', 'november']) {
    expectError(assert, await call(server, 'GET', `/api/subscription/usage?period=${bad}`, { token }), 400, 'invalid_query', 'period');
  }
  expectError(assert, await call(server, 'GET', '/api/subscription'), 401, 'unauthenticated');
  expectError(assert, await call(server, 'GET', '/api/subscription/usage'), 401, 'unauthenticated');
});
