// Operator endpoints on the ledger: adjustments with reasons, idempotency, entry pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDataDir, call, expectError, register } from './lib/server.mjs';

let server;
let admin;
let user;
before(async () => {
  server = await startServer({
    env: { CREDITD_ADMIN_EMAIL: 'root@example.com', CREDITD_ADMIN_PASSWORD: 'admin-password-1' },
  });
  const login = await call(server, 'POST', '/api/v1/auth/login', {
    body: { email: 'root@example.com', password: 'admin-password-1' },
  });
  assert.equal(login.status, 200, login.body);
  admin = login.json.data;
  assert.equal(admin.user.role, 'admin');
  user = await register(server, 'customer@example.com');
});
after(async () => {
  await server.stop();
  removeDataDir(server.dataDir);
});

async function accountId() {
  const me = await call(server, 'GET', '/api/v1/auth/me', { token: user.access_token });
  return me.json.data.account_id;
}

const adjust = async (id, body, headers = {}) =>
  call(server, 'POST', `/api/v1/admin/accounts/${id}/adjustments`, { token: admin.access_token, body, headers });

test('adjustments add and remove credits as ADJUST entries with the reason', async () => {
  const id = await accountId();
  const up = await adjust(id, { amount: 100, reason: 'welcome credit' });
  assert.equal(up.status, 201, up.body);
  assert.equal(up.json.data.entry.type, 'ADJUST');
  assert.equal(up.json.data.entry.amount, 100);
  assert.equal(up.json.data.entry.balance_after, 100);
  assert.equal(up.json.data.entry.description, 'welcome credit');
  assert.equal(up.json.data.account.credits, 100);

  const down = await adjust(id, { amount: -30, reason: 'correction' });
  assert.equal(down.status, 201);
  assert.equal(down.json.data.account.balance, 70);

  const beyond = await adjust(id, { amount: -71, reason: 'too much' });
  expectError(assert, beyond, 402, 'insufficient_credits');

  const page = await call(server, 'GET', `/api/v1/admin/accounts/${id}/entries?limit=1`, { token: admin.access_token });
  assert.equal(page.status, 200);
  assert.equal(page.json.data.total, 2);
  assert.equal(page.json.data.items.length, 1);
  assert.equal(page.json.data.items[0].amount, -30, 'newest first');
  assert.deepEqual(Object.keys(page.json.data.items[0]).sort(),
    ['amount', 'balance_after', 'created_at', 'description', 'id', 'related_order_id', 'type']);
  const filtered = await call(server, 'GET', `/api/v1/admin/accounts/${id}/entries?type=CONSUME`, { token: admin.access_token });
  assert.equal(filtered.json.data.total, 0);
  expectError(assert, await call(server, 'GET', `/api/v1/admin/accounts/${id}/entries?type=BOGUS`, { token: admin.access_token }),
    400, 'invalid_query', 'type');
  expectError(assert, await call(server, 'GET', `/api/v1/admin/accounts/${id}/entries?limit=101`, { token: admin.access_token }),
    400, 'invalid_query', 'limit');
  expectError(assert, await call(server, 'GET', `/api/v1/admin/accounts/${id}/entries?skip=-1`, { token: admin.access_token }),
    400, 'invalid_query', 'skip');
});

test('an Idempotency-Key makes an adjustment happen at most once', async () => {
  const id = await accountId();
  const before = (await call(server, 'GET', `/api/v1/admin/accounts/${id}`, { token: admin.access_token })).json.data.balance;
  const headers = { 'idempotency-key': 'grant-2026-11-21-a' };
  const first = await adjust(id, { amount: 5, reason: 'retry-safe grant' }, headers);
  assert.equal(first.status, 201);
  const replay = await adjust(id, { amount: 5, reason: 'retry-safe grant' }, headers);
  assert.equal(replay.status, 200);
  assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  assert.equal(replay.json.data.entry.id, first.json.data.entry.id);
  const after = (await call(server, 'GET', `/api/v1/admin/accounts/${id}`, { token: admin.access_token })).json.data.balance;
  assert.equal(after, before + 5);
  expectError(assert, await adjust(id, { amount: 6, reason: 'retry-safe grant' }, headers), 422, 'idempotency_key_reused');
  expectError(assert, await adjust(id, { amount: 6, reason: 'x' }, { 'idempotency-key': 'has spaces in it' }),
    400, 'invalid_idempotency_key');
});

test('adjustment input is validated and nothing changes on a bad request', async () => {
  const id = await accountId();
  const before = (await call(server, 'GET', `/api/v1/admin/accounts/${id}/entries`, { token: admin.access_token })).json.data.total;
  expectError(assert, await adjust(id, { amount: 0, reason: 'zero' }), 400, 'invalid_amount', 'amount');
  expectError(assert, await adjust(id, { amount: 1e15, reason: 'huge' }), 400, 'invalid_field', 'amount');
  expectError(assert, await adjust(id, { amount: -1e15, reason: 'huge' }), 400, 'invalid_field', 'amount');
  expectError(assert, await adjust(id, { amount: 1.5, reason: 'fraction' }), 400, 'invalid_field', 'amount');
  expectError(assert, await adjust(id, { amount: '10', reason: 'string' }), 400, 'invalid_field', 'amount');
  expectError(assert, await adjust(id, { reason: 'no amount' }), 400, 'missing_field', 'amount');
  expectError(assert, await adjust(id, { amount: 1 }), 400, 'missing_field', 'reason');
  expectError(assert, await adjust(id, { amount: 1, reason: 'r'.repeat(501) }), 400, 'invalid_field', 'reason');
  expectError(assert, await adjust(id, { amount: 1, reason: 'x', extra: true }), 400, 'unknown_field', 'extra');
  expectError(assert, await adjust(id, { amount: 1, reason: 'x', expires_at: 'tomorrow' }), 400, 'invalid_field', 'expires_at');
  expectError(assert, await adjust(id, { amount: 1, reason: 'x', expires_at: '2001-01-01T00:00:00Z' }), 400, 'invalid_field', 'expires_at');
  expectError(assert, await adjust(999999, { amount: 1, reason: 'x' }), 404, 'account_not_found');
  expectError(assert, await adjust('abc', { amount: 1, reason: 'x' }), 400, 'invalid_field', 'id');
  const after = (await call(server, 'GET', `/api/v1/admin/accounts/${id}/entries`, { token: admin.access_token })).json.data.total;
  assert.equal(after, before);
});

test('admin endpoints are for admins only', async () => {
  const id = await accountId();
  expectError(assert, await call(server, 'GET', `/api/v1/admin/accounts/${id}`, { token: user.access_token }), 403, 'forbidden');
  expectError(assert, await call(server, 'GET', `/api/v1/admin/accounts/${id}`), 401, 'unauthenticated');
});

test('expiring adjustments expire: the grant carries its expiry', async () => {
  const id = await accountId();
  const soon = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const grant = await adjust(id, { amount: 7, reason: 'promo', expires_at: soon });
  assert.equal(grant.status, 201, grant.body);
});

test('API keys: created once, listed by prefix, revoked; the CLI creates them too', async () => {
  const created = await call(server, 'POST', '/api/v1/admin/api-keys', {
    token: admin.access_token, body: { name: 'image backend' },
  });
  assert.equal(created.status, 201, created.body);
  const key = created.json.data;
  assert.match(key.key, /^ck_[A-Za-z0-9_-]{43}$/);
  assert.equal(key.prefix, key.key.slice(0, 10));
  const listed = await call(server, 'GET', '/api/v1/admin/api-keys', { token: admin.access_token });
  const entry = listed.json.data.find((k) => k.id === key.id);
  assert.equal(entry.name, 'image backend');
  assert.equal(entry.key, undefined, 'the key itself is never listed');
  assert.ok(!listed.body.includes(key.key));
  const revoked = await call(server, 'DELETE', `/api/v1/admin/api-keys/${key.id}`, { token: admin.access_token });
  assert.equal(revoked.status, 200);
  const after = await call(server, 'GET', '/api/v1/admin/api-keys', { token: admin.access_token });
  assert.ok(after.json.data.find((k) => k.id === key.id).revoked_at);
  expectError(assert, await call(server, 'DELETE', '/api/v1/admin/api-keys/99999', { token: admin.access_token }),
    404, 'api_key_not_found');
  expectError(assert, await call(server, 'POST', '/api/v1/admin/api-keys', { token: admin.access_token, body: { name: '' } }),
    400, 'invalid_field', 'name');
  expectError(assert, await call(server, 'GET', '/api/v1/admin/api-keys', { token: user.access_token }), 403, 'forbidden');

  const { execFileSync } = await import('node:child_process');
  const { BIN, dbArgs } = await import('./lib/server.mjs');
  const printed = execFileSync(BIN, ['apikey', 'create', '--data', server.dataDir, ...dbArgs(server.dataDir),
    '--name', 'chat backend'], { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' }, stdio: ['ignore', 'pipe', 'pipe'] })
    .toString().trim();
  assert.match(printed, /^ck_[A-Za-z0-9_-]{43}$/);
  const withCli = await call(server, 'GET', '/api/v1/admin/api-keys', { token: admin.access_token });
  assert.ok(withCli.json.data.some((k) => k.name === 'chat backend' && k.prefix === printed.slice(0, 10)));
});
