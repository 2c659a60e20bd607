// Credit packs and memberships paid with Alipay's own app (issue 16 point 1): 电脑网站支付 for
// desktops and 手机网站支付 for phones through a signed gateway URL, Alipay's signed form
// notification applied once however often and in whatever order it arrives, forged or stale ones
// refused, a payment that is not the order's price kept aside, a lost notification recovered by
// alipay.trade.query, and refunds (alipay.trade.refund) that take back the unspent credits at once.
// The far side is tests/api/lib/fake-alipay.mjs, where the official alipay-sdk checks every
// signature.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, makeDataDir, removeDataDir, call, expectError, register } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, balance, orderOf as orderIn, shuffle, newUser as newUserOf, eventCount as eventCountOf } from './lib/billing.mjs';
import { startFakeAlipay, alipayEnv, beijingTime, ALIPAY_APP_ID } from './lib/fake-alipay.mjs';

let fake;
let server;
let admin;
let notifyUrl;
before(async () => {
  fake = await startFakeAlipay();
  const dataDir = makeDataDir();
  server = await startServer({ dataDir, env: { ...ADMIN_ENV, ...alipayEnv(fake, dataDir) } });
  admin = await adminToken(server);
  notifyUrl = `${server.url}/webhooks/alipay`;
});
after(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
  await fake?.close();
});

const newUser = () => newUserOf(server, 'alipay');

async function alipayOrder(token, { kind = 'recharge', priceId = 2, device } = {}) {
  const body = { price_id: priceId, payment_method: 'alipay', ...(device ? { device } : {}) };
  const created = await call(server, 'POST', `/api/v1/credit/${kind}`, { token, body });
  assert.equal(created.status, 201, created.body);
  const params = await fake.open(created.json.data.pay_url);
  return { order: created.json.data, params };
}

const orderOf = (token, orderNo) => orderIn(server, token, orderNo);

const eventCount = () => eventCountOf(server, admin);

test('the checkout is a gateway URL Alipay accepts: page pay on desktops, wap pay on phones', async () => {
  const methods = await call(server, 'GET', '/api/v1/credit/payment-methods');
  assert.ok(methods.json.data.methods.includes('alipay'));
  const user = await newUser();
  const desktop = await alipayOrder(user.token);
  assert.equal(desktop.params.method, 'alipay.trade.page.pay');
  assert.equal(desktop.order.pay_kind, 'redirect');
  assert.equal(desktop.params.app_id, ALIPAY_APP_ID);
  assert.equal(desktop.params.sign_type, 'RSA2');
  assert.equal(desktop.params.notify_url, `${server.url}/webhooks/alipay`);
  assert.equal(desktop.params.return_url, `${server.url}/credit/recharge?order_no=${desktop.order.order_no}`);
  const biz = JSON.parse(desktop.params.biz_content);
  assert.deepEqual({ ...biz, time_expire: undefined }, {
    out_trade_no: desktop.order.order_no, total_amount: '10.00', subject: '110 credits', product_code: 'FAST_INSTANT_TRADE_PAY', time_expire: undefined,
  });
  assert.match(biz.time_expire, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  const mobile = await alipayOrder(user.token, { device: 'mobile' });
  assert.equal(mobile.params.method, 'alipay.trade.wap.pay');
  assert.equal(JSON.parse(mobile.params.biz_content).product_code, 'QUICK_WAP_WAY');
  const bad = await call(server, 'POST', '/api/v1/credit/recharge', { token: user.token, body: { price_id: 1, payment_method: 'alipay', device: 'tv' } });
  expectError(assert, bad, 400, 'invalid_field', 'device');
});

test('a credit pack and a membership paid with Alipay: each notification three times, shuffled, credits once', async () => {
  const user = await newUser();
  const recharge = await alipayOrder(user.token);
  const membership = await alipayOrder(user.token, { kind: 'membership', priceId: 1, device: 'mobile' });
  fake.pay(recharge.order.order_no);
  fake.pay(membership.order.order_no);
  const answers = await fake.deliver(notifyUrl, shuffle([
    ...Array(3).fill(fake.notification(recharge.order.order_no)),
    ...Array(3).fill(fake.notification(membership.order.order_no)),
  ]));
  assert.deepEqual(answers, Array(6).fill({ status: 200, body: 'success' }));
  assert.equal((await orderOf(user.token, recharge.order.order_no)).payment_status, 'paid');
  assert.equal((await orderOf(user.token, membership.order.order_no)).payment_status, 'paid');
  assert.equal((await balance(server, user.token)).credits, 110);
  const days = (await call(server, 'GET', '/api/v1/credit/membership/statistics', { token: user.token })).json.data.days_left;
  assert.equal(days, 30);
  // TRADE_FINISHED later (no longer refundable) changes nothing.
  fake.trades.get(recharge.order.order_no).status = 'TRADE_FINISHED';
  assert.deepEqual(await fake.notify(recharge.order.order_no), [{ status: 200, body: 'success' }]);
  assert.equal((await balance(server, user.token)).credits, 110);
});

test('a forged, stale or future notification is refused with nothing written', async () => {
  const user = await newUser();
  const { order } = await alipayOrder(user.token);
  fake.pay(order.order_no);
  const before = await eventCount();
  const minute = 60 * 1000;
  for (const options of [
    { corrupt: { total_amount: '0.01' } }, { corrupt: { sign: 'AAAA' } }, { corrupt: { sign: '' } },
    { change: { notify_time: beijingTime(Date.now() - 27 * 60 * minute) } },
    { change: { notify_time: beijingTime(Date.now() + 6 * minute) } },
  ]) {
    const [answer] = await fake.deliver(notifyUrl, [fake.notification(order.order_no, options)]);
    assert.deepEqual(answer, { status: 400, body: 'failure' }, JSON.stringify(options));
  }
  assert.equal(await eventCount(), before, 'nothing recorded');
  assert.equal((await orderOf(user.token, order.order_no)).payment_status, 'pending');
  assert.deepEqual(await fake.notify(order.order_no), [{ status: 200, body: 'success' }]);
  assert.equal((await balance(server, user.token)).credits, 110);
});

test('a payment that is not the order\'s price, or another app\'s, is kept aside for operators', async () => {
  const user = await newUser();
  const { order } = await alipayOrder(user.token);
  fake.pay(order.order_no);
  assert.deepEqual(await fake.notify(order.order_no, { change: { total_amount: '9.99' } }), [{ status: 200, body: 'success' }]);
  const other = await alipayOrder(user.token, { priceId: 1 });
  fake.pay(other.order.order_no);
  assert.deepEqual(await fake.notify(other.order.order_no, { change: { seller_id: '2088999999999999' } }), [{ status: 200, body: 'success' }]);
  // Another app's (a notification of its own, not a repeat of the one above).
  const third = await alipayOrder(user.token, { priceId: 1 });
  fake.pay(third.order.order_no);
  assert.deepEqual(await fake.notify(third.order.order_no, { change: { app_id: '2021009999999999', auth_app_id: '2021009999999999' } }), [{ status: 200, body: 'success' }]);
  const poison = (await call(server, 'GET', '/api/v1/admin/billing/events?outcome=poison', { token: admin })).json.data.items.filter((e) => e.provider === 'alipay');
  assert.ok(poison.some((e) => e.last_error.includes(`paid 999 CNY, which is not the price of order ${order.order_no}`)), JSON.stringify(poison));
  assert.ok(poison.some((e) => e.last_error.includes('seller 2088999999999999')), JSON.stringify(poison));
  assert.ok(poison.some((e) => e.last_error.includes('app 2021009999999999')), JSON.stringify(poison));
  assert.equal((await orderOf(user.token, order.order_no)).payment_status, 'pending');
  assert.equal((await orderOf(user.token, other.order.order_no)).payment_status, 'pending');
  assert.equal((await balance(server, user.token)).credits, 0);
});

test('reconciliation: a paid trade whose notification was lost is applied; an unopened one stays pending', async () => {
  const user = await newUser();
  const lost = await alipayOrder(user.token);
  const open = await alipayOrder(user.token, { priceId: 1 });
  const never = await call(server, 'POST', '/api/v1/credit/recharge', { token: user.token, body: { price_id: 1, payment_method: 'alipay' } });
  fake.pay(lost.order.order_no);
  const reconciled = await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  assert.equal(reconciled.status, 200, reconciled.body);
  const queries = fake.requests.filter((r) => r.params.method === 'alipay.trade.query');
  assert.ok(queries.some((r) => JSON.parse(r.params.biz_content).out_trade_no === lost.order.order_no));
  assert.equal((await orderOf(user.token, lost.order.order_no)).payment_status, 'paid');
  assert.equal((await orderOf(user.token, open.order.order_no)).payment_status, 'pending');
  assert.equal((await orderOf(user.token, never.json.data.order_no)).payment_status, 'pending');
  assert.equal((await balance(server, user.token)).credits, 110);
  await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  assert.deepEqual(await fake.notify(lost.order.order_no), [{ status: 200, body: 'success' }]);
  assert.equal((await balance(server, user.token)).credits, 110);
});

test('answers not signed by Alipay, or altered, are refused: reconciliation applies nothing from them', async () => {
  const user = await newUser();
  const { order } = await alipayOrder(user.token);
  for (const mode of ['unsigned', 'tampered']) {
    fake.setAnswerMode(mode);
    const reconciled = await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
    fake.setAnswerMode('signed');
    expectError(assert, reconciled, 502, 'provider_error');
    assert.equal((await orderOf(user.token, order.order_no)).payment_status, 'pending', mode);
  }
  assert.equal((await balance(server, user.token)).credits, 0);
});

test('a refund notified before its payment was applied is retried, not lost', async () => {
  const user = await newUser();
  const { order } = await alipayOrder(user.token);
  fake.pay(order.order_no);
  // The payment notification is lost; the merchant refunds half in Alipay's console.
  const trade = fake.trades.get(order.order_no);
  trade.refunded = 500;
  trade.refunds.set('console-1', 500);
  const refundNotice = fake.notification(order.order_no);
  assert.equal(refundNotice.refund_fee, '5.00');
  assert.deepEqual(await fake.deliver(notifyUrl, [refundNotice]), [{ status: 500, body: 'failure' }]);
  // Reconciliation finds the payment; Alipay delivers the refund again.
  await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  assert.equal((await balance(server, user.token)).credits, 110);
  assert.deepEqual(await fake.deliver(notifyUrl, [refundNotice]), [{ status: 200, body: 'success' }]);
  assert.equal((await balance(server, user.token)).credits, 55);
  assert.equal((await orderOf(user.token, order.order_no)).refunded_amount, '5.00');
});

test('refunds through Alipay take back the unspent credits at once; Alipay\'s refund notification changes nothing more', async () => {
  const user = await newUser();
  const { order } = await alipayOrder(user.token);
  fake.pay(order.order_no);
  await fake.notify(order.order_no);
  const ran = await call(server, 'POST', '/api/v1/tools/nano-banana-pro/runs', { token: user.token, body: { prompt: 'a cat' } });
  assert.equal(ran.status, 201, ran.body);
  const spent = 110 - (await balance(server, user.token)).credits;
  const refundPath = `/api/v1/admin/orders/${order.order_no}/refund`;
  const half = await call(server, 'POST', refundPath, { token: admin, body: { amount: '5.00' }, headers: { 'idempotency-key': 'half-1' } });
  assert.equal(half.status, 200, half.body);
  assert.equal(half.json.data.refunded_amount, '5.00');
  const request = fake.requests.filter((r) => r.params.method === 'alipay.trade.refund').at(-1);
  assert.deepEqual(JSON.parse(request.params.biz_content), { out_trade_no: order.order_no, refund_amount: '5.00', out_request_no: `refund-${order.order_no}-half-1` });
  assert.equal((await balance(server, user.token)).credits, 110 - spent - 55);
  // The same key again is the same refund at Alipay (fund_change N) and here.
  const again = await call(server, 'POST', refundPath, { token: admin, body: { amount: '5.00' }, headers: { 'idempotency-key': 'half-1' } });
  assert.equal(again.status, 200, again.body);
  assert.equal(fake.trades.get(order.order_no).refunded, 500);
  assert.equal((await balance(server, user.token)).credits, 110 - spent - 55);
  // Alipay's own notification of that refund: already applied.
  assert.deepEqual(await fake.notify(order.order_no), [{ status: 200, body: 'success' }]);
  assert.equal((await balance(server, user.token)).credits, 110 - spent - 55);
  // A part without an Idempotency-Key could not be told from a retry: refused.
  expectError(assert, await call(server, 'POST', refundPath, { token: admin, body: { amount: '1.00' } }), 400, 'invalid_idempotency_key', 'Idempotency-Key');
  // The rest.
  const rest = await call(server, 'POST', refundPath, { token: admin });
  assert.equal(rest.status, 200, rest.body);
  assert.equal(rest.json.data.refunded_amount, '10.00');
  assert.equal((await balance(server, user.token)).credits, 0);
  expectError(assert, await call(server, 'POST', refundPath, { token: admin }), 409, 'order_not_refundable');
});

test('with ALIPAY_QR, desktop payers scan a 当面付 QR code; paying it credits once, and phones still get wap pay', async () => {
  // A server of its own numbers its orders from the start again: it gets an Alipay app (a fake)
  // of its own, as order numbers are unique per app.
  const own = await startFakeAlipay();
  const dataDir = makeDataDir();
  const qr = await startServer({ dataDir, env: { ...alipayEnv(own, dataDir), ALIPAY_QR: 'true' } });
  try {
    const session = await register(qr, 'alipay-qr@example.com');
    const created = await call(qr, 'POST', '/api/v1/credit/recharge', { token: session.access_token, body: { price_id: 2, payment_method: 'alipay' } });
    assert.equal(created.status, 201, created.body);
    assert.equal(created.json.data.pay_kind, 'qr');
    assert.match(created.json.data.pay_url, /^https:\/\/qr\.alipay\.com\/bax0\d{6}$/);
    const precreate = own.requests.filter((r) => r.params.method === 'alipay.trade.precreate').at(-1);
    assert.equal(precreate.params.notify_url, `${qr.url}/webhooks/alipay`);
    // The order shows the same code later.
    const shown = await call(qr, 'GET', `/api/v1/credit/orders/${created.json.data.order_no}`, { token: session.access_token });
    assert.equal(shown.json.data.pay_kind, 'qr');
    assert.equal(shown.json.data.pay_url, created.json.data.pay_url);
    // Scanned and paid in the app.
    const orderNo = own.tradeOfQr(created.json.data.pay_url);
    assert.equal(orderNo, created.json.data.order_no);
    own.pay(orderNo);
    const notification = own.notification(orderNo);
    assert.deepEqual(await own.deliver(`${qr.url}/webhooks/alipay`, [notification, notification]), Array(2).fill({ status: 200, body: 'success' }));
    assert.equal((await balance(qr, session.access_token)).credits, 110);
    const mobile = await call(qr, 'POST', '/api/v1/credit/recharge', { token: session.access_token, body: { price_id: 1, payment_method: 'alipay', device: 'mobile' } });
    assert.equal(mobile.json.data.pay_kind, 'redirect');
    assert.match(mobile.json.data.pay_url, /gateway\.do\?/);
  } finally {
    await qr.stop();
    removeDataDir(qr.dataDir);
    await own.close();
  }
});

test('after its deadline an opened but unpaid trade is closed at Alipay (alipay.trade.close), then expired here; one never opened is left alone', async () => {
  const own = await startFakeAlipay();
  const dataDir = makeDataDir();
  const quick = await startServer({ dataDir, env: { ...ADMIN_ENV, ...alipayEnv(own, dataDir), CREDITD_ORDER_PAYMENT_TIMEOUT_SECONDS: '1' } });
  try {
    const operator = await adminToken(quick);
    const session = await register(quick, 'alipay-late@example.com');
    const order = async (open) => {
      const created = await call(quick, 'POST', '/api/v1/credit/recharge', { token: session.access_token, body: { price_id: 2, payment_method: 'alipay' } });
      assert.equal(created.status, 201, created.body);
      if (open) await own.open(created.json.data.pay_url);
      return created.json.data.order_no;
    };
    const opened = await order(true);
    const never = await order(false);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // The deadline (1 s) and its grace (1 s).
    const closes = () => own.requests.filter((r) => r.params.method === 'alipay.trade.close').map((r) => JSON.parse(r.params.biz_content).out_trade_no);
    assert.equal((await call(quick, 'POST', '/api/v1/admin/billing/reconcile', { token: operator })).status, 200);
    assert.deepEqual(closes(), [opened]);
    assert.equal(own.trades.get(opened).status, 'TRADE_CLOSED');
    assert.equal((await call(quick, 'POST', '/api/v1/admin/billing/reconcile', { token: operator })).status, 200);
    assert.equal((await orderIn(quick, session.access_token, opened)).payment_status, 'expired');
    assert.deepEqual(closes(), [opened], 'closed once; a trade Alipay never made is not closed');
    assert.equal((await orderIn(quick, session.access_token, never)).payment_status, 'pending');
  } finally {
    await quick.stop();
    removeDataDir(quick.dataDir);
    await own.close();
  }
});

test('in production with Alipay configured, payment-methods lists alipay and no sandbox', async () => {
  const dataDir = makeDataDir();
  const production = await startServer({ dataDir, env: {
    ...alipayEnv(fake, dataDir), CREDITD_ENV: 'production', CREDITD_JWT_SECRET: 'production-secret-of-at-least-32-characters', CREDITD_PAYMENTS_SANDBOX: 'false',
  } });
  try {
    const methods = await call(production, 'GET', '/api/v1/credit/payment-methods');
    assert.deepEqual(methods.json.data.methods, ['alipay']);
  } finally {
    await production.stop();
    removeDataDir(production.dataDir);
  }
});
