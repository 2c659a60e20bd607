// Seed 002: credits and membership, paid through the sandbox provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDataDir, call, expectError, register } from './lib/server.mjs';
import { sandboxCallback } from './lib/billing.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
  removeDataDir(server.dataDir);
});

const credit = (method, path, options) => call(server, method, `/api/v1/credit${path}`, options);
const DAY_MS = 24 * 3600 * 1000;

async function order(token, kind, priceId, method = 'sandbox', headers = {}) {
  const response = await credit('POST', kind === 'recharge' ? '/recharge' : '/membership', {
    token, body: { price_id: priceId, payment_method: method }, headers,
  });
  return response;
}

const callback = (orderType, orderNo) => sandboxCallback(server, orderType, orderNo);

test('the seed flow: prices, recharge, sandbox payment, balance, transactions, membership twice', async () => {
  const { access_token: token } = await register(server, 'seed-flow@example.com');

  const prices = await credit('GET', '/prices');
  assert.equal(prices.status, 200);
  assert.deepEqual(prices.json.data.map((p) => [p.id, p.amount, p.price, p.bonus]),
    [[1, 10, '1.00', 0], [2, 100, '10.00', 10], [3, 500, '50.00', 100], [4, 1000, '100.00', 300]]);
  assert.ok(prices.json.data.every((p) => p.is_active === true && p.currency === 'CNY'));
  assert.deepEqual(Object.keys(prices.json.data[0]).sort(),
    ['amount', 'bonus', 'currency', 'id', 'is_active', 'price', 'sort_order']);

  const pack = prices.json.data.find((p) => p.amount === 100);
  const created = await order(token, 'recharge', pack.id, 'alipay');
  assert.equal(created.status, 201, created.body);
  const o = created.json.data;
  assert.match(o.order_no, /^R\d{8}\d{3,}$/);
  assert.equal(o.amount, 100);
  assert.equal(o.bonus, 10);
  assert.equal(o.total_amount, 110);
  assert.equal(o.price, '10.00');
  assert.equal(o.payment_method, 'alipay');
  assert.equal(o.payment_status, 'pending');
  assert.ok(o.created_at);

  // Pay through the sandbox page, as a payer would: the page, then its Pay form.
  const page = await fetch(o.pay_url);
  const html = await page.text();
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.match(html, new RegExp(o.order_no));
  assert.match(html, /100 credits \+ 10 bonus/);
  assert.match(html, /10\.00 CNY/);
  assert.doesNotMatch(html, /<script/i);
  const paid = await fetch(`${o.pay_url}/pay`, { method: 'POST' });
  assert.equal(paid.status, 200);
  assert.match(await paid.text(), /Payment received/);

  const balance = await credit('GET', '/balance', { token });
  assert.deepEqual(balance.json.data, { credits: 110, is_member: false, member_expired_at: null });

  const transactions = await credit('GET', '/transactions?type=RECHARGE', { token });
  assert.equal(transactions.json.data.total, 1);
  const entry = transactions.json.data.items[0];
  assert.equal(entry.type, 'RECHARGE');
  assert.equal(entry.amount, 110);
  assert.equal(entry.balance_after, 110);
  assert.equal(entry.related_order_id, o.id);

  const memberships = await credit('GET', '/membership/prices');
  assert.deepEqual(memberships.json.data.map((m) => [m.membership_type, m.duration_days, m.price, m.original_price]),
    [['monthly', 30, '9.90', '19.90'], ['quarterly', 90, '25.00', '59.70'], ['yearly', 365, '88.00', '238.80']]);
  // The price per month the membership page shows, computed by the server (rounded down).
  assert.deepEqual(memberships.json.data.map((m) => m.monthly_price), ['9.90', '8.33', '7.23']);
  const monthly = memberships.json.data.find((m) => m.membership_type === 'monthly');

  const first = await order(token, 'membership', monthly.id, 'wechat');
  assert.equal(first.status, 201);
  assert.match(first.json.data.order_no, /^M\d{11,}$/);
  const firstPaid = await callback('membership', first.json.data.order_no);
  assert.equal(firstPaid.status, 200, firstPaid.body);
  let status = (await credit('GET', '/balance', { token })).json.data;
  assert.equal(status.is_member, true);
  const in30 = Date.parse(status.member_expired_at) - Date.now();
  assert.ok(Math.abs(in30 - 30 * DAY_MS) < 120_000, `expiry ${status.member_expired_at} is 30 days ahead`);

  const second = await order(token, 'membership', monthly.id, 'sandbox');
  assert.equal((await callback('membership', second.json.data.order_no)).status, 200);
  status = (await credit('GET', '/balance', { token })).json.data;
  const in60 = Date.parse(status.member_expired_at) - Date.now();
  assert.ok(Math.abs(in60 - 60 * DAY_MS) < 120_000, `expiry ${status.member_expired_at} is 60 days ahead`);

  const stats = await credit('GET', '/membership/statistics', { token });
  assert.deepEqual({ ...stats.json.data, member_expired_at: undefined }, {
    total_spent: '19.80', currency: 'CNY', paid_orders: 2, is_member: true, days_left: 60, member_expired_at: undefined,
  });
  const orders = await credit('GET', '/membership/orders', { token });
  assert.equal(orders.json.data.total, 2);
  assert.equal(orders.json.data.items[0].order_no, second.json.data.order_no, 'newest first');
  assert.equal(orders.json.data.items[0].payment_status, 'paid');
  assert.ok(orders.json.data.items[0].end_date);

  const statistics = await credit('GET', '/statistics', { token });
  assert.equal(statistics.json.data.total_recharged, 110);
  assert.equal(statistics.json.data.total_consumed, 0);
  assert.equal(statistics.json.data.balance, 110);
  assert.equal(statistics.json.data.daily.length, 30);
  assert.equal(statistics.json.data.daily.at(-1).recharged, 110);
});

test('20 concurrent callbacks for one order credit it exactly once', async (t) => {
  const { access_token: token } = await register(server, 'concurrent@example.com');
  const created = await order(token, 'recharge', 2);
  const orderNo = created.json.data.order_no;
  const results = await Promise.all(Array.from({ length: 20 }, () => callback('recharge', orderNo)));
  assert.ok(results.every((r) => r.status === 200), results.map((r) => r.status).join(','));
  assert.equal(results.filter((r) => r.json.data.already_paid === false).length, 1);
  assert.ok(results.every((r) => r.json.data.payment_status === 'paid'));
  const balance = await credit('GET', '/balance', { token });
  assert.equal(balance.json.data.credits, 110);
  const transactions = await credit('GET', '/transactions', { token });
  assert.equal(transactions.json.data.total, 1);
  // And a later repeat is still acknowledged without effect (providers retry until told 200).
  const repeat = await callback('recharge', orderNo);
  assert.equal(repeat.status, 200);
  assert.equal(repeat.json.data.already_paid, true);
  assert.equal((await credit('GET', '/balance', { token })).json.data.credits, 110);
  t.diagnostic('20 concurrent callbacks: 20 answered 200, 1 applied, 1 RECHARGE entry, balance 110');
});

test('users never see each other\'s orders or transactions', async () => {
  const alice = await register(server, 'alice-orders@example.com');
  const bob = await register(server, 'bob-orders@example.com');
  const created = await order(alice.access_token, 'recharge', 1);
  await callback('recharge', created.json.data.order_no);
  const mine = await credit('GET', `/orders/${created.json.data.order_no}`, { token: alice.access_token });
  assert.equal(mine.status, 200);
  assert.equal(mine.json.data.payment_status, 'paid');
  expectError(assert, await credit('GET', `/orders/${created.json.data.order_no}`, { token: bob.access_token }),
    404, 'order_not_found');
  assert.equal((await credit('GET', '/recharge/orders', { token: bob.access_token })).json.data.total, 0);
  assert.equal((await credit('GET', '/transactions', { token: bob.access_token })).json.data.total, 0);
  assert.equal((await credit('GET', '/balance', { token: bob.access_token })).json.data.credits, 0);
});

test('pagination edges: past the end, limit 0, limit 101, bad type', async () => {
  const { access_token: token } = await register(server, 'pages@example.com');
  for (let i = 0; i < 3; i++) {
    await order(token, 'recharge', 1);
  }
  const page = await credit('GET', '/recharge/orders?skip=2&limit=2', { token });
  assert.equal(page.json.data.total, 3);
  assert.equal(page.json.data.items.length, 1);
  const past = await credit('GET', '/recharge/orders?skip=10&limit=5', { token });
  assert.equal(past.status, 200);
  assert.deepEqual(past.json.data.items, []);
  assert.equal(past.json.data.total, 3);
  assert.equal(past.json.data.skip, 10);
  expectError(assert, await credit('GET', '/recharge/orders?limit=0', { token }), 400, 'invalid_query', 'limit');
  expectError(assert, await credit('GET', '/transactions?limit=101', { token }), 400, 'invalid_query', 'limit');
  expectError(assert, await credit('GET', '/membership/orders?skip=x', { token }), 400, 'invalid_query', 'skip');
  expectError(assert, await credit('GET', '/transactions?type=consume', { token }), 400, 'invalid_query', 'type');
  for (const type of ['RECHARGE', 'CONSUME', 'REFUND', 'REWARD', 'EXPIRE']) {
    assert.equal((await credit('GET', `/transactions?type=${type}`, { token })).status, 200);
  }
});

test('an Idempotency-Key makes a retried order create return the same order', async () => {
  const { access_token: token } = await register(server, 'idem-orders@example.com');
  const headers = { 'idempotency-key': 'checkout-click-1' };
  const first = await order(token, 'recharge', 3, 'sandbox', headers);
  const again = await order(token, 'recharge', 3, 'sandbox', headers);
  assert.equal(first.status, 201);
  assert.equal(again.status, 201, 'a replay answers with the first status');
  assert.equal(again.body, first.body, 'and the same body while the order is unchanged');
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.json.data.order_no, first.json.data.order_no);
  assert.equal(again.json.data.pay_url, first.json.data.pay_url);
  expectError(assert, await order(token, 'recharge', 4, 'sandbox', headers), 422, 'idempotency_key_reused');
  const m1 = await order(token, 'membership', 1, 'sandbox', { 'idempotency-key': 'm-1' });
  const m2 = await order(token, 'membership', 1, 'sandbox', { 'idempotency-key': 'm-1' });
  assert.equal(m2.json.data.order_no, m1.json.data.order_no);
  // The key is checked as on every route: an empty, overlong or spaced one is refused.
  for (const key of ['', 'k'.repeat(256), 'two words']) {
    expectError(assert, await order(token, 'recharge', 3, 'sandbox', { 'idempotency-key': key }),
      400, 'invalid_idempotency_key', 'Idempotency-Key');
  }
  assert.equal((await credit('GET', '/recharge/orders', { token })).json.data.total, 1);
});

test('order input is validated field by field', async () => {
  const { access_token: token } = await register(server, 'validate-orders@example.com');
  expectError(assert, await order(token, 'recharge', 2, 'paypal'), 400, 'invalid_payment_method', 'payment_method');
  expectError(assert, await order(token, 'recharge', 99), 404, 'price_not_found', 'price_id');
  expectError(assert, await order(token, 'membership', 4), 404, 'price_not_found', 'price_id');
  expectError(assert, await order(token, 'recharge', 0), 400, 'invalid_field', 'price_id');
  expectError(assert, await credit('POST', '/recharge', { token, body: { payment_method: 'sandbox' } }),
    400, 'missing_field', 'price_id');
  expectError(assert, await credit('POST', '/recharge', { token, body: { price_id: '2', payment_method: 'sandbox' } }),
    400, 'invalid_field', 'price_id');
  expectError(assert, await credit('POST', '/recharge', { body: { price_id: 2, payment_method: 'sandbox' } }),
    401, 'unauthenticated');
  expectError(assert, await credit('POST', '/payment/callback', { body: { order_type: 'gift', order_no: 'R1' } }),
    400, 'invalid_field', 'order_type');
  expectError(assert, await callback('recharge', 'R20990101001'), 404, 'order_not_found');
  const created = await order(token, 'membership', 1);
  expectError(assert, await callback('recharge', created.json.data.order_no), 404, 'order_not_found');
  // Cancelled from the sandbox page, then paid: refused.
  const cancel = await fetch(`${created.json.data.pay_url}/cancel`, { method: 'POST' });
  assert.equal(cancel.status, 200);
  expectError(assert, await callback('membership', created.json.data.order_no), 409, 'order_not_payable');
  assert.equal((await credit('GET', '/balance', { token })).json.data.is_member, false);
});

test('an order not paid in time expires and cannot be paid', async () => {
  const quick = await startServer({ args: ['--order-payment-timeout-seconds', '1'] });
  try {
    const { access_token: token } = await register(quick, 'late@example.com');
    const created = await call(quick, 'POST', '/api/v1/credit/recharge', {
      token, body: { price_id: 2, payment_method: 'sandbox' },
    });
    assert.equal(created.status, 201);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const late = await sandboxCallback(quick, 'recharge', created.json.data.order_no);
    expectError(assert, late, 409, 'order_expired');
    const orders = await call(quick, 'GET', '/api/v1/credit/recharge/orders', { token });
    assert.equal(orders.json.data.items[0].payment_status, 'expired');
    assert.equal((await call(quick, 'GET', '/api/v1/credit/balance', { token })).json.data.credits, 0);
    const page = await fetch(created.json.data.pay_url);
    assert.doesNotMatch(await page.text(), /<form/);
  } finally {
    await quick.stop();
    removeDataDir(quick.dataDir);
  }
});

