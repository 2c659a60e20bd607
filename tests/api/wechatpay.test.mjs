// Credit packs and memberships paid with WeChat Pay API v3 (issue 16 point 2): Native pay (a QR
// code) for desktops and H5 pay for phone browsers, signed requests, WeChat Pay's signed and
// sealed notifications applied once however often and in whatever order they arrive, forged,
// stale or unopenable ones refused, a payment that is not the order's price kept aside, a lost
// notification recovered by the order query, and refunds reported one by one (REFUND.SUCCESS)
// that take back the unspent credits once. The far side is tests/api/lib/fake-wechatpay.mjs,
// where the official wechatpay-axios-plugin signs, verifies and seals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, makeDataDir, removeDataDir, call, expectError, register } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, balance, orderOf as orderIn, shuffle, newUser as newUserOf, eventCount as eventCountOf } from './lib/billing.mjs';
import { startFakeWechatpay, wechatpayEnv, WECHATPAY_APPID, WECHATPAY_MCHID } from './lib/fake-wechatpay.mjs';
import { startFakeAlipay, alipayEnv } from './lib/fake-alipay.mjs';

let fake;
let server;
let admin;
let notifyUrl;
before(async () => {
  fake = await startFakeWechatpay();
  const dataDir = makeDataDir();
  server = await startServer({ dataDir, env: { ...ADMIN_ENV, ...wechatpayEnv(fake, dataDir) } });
  admin = await adminToken(server);
  notifyUrl = `${server.url}/webhooks/wechatpay`;
});
after(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
  await fake?.close();
});

const newUser = () => newUserOf(server, 'wechat');

async function wechatOrder(token, { kind = 'recharge', priceId = 2, device } = {}) {
  const body = { price_id: priceId, payment_method: 'wechat', ...(device ? { device } : {}) };
  const created = await call(server, 'POST', `/api/v1/credit/${kind}`, { token, body });
  assert.equal(created.status, 201, created.body);
  const order = created.json.data;
  assert.equal(fake.tradeOf(order.pay_url), order.order_no);
  return order;
}

const orderOf = (token, orderNo) => orderIn(server, token, orderNo);
const OK = { status: 200, body: '' };

const eventCount = () => eventCountOf(server, admin);

test('desktops get a Native QR code and phones an H5 page, from requests WeChat Pay verifies', async () => {
  const methods = await call(server, 'GET', '/api/v1/credit/payment-methods');
  assert.ok(methods.json.data.methods.includes('wechat'));
  const user = await newUser();
  const desktop = await wechatOrder(user.token);
  assert.equal(desktop.pay_kind, 'qr');
  assert.match(desktop.pay_url, /^weixin:\/\/wxpay\/bizpayurl\?pr=wx\d{8}$/);
  const native = fake.requests.filter((r) => r.path === '/v3/pay/transactions/native').at(-1);
  assert.deepEqual({ ...native.body, time_expire: undefined }, {
    appid: WECHATPAY_APPID, mchid: WECHATPAY_MCHID, description: '110 credits', out_trade_no: desktop.order_no,
    time_expire: undefined, notify_url: `${server.url}/webhooks/wechatpay`, amount: { total: 1000, currency: 'CNY' },
  });
  assert.match(native.body.time_expire, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  const mobile = await wechatOrder(user.token, { device: 'mobile' });
  assert.equal(mobile.pay_kind, 'redirect');
  const page = new URL(mobile.pay_url);
  assert.equal(page.searchParams.get('redirect_url'), `${server.url}/credit/recharge?order_no=${mobile.order_no}`);
  const h5 = fake.requests.filter((r) => r.path === '/v3/pay/transactions/h5').at(-1);
  assert.deepEqual(h5.body.scene_info, { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } });
  // The order shows the same code later.
  const shown = await call(server, 'GET', `/api/v1/credit/orders/${desktop.order_no}`, { token: user.token });
  assert.equal(shown.json.data.pay_url, desktop.pay_url);
  assert.equal(shown.json.data.pay_kind, 'qr');
});

test('a credit pack and a membership paid with WeChat Pay: each notification three times, shuffled, credits once', async () => {
  const user = await newUser();
  const recharge = await wechatOrder(user.token);
  const membership = await wechatOrder(user.token, { kind: 'membership', priceId: 1, device: 'mobile' });
  fake.pay(recharge.order_no);
  fake.pay(membership.order_no);
  const answers = await fake.deliver(notifyUrl, shuffle([
    ...Array(3).fill(fake.notification(recharge.order_no)),
    ...Array(3).fill(fake.notification(membership.order_no)),
  ]));
  assert.deepEqual(answers, Array(6).fill(OK));
  assert.equal((await orderOf(user.token, recharge.order_no)).payment_status, 'paid');
  assert.equal((await orderOf(user.token, membership.order_no)).payment_status, 'paid');
  assert.equal((await balance(server, user.token)).credits, 110);
  const days = (await call(server, 'GET', '/api/v1/credit/membership/statistics', { token: user.token })).json.data.days_left;
  assert.equal(days, 30);
  // WeChat Pay sends a new notification (another id) for the same payment: still once.
  assert.deepEqual(await fake.notify(recharge.order_no), [OK]);
  assert.equal((await balance(server, user.token)).credits, 110);
});

test('a forged, stale, future or unopenable notification is refused with nothing written', async () => {
  const user = await newUser();
  const order = await wechatOrder(user.token);
  fake.pay(order.order_no);
  const before = await eventCount();
  const refused = { status: 400, body: '{"code":"FAIL","message":"refused"}' };
  for (const options of [
    { corrupt: { 'wechatpay-signature': 'AAAA' } },
    { corrupt: { 'wechatpay-signature': 'WECHATPAY/SIGNTEST/AAAA' } },
    { corrupt: { 'wechatpay-timestamp': undefined } },
    { alter: (body) => body.replace('支付成功', '支付失败') },
    { timestampOffset: -301 },
    { timestampOffset: 301 },
    { serial: 'PUB_KEY_ID_0119000000012026120300000000000002' },
    { key: 'ffffffffffffffffffffffffffffffff' },
  ]) {
    const notification = fake.notification(order.order_no, options);
    for (const [name, value] of Object.entries(notification.headers)) if (value === undefined) delete notification.headers[name];
    const [answer] = await fake.deliver(notifyUrl, [notification]);
    assert.deepEqual(answer, refused, JSON.stringify(Object.keys(options)));
  }
  assert.equal(await eventCount(), before, 'nothing recorded');
  assert.equal((await orderOf(user.token, order.order_no)).payment_status, 'pending');
  assert.deepEqual(await fake.notify(order.order_no), [OK]);
  assert.equal((await balance(server, user.token)).credits, 110);
});

test('a payment that is not the order\'s price, or another merchant\'s, is kept aside for operators', async () => {
  const user = await newUser();
  const order = await wechatOrder(user.token);
  fake.pay(order.order_no);
  assert.deepEqual(await fake.notify(order.order_no, { change: { amount: { total: 999, payer_total: 999, currency: 'CNY', payer_currency: 'CNY' } } }), [OK]);
  const other = await wechatOrder(user.token, { priceId: 1 });
  fake.pay(other.order_no);
  assert.deepEqual(await fake.notify(other.order_no, { change: { mchid: '1900009999' } }), [OK]);
  const poison = (await call(server, 'GET', '/api/v1/admin/billing/events?outcome=poison', { token: admin })).json.data.items.filter((e) => e.provider === 'wechatpay');
  assert.ok(poison.some((e) => e.last_error.includes(`paid 999 CNY, which is not the price of order ${order.order_no}`)), JSON.stringify(poison));
  assert.ok(poison.some((e) => e.last_error.includes('merchant 1900009999')), JSON.stringify(poison));
  assert.equal((await orderOf(user.token, order.order_no)).payment_status, 'pending');
  assert.equal((await orderOf(user.token, other.order_no)).payment_status, 'pending');
  assert.equal((await balance(server, user.token)).credits, 0);
});

test('reconciliation: a paid trade whose notification was lost is applied; unpaid and unknown ones stay pending', async () => {
  const user = await newUser();
  const lost = await wechatOrder(user.token);
  const open = await wechatOrder(user.token, { priceId: 1 });
  const unknown = await wechatOrder(user.token, { priceId: 1, device: 'mobile' });
  fake.trades.delete(unknown.order_no); // WeChat Pay never kept it.
  fake.pay(lost.order_no);
  const reconciled = await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  assert.equal(reconciled.status, 200, reconciled.body);
  const queried = fake.requests.filter((r) => r.path.startsWith('/v3/pay/transactions/out-trade-no/')).map((r) => r.path.split('/').at(-1));
  assert.ok(queried.includes(lost.order_no) && queried.includes(unknown.order_no), JSON.stringify(queried));
  assert.equal((await orderOf(user.token, lost.order_no)).payment_status, 'paid');
  assert.equal((await orderOf(user.token, open.order_no)).payment_status, 'pending');
  assert.equal((await orderOf(user.token, unknown.order_no)).payment_status, 'pending');
  assert.equal((await balance(server, user.token)).credits, 110);
  // The notification arriving after all changes nothing.
  assert.deepEqual(await fake.notify(lost.order_no), [OK]);
  assert.equal((await balance(server, user.token)).credits, 110);
});

test('answers not signed by WeChat Pay, or altered, are refused: nothing is applied from them', async () => {
  const user = await newUser();
  const order = await wechatOrder(user.token);
  for (const mode of ['unsigned', 'tampered']) {
    fake.setAnswerMode(mode);
    const reconciled = await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
    const created = await call(server, 'POST', '/api/v1/credit/recharge', { token: user.token, body: { price_id: 1, payment_method: 'wechat' } });
    fake.setAnswerMode('signed');
    expectError(assert, reconciled, 502, 'provider_error');
    expectError(assert, created, 502, 'provider_error');
    assert.equal((await orderOf(user.token, order.order_no)).payment_status, 'pending', mode);
  }
  assert.equal((await balance(server, user.token)).credits, 0);
});

test('refunds: each refund is taken back once, whether WeChat Pay settles it in its answer or in REFUND.SUCCESS notifications', async () => {
  const user = await newUser();
  const order = await wechatOrder(user.token);
  fake.pay(order.order_no);
  await fake.notify(order.order_no);
  const ran = await call(server, 'POST', '/api/v1/tools/nano-banana-pro/runs', { token: user.token, body: { prompt: 'a cat' } });
  assert.equal(ran.status, 201, ran.body);
  const spent = 110 - (await balance(server, user.token)).credits;
  const refundPath = `/api/v1/admin/orders/${order.order_no}/refund`;
  // Processing: the answer settles nothing yet.
  const half = await call(server, 'POST', refundPath, { token: admin, body: { amount: '3.00' }, headers: { 'idempotency-key': 'part-1' } });
  assert.equal(half.status, 200, half.body);
  assert.equal(half.json.data.refunded_amount, '0.00');
  const request = fake.requests.filter((r) => r.path === '/v3/refund/domestic/refunds').at(-1);
  assert.deepEqual(request.body, {
    out_trade_no: order.order_no, out_refund_no: `refund-${order.order_no}-part-1`, notify_url: `${server.url}/webhooks/wechatpay`,
    amount: { refund: 300, total: 1000, currency: 'CNY' },
  });
  assert.equal((await balance(server, user.token)).credits, 110 - spent);
  // A second part, then both refunds' notifications, each three times, shuffled.
  const second = await call(server, 'POST', refundPath, { token: admin, body: { amount: '2.00' }, headers: { 'idempotency-key': 'part-2' } });
  assert.equal(second.status, 200, second.body);
  const notices = [`refund-${order.order_no}-part-1`, `refund-${order.order_no}-part-2`].map((no) => fake.refundNotification(order.order_no, no));
  assert.deepEqual(await fake.deliver(notifyUrl, shuffle([...notices, ...notices, ...notices])), Array(6).fill(OK));
  assert.equal((await orderOf(user.token, order.order_no)).refunded_amount, '5.00');
  assert.equal((await balance(server, user.token)).credits, 110 - spent - 55);
  // Settled in the answer: taken back at once; its notification later changes nothing.
  fake.setRefundStatus('SUCCESS');
  const rest = await call(server, 'POST', refundPath, { token: admin });
  fake.setRefundStatus('PROCESSING');
  assert.equal(rest.status, 200, rest.body);
  assert.equal(rest.json.data.refunded_amount, '10.00');
  assert.equal((await balance(server, user.token)).credits, 0);
  const last = fake.requests.filter((r) => r.path === '/v3/refund/domestic/refunds').at(-1).body.out_refund_no;
  assert.deepEqual(await fake.deliver(notifyUrl, [fake.refundNotification(order.order_no, last)]), [OK]);
  assert.equal((await orderOf(user.token, order.order_no)).refunded_amount, '10.00');
  expectError(assert, await call(server, 'POST', refundPath, { token: admin }), 409, 'order_not_refundable');
});

test('a refund whose notification was lost is asked about: succeeded, taken back once; closed, nothing taken', async () => {
  const user = await newUser();
  const order = await wechatOrder(user.token);
  fake.pay(order.order_no);
  await fake.notify(order.order_no);
  const refundPath = `/api/v1/admin/orders/${order.order_no}/refund`;
  for (const key of ['lost-1', 'lost-2']) {
    const refunded = await call(server, 'POST', refundPath, { token: admin, body: { amount: '2.00' }, headers: { 'idempotency-key': key } });
    assert.equal(refunded.status, 200, refunded.body);
  }
  // Neither notification comes: one refund succeeds at WeChat Pay, the other is closed there.
  fake.settleRefund(order.order_no, `refund-${order.order_no}-lost-1`, 'SUCCESS');
  fake.settleRefund(order.order_no, `refund-${order.order_no}-lost-2`, 'CLOSED');
  assert.equal((await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin })).status, 200);
  const queried = fake.requests.filter((r) => r.path.startsWith('/v3/refund/domestic/refunds/')).map((r) => decodeURIComponent(r.path.split('/').at(-1)));
  assert.deepEqual(queried.sort(), [`refund-${order.order_no}-lost-1`, `refund-${order.order_no}-lost-2`]);
  assert.equal((await orderOf(user.token, order.order_no)).refunded_amount, '2.00');
  assert.equal((await balance(server, user.token)).credits, 110 - 22);
  // Settled and failed refunds are not asked about again; the late notification changes nothing.
  assert.equal((await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin })).status, 200);
  assert.equal(fake.requests.filter((r) => r.path.startsWith('/v3/refund/domestic/refunds/')).length, 2);
  assert.deepEqual(await fake.deliver(notifyUrl, [fake.refundNotification(order.order_no, `refund-${order.order_no}-lost-1`)]), [OK]);
  assert.equal((await balance(server, user.token)).credits, 110 - 22);
});

test('a refund notified before its payment was applied is retried, not lost', async () => {
  const user = await newUser();
  const order = await wechatOrder(user.token);
  const trade = fake.pay(order.order_no);
  // The payment notification is lost; another system of the merchant refunds the payment
  // (simulated at the fake), and its notification arrives first.
  trade.refunds.set('console-1', { refundId: '503000000000000000000000console1', outRefundNo: 'console-1', amount: 500, status: 'SUCCESS' });
  const notice = fake.refundNotification(order.order_no, 'console-1');
  // Delivered more often than the deliveries after which a failing event is kept aside: it waits
  // for the payment all the same.
  assert.deepEqual(await fake.deliver(notifyUrl, Array(7).fill(notice)), Array(7).fill({ status: 500, body: '{"code":"FAIL","message":"try again"}' }));
  const waiting = (await call(server, 'GET', '/api/v1/admin/billing/events?outcome=failed', { token: admin })).json.data.items;
  assert.ok(waiting.some((e) => e.provider === 'wechatpay' && e.type === 'REFUND.SUCCESS'), JSON.stringify(waiting));
  await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  assert.equal((await balance(server, user.token)).credits, 110);
  assert.deepEqual(await fake.deliver(notifyUrl, [notice]), [OK]);
  assert.equal((await balance(server, user.token)).credits, 55);
  assert.equal((await orderOf(user.token, order.order_no)).refunded_amount, '5.00');
});

test('after its deadline an unpaid order is closed at WeChat Pay, then expired here; one paid meanwhile is applied, one being paid left alone', async () => {
  // A server of its own with a one-second payment deadline, and a WeChat Pay of its own.
  const own = await startFakeWechatpay();
  const dataDir = makeDataDir();
  const quick = await startServer({ dataDir, env: { ...ADMIN_ENV, ...wechatpayEnv(own, dataDir), CREDITD_ORDER_PAYMENT_TIMEOUT_SECONDS: '1' } });
  try {
    const operator = await adminToken(quick);
    const session = await register(quick, 'wechat-late@example.com');
    const order = async () => {
      const created = await call(quick, 'POST', '/api/v1/credit/recharge', { token: session.access_token, body: { price_id: 2, payment_method: 'wechat' } });
      assert.equal(created.status, 201, created.body);
      return created.json.data.order_no;
    };
    const unpaid = await order();
    const paid = await order();
    const paying = await order();
    own.pay(paid);
    own.trades.get(paying).state = 'USERPAYING'; // The payer is entering the password.
    await new Promise((resolve) => setTimeout(resolve, 2500)); // The deadline (1 s) and its grace (1 s).
    const closes = () => own.requests.filter((r) => r.path.endsWith('/close')).map((r) => r.path.split('/').at(-2));
    assert.equal((await call(quick, 'POST', '/api/v1/admin/billing/reconcile', { token: operator })).status, 200);
    assert.deepEqual(closes(), [unpaid], 'never one being paid');
    assert.equal(own.trades.get(unpaid).state, 'CLOSED');
    assert.throws(() => own.pay(unpaid), /cannot be paid/);
    assert.equal((await orderIn(quick, session.access_token, paid)).payment_status, 'paid');
    assert.equal((await balance(quick, session.access_token)).credits, 110);
    // The next pass finds it closed there: expired here, and not closed again.
    assert.equal((await call(quick, 'POST', '/api/v1/admin/billing/reconcile', { token: operator })).status, 200);
    assert.equal((await orderIn(quick, session.access_token, unpaid)).payment_status, 'expired');
    assert.deepEqual(closes(), [unpaid]);
  } finally {
    await quick.stop();
    removeDataDir(quick.dataDir);
    await own.close();
  }
});

test('in production with Alipay and WeChat Pay configured, payment-methods lists both and no sandbox', async () => {
  const alipay = await startFakeAlipay();
  const dataDir = makeDataDir();
  const production = await startServer({ dataDir, env: {
    ...wechatpayEnv(fake, dataDir), ...alipayEnv(alipay, dataDir),
    CREDITD_ENV: 'production', CREDITD_JWT_SECRET: 'production-secret-of-at-least-32-characters', CREDITD_PAYMENTS_SANDBOX: 'false',
  } });
  try {
    const methods = await call(production, 'GET', '/api/v1/credit/payment-methods');
    assert.deepEqual(methods.json.data.methods, ['alipay', 'wechat']);
  } finally {
    await production.stop();
    removeDataDir(production.dataDir);
    await alipay.close();
  }
});
