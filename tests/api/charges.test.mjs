// The charging API (issue 5): tool runs at seed 001's prices, members free, failed runs
// refunded, server-to-server holds (reserve, capture, release, refund, expiry), feature gating,
// entitlements, the 1000-against-500 race, and every idempotency outcome.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, removeDataDir, call, expectError, register, BIN, dbArgs } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, createApiKey, me, grantCredits, balance, buyMembership } from './lib/billing.mjs';

let server;
let admin;
let apiKey;
before(async () => {
  server = await startServer({ env: ADMIN_ENV });
  admin = await adminToken(server);
  apiKey = await createApiKey(server, admin);
});
after(async () => {
  await server.stop();
  removeDataDir(server.dataDir);
});

// A registered user holding `credits`.
async function customer(email, credits) {
  const session = await register(server, email);
  const profile = await me(server, session.access_token);
  if (credits > 0) {
    await grantCredits(server, admin, profile.account_id, credits);
  }
  return { token: session.access_token, userId: profile.id, accountId: profile.account_id };
}

const charge = (body, headers = {}) => call(server, 'POST', '/api/v1/charges', { token: apiKey, body, headers });
const action = (id, name, body, headers = {}) =>
  call(server, 'POST', `/api/v1/charges/${id}/${name}`, { token: apiKey, body, headers });
const run = (token, tool, body, headers = {}) =>
  call(server, 'POST', `/api/v1/tools/${tool}/runs`, { token, body, headers });

async function entries(token) {
  const response = await call(server, 'GET', '/api/v1/credit/transactions?limit=100', { token });
  assert.equal(response.status, 200, response.body);
  return response.json.data.items;
}

test('runs cost exactly seed 001 prices and return a PNG', async () => {
  const user = await customer('runner@example.com', 100);
  const prices = { 'nano-banana': 2, 'nano-banana-pro': 4, 'seedream-4.0': 5, 'sora-image': 6, 'flux-kontext-pro': 3, 'flux-kontext-max': 8, 'ai-generation': 10 };
  let expected = 100;
  for (const [tool, price] of Object.entries(prices)) {
    const response = await run(user.token, tool, { prompt: `a ${tool} picture` });
    assert.equal(response.status, 201, response.body);
    const data = response.json.data;
    assert.equal(data.status, 'succeeded');
    assert.equal(data.cost, price, tool);
    expected -= price;
    assert.equal(data.credits, expected);
    assert.match(data.result.data_url, /^data:image\/png;base64,iVBORw0KGgo/);
    const image = await call(server, 'GET', data.result.image_url, { token: user.token });
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
  }
  assert.equal((await balance(server, user.token)).credits, expected);
  const consumed = (await entries(user.token)).filter((entry) => entry.type === 'CONSUME');
  assert.deepEqual(consumed.map((entry) => -entry.amount).sort((a, b) => a - b), Object.values(prices).sort((a, b) => a - b));
  const history = await call(server, 'GET', '/api/v1/tools/runs?skip=0&limit=3', { token: user.token });
  assert.equal(history.status, 200);
  assert.equal(history.json.data.total, 7);
  assert.equal(history.json.data.items.length, 3);
  assert.equal(history.json.data.items[0].tool, 'ai-generation');
  // The same prompt always renders the same picture.
  const again = await run(user.token, 'nano-banana', { prompt: 'a nano-banana picture' });
  const first = history.json.data.items.length && (await call(server, 'GET', '/api/v1/tools/runs?limit=100', { token: user.token }))
    .json.data.items.find((item) => item.tool === 'nano-banana' && item.id !== again.json.data.id);
  const firstRun = await call(server, 'GET', `/api/v1/tools/runs/${first.id}`, { token: user.token });
  assert.equal(firstRun.json.data.result.data_url, again.json.data.result.data_url);
  expectError(assert, await call(server, 'GET', '/api/v1/tools/runs/999999', { token: user.token }), 404, 'run_not_found');
  const stranger = await customer('stranger@example.com', 0);
  expectError(assert, await call(server, 'GET', `/api/v1/tools/runs/${first.id}`, { token: stranger.token }), 404, 'run_not_found');
});

test('a failed run refunds in full and a member pays 0', async () => {
  const user = await customer('failing@example.com', 20);
  const failed = await run(user.token, 'ai-generation', { prompt: 'will fail', params: { fail: true } });
  assert.equal(failed.status, 201, failed.body);
  assert.equal(failed.json.data.status, 'failed');
  assert.equal(failed.json.data.cost, 0);
  assert.equal(failed.json.data.credits, 20);
  assert.match(failed.json.data.error, /failed/);
  assert.equal((await balance(server, user.token)).credits, 20);
  assert.equal((await entries(user.token)).filter((entry) => entry.type === 'CONSUME').length, 0);

  await buyMembership(server, user.token);
  for (let i = 0; i < 3; i += 1) {
    const free = await run(user.token, 'ai-generation', { prompt: `member ${i}` });
    assert.equal(free.status, 201, free.body);
    assert.equal(free.json.data.cost, 0);
    assert.equal(free.json.data.credits, 20);
  }
  // The charge is still recorded with its tool.
  const apiCharge = await charge({ user_id: user.userId, tool: 'sora-image', capture: true });
  assert.equal(apiCharge.status, 201, apiCharge.body);
  assert.equal(apiCharge.json.data.member_free, true);
  assert.equal(apiCharge.json.data.captured, 0);
  assert.equal(apiCharge.json.data.tool, 'sora-image');
  assert.equal(apiCharge.json.data.unit_credits, 6);
  const entitlements = await call(server, 'GET', `/api/v1/entitlements/${user.userId}`, { token: apiKey });
  assert.equal(entitlements.status, 200);
  assert.equal(entitlements.json.data.is_member, true);
  assert.ok(entitlements.json.data.tools.every((tool) => tool.credits === 0));
});

test('holds: reserve, partial capture, release, refund, and each resolves once', async () => {
  const user = await customer('holds@example.com', 50);
  const reserved = await charge({ user_id: user.userId, tool: 'llm-chat', units: 30, metadata: { request: 'r-1' } });
  assert.equal(reserved.status, 201, reserved.body);
  const held = reserved.json.data;
  assert.equal(held.status, 'pending');
  assert.equal(held.reserved, 30);
  assert.equal(held.credits, 20, 'credits = balance - pending holds');
  assert.deepEqual(held.metadata, { request: 'r-1' });
  assert.equal((await balance(server, user.token)).credits, 20);
  // Nothing can spend more than `credits`.
  expectError(assert, await charge({ user_id: user.userId, tool: 'llm-chat', units: 21 }), 402, 'insufficient_credits');

  expectError(assert, await action(held.charge_id, 'capture', { amount: 31 }), 400, 'capture_exceeds_hold', 'amount');
  const captured = await action(held.charge_id, 'capture', { amount: 12 });
  assert.equal(captured.status, 200, captured.body);
  assert.equal(captured.json.data.status, 'captured');
  assert.equal(captured.json.data.captured, 12);
  assert.equal(captured.json.data.credits, 38);
  expectError(assert, await action(held.charge_id, 'capture', {}), 409, 'hold_already_captured');
  expectError(assert, await action(held.charge_id, 'release', {}), 409, 'hold_already_captured');

  const refunded = await action(held.charge_id, 'refund', { amount: 5 });
  assert.equal(refunded.status, 200, refunded.body);
  assert.equal(refunded.json.data.refunded, 5);
  assert.equal(refunded.json.data.credits, 43);
  expectError(assert, await action(held.charge_id, 'refund', { amount: 8 }), 400, 'refund_exceeds_captured', 'amount');
  const rest = await action(held.charge_id, 'refund', {});
  assert.equal(rest.json.data.refunded, 12);
  assert.equal(rest.json.data.credits, 50);
  const types = (await entries(user.token)).map((entry) => `${entry.type} ${entry.amount}`);
  assert.deepEqual(types.slice(0, 3), ['REFUND 7', 'REFUND 5', 'CONSUME -12']);

  const second = (await charge({ user_id: user.userId, tool: 'nano-banana' })).json.data;
  expectError(assert, await action(second.charge_id, 'refund', {}), 409, 'charge_not_captured');
  const released = await action(second.charge_id, 'release');
  assert.equal(released.status, 200, released.body);
  assert.equal(released.json.data.status, 'released');
  assert.equal(released.json.data.credits, 50);
  expectError(assert, await action(second.charge_id, 'capture', {}), 409, 'hold_already_released');
  const fetched = await call(server, 'GET', `/api/v1/charges/${second.charge_id}`, { token: apiKey });
  assert.equal(fetched.json.data.status, 'released');
  expectError(assert, await call(server, 'GET', '/api/v1/charges/999999', { token: apiKey }), 404, 'charge_not_found');
});

test('an expired hold cannot be captured and the job returns its credits', async () => {
  const user = await customer('expiry@example.com', 10);
  const held = (await charge({ user_id: user.userId, tool: 'nano-banana', hold_seconds: 1 })).json.data;
  assert.equal(held.credits, 8);
  await new Promise((resolve) => setTimeout(resolve, 2100));
  expectError(assert, await action(held.charge_id, 'capture', {}), 409, 'hold_expired');
  // The expiry job runs every 5 seconds.
  let status;
  for (let i = 0; i < 40 && status !== 'expired'; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    status = (await call(server, 'GET', `/api/v1/charges/${held.charge_id}`, { token: apiKey })).json.data.status;
  }
  assert.equal(status, 'expired');
  assert.equal((await balance(server, user.token)).credits, 10);
  expectError(assert, await action(held.charge_id, 'release', {}), 409, 'hold_expired');
});

test('bad requests name the field; unknown tools, users and keys are refused', async () => {
  const user = await customer('errors@example.com', 5);
  expectError(assert, await charge({ tool: 'nano-banana' }), 400, 'missing_field', 'user_id');
  expectError(assert, await charge({ user_id: user.userId, account_id: user.accountId, tool: 'nano-banana' }), 400, 'missing_field', 'user_id');
  expectError(assert, await charge({ user_id: user.userId, tool: 'no-such-tool' }), 404, 'tool_not_found', 'tool');
  expectError(assert, await charge({ user_id: 999999, tool: 'nano-banana' }), 404, 'user_not_found');
  expectError(assert, await charge({ user_id: user.userId, tool: 'nano-banana', units: 0 }), 400, 'invalid_field', 'units');
  expectError(assert, await charge({ user_id: user.userId, tool: 'nano-banana', hold_seconds: 86401 }), 400, 'invalid_field', 'hold_seconds');
  expectError(assert, await charge({ user_id: user.userId, tool: 'nano-banana', metadata: 'x' }), 400, 'invalid_field', 'metadata');
  expectError(assert, await call(server, 'POST', '/api/v1/charges', { token: 'ck_wrong', body: { user_id: user.userId, tool: 'nano-banana' } }), 401, 'invalid_api_key');
  expectError(assert, await call(server, 'POST', '/api/v1/charges', { body: {} }), 401, 'unauthenticated');
  // A user token is not an API key.
  expectError(assert, await call(server, 'POST', '/api/v1/charges', { token: user.token, body: {} }), 401, 'invalid_api_key');
  expectError(assert, await run(user.token, 'no-such-tool', { prompt: 'x' }), 404, 'tool_not_found');
  expectError(assert, await run(user.token, 'nano-banana', {}), 400, 'missing_field', 'prompt');
  expectError(assert, await run(user.token, 'ai-generation', { prompt: 'too dear' }), 402, 'insufficient_credits');
  // By account id too.
  const byAccount = await charge({ account_id: user.accountId, tool: 'nano-banana', capture: true });
  assert.equal(byAccount.status, 201, byAccount.body);
  assert.equal(byAccount.json.data.credits, 3);
});

test('1000 concurrent one-step charges of 1 credit against 500 credits: exactly 500 succeed', async () => {
  const user = await customer('race@example.com', 500);
  const responses = await Promise.all(Array.from({ length: 1000 }, () =>
    charge({ user_id: user.userId, tool: 'llm-chat', units: 1, capture: true })));
  const statuses = responses.map((response) => response.status);
  assert.equal(statuses.filter((status) => status === 201).length, 500);
  assert.equal(statuses.filter((status) => status === 402).length, 500);
  assert.equal((await balance(server, user.token)).credits, 0);
  const all = await call(server, 'GET', '/api/v1/credit/transactions?type=CONSUME&limit=100', { token: user.token });
  assert.equal(all.json.data.total, 500);
  const statistics = await call(server, 'GET', '/api/v1/credit/statistics', { token: user.token });
  assert.equal(statistics.status, 200);
  assert.equal(statistics.json.data.total_consumed, 500);
});

test('idempotency: a replay returns the same status and body; another body is 422', async () => {
  const user = await customer('replay@example.com', 30);
  const headers = { 'idempotency-key': 'charge-1' };
  const body = { user_id: user.userId, tool: 'flux-kontext-pro', capture: true };
  const first = await charge(body, headers);
  assert.equal(first.status, 201, first.body);
  assert.equal(first.headers.get('idempotent-replayed'), null);
  const second = await charge(body, headers);
  assert.equal(second.status, 201);
  assert.equal(second.body, first.body);
  assert.equal(second.headers.get('idempotent-replayed'), 'true');
  assert.equal((await balance(server, user.token)).credits, 27, 'charged once');
  expectError(assert, await charge({ ...body, units: 2 }, headers), 422, 'idempotency_key_reused');
  // Keys are scoped to the caller: another API key may use the same key for its own request.
  const otherKey = await createApiKey(server, admin, 'second backend');
  const other = await call(server, 'POST', '/api/v1/charges', { token: otherKey, body, headers });
  assert.equal(other.status, 201, other.body);
  assert.equal(other.headers.get('idempotent-replayed'), null);
  assert.equal((await balance(server, user.token)).credits, 24);
  // The replay is the first answer even after the charge has moved on (refunded since).
  const refunded = await action(first.json.data.charge_id, 'refund', {});
  assert.equal(refunded.status, 200, refunded.body);
  assert.equal(refunded.json.data.refunded, 3);
  const third = await charge(body, headers);
  assert.equal(third.body, first.body);
  assert.equal(third.headers.get('idempotent-replayed'), 'true');
  // Actions and runs replay too.
  const held = (await charge({ user_id: user.userId, tool: 'nano-banana' })).json.data;
  const captureHeaders = { 'idempotency-key': 'capture-1' };
  const c1 = await action(held.charge_id, 'capture', { amount: 1 }, captureHeaders);
  const c2 = await action(held.charge_id, 'capture', { amount: 1 }, captureHeaders);
  assert.equal(c1.status, 200, c1.body);
  assert.equal(c2.body, c1.body);
  assert.equal(c2.headers.get('idempotent-replayed'), 'true');
  const runHeaders = { 'idempotency-key': 'run-1' };
  const r1 = await run(user.token, 'nano-banana', { prompt: 'once' }, runHeaders);
  const r2 = await run(user.token, 'nano-banana', { prompt: 'once' }, runHeaders);
  assert.equal(r1.status, 201, r1.body);
  assert.equal(r2.body, r1.body);
  assert.equal(r2.headers.get('idempotent-replayed'), 'true');
  expectError(assert, await run(user.token, 'nano-banana', { prompt: 'twice' }, runHeaders), 422, 'idempotency_key_reused');
  expectError(assert, await charge(body, { 'idempotency-key': ' bad key' }), 400, 'invalid_idempotency_key');
  // A failure stores nothing: the same key works once the account can pay.
  const poor = await customer('poor@example.com', 0);
  const dear = { user_id: poor.userId, tool: 'nano-banana', capture: true };
  expectError(assert, await charge(dear, { 'idempotency-key': 'later' }), 402, 'insufficient_credits');
  await grantCredits(server, admin, poor.accountId, 2);
  assert.equal((await charge(dear, { 'idempotency-key': 'later' })).status, 201);
});

test('after all of it every ledger invariant holds', async () => {
  await server.stop();
  const output = execFileSync(BIN, ['verify', '--data', server.dataDir, ...dbArgs(server.dataDir)], {
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
  }).toString();
  assert.match(output, /every ledger invariant holds/);
});
