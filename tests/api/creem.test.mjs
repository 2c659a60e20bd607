// Credit packs and memberships paid through Creem, a merchant of record (issue 16 point 4): one
// one-time product sold at each order's own price, Standard Webhooks notifications (and the
// legacy creem-signature) applied once however often and in whatever order they arrive, forged or
// stale ones refused, a payment that is not the order's price kept aside, a lost notification
// recovered from the checkout, refunds (whole payments through the API, parts in Creem's
// dashboard) that take back the unspent credits once. Creem sells in USD or EUR, so this server's
// catalog is in USD. The far side is tests/api/lib/fake-creem.mjs, where the official `creem` SDK
// checks requests and answers and verifies every signed notification.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, makeDataDir, removeDataDir, call, expectError } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, balance, orderOf as orderIn, newUser as newUserOf, eventCount as eventCountOf, writeCatalog } from './lib/billing.mjs';
import { startFakeCreem, creemEnv, standardSignature } from './lib/fake-creem.mjs';

const TOOLS = `
[[tools]]
key = "gen"
name = "Generation"
credits = 4
unit = "call"
resource_type = "api_calls"
`;

let fake;
let server;
let admin;
let notifyUrl;
before(async () => {
  fake = await startFakeCreem();
  const dataDir = makeDataDir();
  const catalog = writeCatalog(dataDir, TOOLS, { currency: 'USD' });
  server = await startServer({ dataDir, env: { ...ADMIN_ENV, ...creemEnv(fake) }, args: ['--catalog', catalog] });
  admin = await adminToken(server);
  notifyUrl = `${server.url}/webhooks/creem`;
});
after(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
  await fake?.close();
});

const newUser = () => newUserOf(server, 'creem');
const orderOf = (token, orderNo) => orderIn(server, token, orderNo);
const eventCount = () => eventCountOf(server, admin);

// An order paid with creem, and the Creem checkout its pay_url opens.
async function creemOrder(token, { kind = 'recharge' } = {}) {
  const created = await call(server, 'POST', `/api/v1/credit/${kind}`, { token, body: { price_id: 1, payment_method: 'creem' } });
  assert.equal(created.status, 201, created.body);
  const order = created.json.data;
  return { ...order, checkout: fake.checkoutOf(order.pay_url) };
}

async function paidOrder(token) {
  const order = await creemOrder(token);
  fake.pay(order.checkout);
  assert.deepEqual(await fake.deliver(notifyUrl, [fake.notification(order.checkout)]), [200]);
  return order;
}

test('an order is one Creem checkout of the one-time product at the order\'s own price', async () => {
  const methods = await call(server, 'GET', '/api/v1/credit/payment-methods');
  assert.ok(methods.json.data.methods.includes('creem'), methods.body);
  const user = await newUser();
  const order = await creemOrder(user.token, { kind: 'membership' });
  assert.equal(order.pay_kind, 'redirect');
  assert.equal(fake.checkoutFor(order.order_no), order.checkout);
  const made = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkouts').at(-1);
  assert.deepEqual(made.body, {
    request_id: order.order_no, product_id: fake.productId, units: 1, custom_price: 990,
    success_url: `${server.url}/credit/membership?order_no=${order.order_no}`,
    metadata: { order_no: order.order_no, account_id: made.body.metadata.account_id },
  });
  assert.match(made.body.metadata.account_id, /^\d+$/);
  assert.equal(made.headers['x-api-key'], fake.apiKey);
  // The product is read first: its currency must be the order's.
  assert.ok(fake.requests.some((r) => r.method === 'GET' && r.path === `/v1/products/${fake.productId}`));
});

test('a credit pack and a membership paid through Creem: each notification three times, shuffled, credits once', async () => {
  const user = await newUser();
  const recharge = await creemOrder(user.token);
  const membership = await creemOrder(user.token, { kind: 'membership' });
  fake.pay(recharge.checkout);
  fake.pay(membership.checkout);
  const statuses = await fake.deliver(notifyUrl, [fake.notification(recharge.checkout), fake.notification(membership.checkout)], { repeat: 3, shuffle: true });
  assert.deepEqual(statuses, Array(6).fill(200));
  assert.equal((await orderOf(user.token, recharge.order_no)).payment_status, 'paid');
  assert.equal((await orderOf(user.token, membership.order_no)).payment_status, 'paid');
  assert.equal((await balance(server, user.token)).credits, 10);
  const days = (await call(server, 'GET', '/api/v1/credit/membership/statistics', { token: user.token })).json.data.days_left;
  assert.equal(days, 30);
  // Another event (another id) about the same payment, and one signed the legacy way: still once.
  assert.deepEqual(await fake.deliver(notifyUrl, [fake.notification(recharge.checkout), fake.notification(recharge.checkout, { legacy: true })]), [200, 200]);
  assert.equal((await balance(server, user.token)).credits, 10);
});

test('a forged, stale or future notification is refused with nothing written', async () => {
  const user = await newUser();
  const order = await creemOrder(user.token);
  fake.pay(order.checkout);
  const before = await eventCount();
  const genuine = await fake.notification(order.checkout);
  const now = Math.floor(Date.now() / 1000);
  const forged = [
    { ...genuine, body: genuine.body.replace('"paid"', '"paid" ') },
    { ...genuine, headers: { ...genuine.headers, 'webhook-signature': standardSignature(`whsec_${Buffer.from('another secret').toString('base64')}`, genuine.headers['webhook-id'], now, genuine.body) } },
    { ...genuine, headers: { 'content-type': 'application/json' } },
    await fake.notification(order.checkout, { timestamp: now - 400 }),
    await fake.notification(order.checkout, { timestamp: now + 400 }),
    // The legacy signature signs no time: its event's created_at may be at most 72 hours old.
    await fake.notification(order.checkout, { legacy: true, createdAt: (now - 73 * 3600) * 1000 }),
  ];
  for (const notification of forged) {
    const [status] = await fake.deliver(notifyUrl, [notification]);
    assert.equal(status, 400, JSON.stringify(notification.headers));
  }
  assert.equal(await eventCount(), before, 'nothing recorded');
  assert.equal((await orderOf(user.token, order.order_no)).payment_status, 'pending');
  assert.deepEqual(await fake.deliver(notifyUrl, [genuine]), [200]);
  assert.equal((await balance(server, user.token)).credits, 10);
});

test('a payment that is not the order\'s price or currency is kept aside for operators', async () => {
  const user = await newUser();
  const cheaper = await creemOrder(user.token);
  fake.pay(cheaper.checkout, { amount: 99 });
  const euros = await creemOrder(user.token);
  fake.pay(euros.checkout, { currency: 'EUR' });
  assert.deepEqual(await fake.deliver(notifyUrl, [fake.notification(cheaper.checkout), fake.notification(euros.checkout)]), [200, 200]);
  const poison = (await call(server, 'GET', '/api/v1/admin/billing/events?outcome=poison', { token: admin })).json.data.items.filter((e) => e.provider === 'creem');
  assert.ok(poison.some((e) => e.last_error.includes(`paid 99 USD, which is not the price of order ${cheaper.order_no}`)), JSON.stringify(poison));
  assert.ok(poison.some((e) => e.last_error.includes(`paid 100 EUR, which is not the price of order ${euros.order_no}`)), JSON.stringify(poison));
  assert.equal((await orderOf(user.token, cheaper.order_no)).payment_status, 'pending');
  assert.equal((await balance(server, user.token)).credits, 0);
});

test('a second checkout of a paid order, paid too, is kept aside for operators and credits nothing', async () => {
  const user = await newUser();
  const order = await creemOrder(user.token);
  // A repeated checkout call (a retried request) made a second checkout for the same order.
  const request = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkouts').at(-1);
  const again = await fetch(`${fake.url}/v1/checkouts`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': fake.apiKey }, body: JSON.stringify(request.body),
  });
  assert.equal(again.status, 200);
  const second = (await again.json()).id;
  assert.notEqual(second, order.checkout);
  fake.pay(order.checkout);
  fake.pay(second);
  assert.deepEqual(await fake.deliver(notifyUrl, [fake.notification(order.checkout), fake.notification(second)]), [200, 200]);
  assert.equal((await balance(server, user.token)).credits, 10);
  const poison = (await call(server, 'GET', '/api/v1/admin/billing/events?outcome=poison', { token: admin })).json.data.items.filter((e) => e.provider === 'creem');
  assert.ok(poison.some((e) => e.last_error.includes(`checkout ${second} paid order ${order.order_no} a second time`)), JSON.stringify(poison));
});

test('reconciliation: a paid checkout whose notification was lost is applied; an open one stays pending', async () => {
  const user = await newUser();
  const lost = await creemOrder(user.token);
  const open = await creemOrder(user.token);
  fake.pay(lost.checkout);
  const reconciled = await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  assert.equal(reconciled.status, 200, reconciled.body);
  const queried = fake.requests.filter((r) => r.path === '/v1/checkouts' && r.method === 'GET').map((r) => r.query.checkout_id);
  assert.ok(queried.includes(lost.checkout) && queried.includes(open.checkout), JSON.stringify(queried));
  assert.equal((await orderOf(user.token, lost.order_no)).payment_status, 'paid');
  assert.equal((await orderOf(user.token, open.order_no)).payment_status, 'pending');
  assert.equal((await balance(server, user.token)).credits, 10);
  // The notification arriving after all changes nothing.
  assert.deepEqual(await fake.deliver(notifyUrl, [fake.notification(lost.checkout)]), [200]);
  assert.equal((await balance(server, user.token)).credits, 10);
});

test('Creem unreachable or refusing: the order is not made and nothing is applied', async () => {
  const user = await newUser();
  for (const [mode, status, reason] of [['unavailable', 503, 'provider_unavailable'], ['refuse', 502, 'provider_error']]) {
    fake.setAnswerMode(mode);
    const created = await call(server, 'POST', '/api/v1/credit/recharge', { token: user.token, body: { price_id: 1, payment_method: 'creem' } });
    fake.setAnswerMode('ok');
    expectError(assert, created, status, reason);
  }
});

test('refunds: a whole payment through Creem\'s API, parts in its dashboard; unspent credits are taken back once', async () => {
  const user = await newUser();
  const whole = await paidOrder(user.token);
  const ran = await call(server, 'POST', '/api/v1/tools/gen/runs', { token: user.token, body: { prompt: 'a cat' } });
  assert.equal(ran.status, 201, ran.body);
  assert.equal((await balance(server, user.token)).credits, 6);
  const refundPath = (order) => `/api/v1/admin/orders/${order.order_no}/refund`;
  // Creem refunds whole payments only.
  expectError(assert, await call(server, 'POST', refundPath(whole), { token: admin, body: { amount: '0.50' }, headers: { 'idempotency-key': 'half' } }), 502, 'provider_error');
  const refunded = await call(server, 'POST', refundPath(whole), { token: admin });
  assert.equal(refunded.status, 200, refunded.body);
  assert.equal(refunded.json.data.refunded_amount, '1.00');
  const request = fake.requests.filter((r) => r.path === '/v1/refunds').at(-1);
  assert.deepEqual(request.body, { transaction_id: fake.checkouts.get(whole.checkout).paid.transaction });
  assert.equal((await balance(server, user.token)).credits, 0, 'the 6 unspent credits are taken back');
  // Its notification, three times, changes nothing more.
  assert.deepEqual(await fake.deliver(notifyUrl, [fake.refundNotification(whole.checkout)], { repeat: 3 }), [200, 200, 200]);
  assert.equal((await orderOf(user.token, whole.order_no)).refunded_amount, '1.00');
  expectError(assert, await call(server, 'POST', refundPath(whole), { token: admin }), 409, 'order_not_refundable');

  // Two partial refunds made in Creem's dashboard: each notification three times, shuffled.
  const other = await newUser();
  const parts = await paidOrder(other.token);
  const first = await fake.refundNotification(parts.checkout, { amount: 30 });
  const second = await fake.refundNotification(parts.checkout, { amount: 20 });
  assert.deepEqual(await fake.deliver(notifyUrl, [first, second], { repeat: 3, shuffle: true }), Array(6).fill(200));
  assert.equal((await orderOf(other.token, parts.order_no)).refunded_amount, '0.50');
  assert.equal((await balance(server, other.token)).credits, 5);
});

test('a product in another currency than the catalog\'s is refused before the payer is charged', async () => {
  const euros = await startFakeCreem({ currency: 'EUR' });
  const dataDir = makeDataDir();
  const catalog = writeCatalog(dataDir, TOOLS, { currency: 'USD' });
  const own = await startServer({ dataDir, env: { ...ADMIN_ENV, ...creemEnv(euros) }, args: ['--catalog', catalog] });
  try {
    const user = await newUserOf(own, 'creem-eur');
    const created = await call(own, 'POST', '/api/v1/credit/recharge', { token: user.token, body: { price_id: 1, payment_method: 'creem' } });
    expectError(assert, created, 502, 'provider_error');
    assert.match(created.json.message, /priced in EUR and this order in USD/);
    assert.equal(euros.requests.filter((r) => r.path === '/v1/checkouts').length, 0, 'no checkout made');
  } finally {
    await own.stop();
    removeDataDir(own.dataDir);
    await euros.close();
  }
});

test('in production with Creem configured, payment-methods lists it and no sandbox', async () => {
  const dataDir = makeDataDir();
  const production = await startServer({ dataDir, env: {
    ...creemEnv(fake), CREDITD_ENV: 'production', CREDITD_JWT_SECRET: 'production-secret-of-at-least-32-characters', CREDITD_PAYMENTS_SANDBOX: 'false',
  } });
  try {
    const methods = await call(production, 'GET', '/api/v1/credit/payment-methods');
    assert.deepEqual(methods.json.data.methods, ['creem']);
  } finally {
    await production.stop();
    removeDataDir(production.dataDir);
  }
});
