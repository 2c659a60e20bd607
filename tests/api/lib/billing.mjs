// Helpers for tests that charge: an admin session, API keys, credits granted by adjustment,
// memberships paid through the sandbox, and a scratch catalog file.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, register } from './server.mjs';

export const ADMIN_ENV = { CREDITD_ADMIN_EMAIL: 'root@example.com', CREDITD_ADMIN_PASSWORD: 'admin-password-1' };

export async function adminToken(server) {
  const login = await call(server, 'POST', '/api/v1/auth/login', {
    body: { email: ADMIN_ENV.CREDITD_ADMIN_EMAIL, password: ADMIN_ENV.CREDITD_ADMIN_PASSWORD },
  });
  assert.equal(login.status, 200, login.body);
  return login.json.data.access_token;
}

export async function createApiKey(server, admin, name = 'tool backend') {
  const created = await call(server, 'POST', '/api/v1/admin/api-keys', { token: admin, body: { name } });
  assert.equal(created.status, 201, created.body);
  return created.json.data.key;
}

export async function me(server, token) {
  const response = await call(server, 'GET', '/api/v1/auth/me', { token });
  assert.equal(response.status, 200, response.body);
  return response.json.data;
}

export async function grantCredits(server, admin, accountId, amount) {
  const response = await call(server, 'POST', `/api/v1/admin/accounts/${accountId}/adjustments`, {
    token: admin, body: { amount, reason: 'test credits' },
  });
  assert.equal(response.status, 201, response.body);
}

// A newly registered user of `server` (e-mail `<prefix>-<n>@example.com`): its access token and
// account id.
const registered = new Map();
export async function newUser(server, prefix) {
  const n = (registered.get(prefix) ?? 0) + 1;
  registered.set(prefix, n);
  const session = await register(server, `${prefix}-${n}@example.com`);
  const profile = await me(server, session.access_token);
  return { token: session.access_token, accountId: profile.account_id };
}

// How many provider notifications operators can list; the listing must hold them all, so that a
// count that stays the same shows that nothing was recorded.
export async function eventCount(server, admin) {
  const count = (await call(server, 'GET', '/api/v1/admin/billing/events?limit=100', { token: admin })).json.data.items.length;
  assert.ok(count < 100, 'the listing holds every event, so a count can change');
  return count;
}

// An order of the caller as the API shows it.
export async function orderOf(server, token, orderNo) {
  const response = await call(server, 'GET', `/api/v1/credit/orders/${orderNo}`, { token });
  assert.equal(response.status, 200, response.body);
  return response.json.data;
}

// A copy of `items` in random order (Fisher-Yates): notifications delivered out of order.
export function shuffle(items) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

export async function balance(server, token) {
  const response = await call(server, 'GET', '/api/v1/credit/balance', { token });
  assert.equal(response.status, 200, response.body);
  return response.json.data;
}

// Seed 002's simulated payment notification of an order (the sandbox's payment/callback).
export function sandboxCallback(server, orderType, orderNo) {
  return call(server, 'POST', '/api/v1/credit/payment/callback', {
    body: { order_type: orderType, order_no: orderNo },
  });
}

// Buys the monthly membership and confirms it through the sandbox callback.
export async function buyMembership(server, token) {
  const order = await call(server, 'POST', '/api/v1/credit/membership', {
    token, body: { price_id: 1, payment_method: 'sandbox' },
  });
  assert.equal(order.status, 201, order.body);
  const paid = await sandboxCallback(server, 'membership', order.json.data.order_no);
  assert.equal(paid.status, 200, paid.body);
}

// Writes a catalog TOML with the given tools, a free plan, one credit pack (10 credits for 1.00)
// and one monthly membership (9.90), priced in `currency`, into `dir`; returns its path.
export function writeCatalog(dir, toolsToml, { currency = 'CNY' } = {}) {
  const path = join(dir, 'test-catalog.toml');
  writeFileSync(path, `${toolsToml}
[[plans]]
key = "free"
name = "Free"
currency = "USD"
monthly_price = "0.00"
yearly_price = "0.00"
monthly_credits = 50
features = ["basic_chat"]
sort_order = 1

[[credit_packs]]
id = 1
amount = 10
bonus = 0
price = "1.00"
currency = "${currency}"

[[memberships]]
id = 1
membership_type = "monthly"
duration_days = 30
price = "9.90"
original_price = "19.90"
currency = "${currency}"
`);
  return path;
}
