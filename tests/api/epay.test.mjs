// Credit packs and memberships paid through an EPay (易支付) aggregator (issue 16 point 3): the
// alipay and wechat orders go to EPay's submit.php with a signed URL, EPay's signed GET
// notification pays them once however often and in whatever order it arrives, a forged one
// changes nothing, a payment that is not the order's price is kept aside for operators, a lost
// notification is recovered by reconciliation (api.php act=order) and a refund (act=refund)
// takes back the unspent credits at once. The far side is tests/api/lib/fake-epay.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, makeDataDir, removeDataDir, call, expectError, register } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, balance, orderOf as orderIn, shuffle, newUser as newUserOf } from './lib/billing.mjs';
import { startFakeEpay, epayEnv, epaySign, EPAY_PID, EPAY_KEY } from './lib/fake-epay.mjs';

let fake;
let server;
let admin;
before(async () => {
  fake = await startFakeEpay();
  // The key comes from a file, as a deployment keeps it.
  const dataDir = makeDataDir();
  const keyFile = join(dataDir, 'epay-key');
  writeFileSync(keyFile, `${EPAY_KEY}\n`, { mode: 0o600 });
  server = await startServer({ dataDir, env: { ...ADMIN_ENV, ...epayEnv(fake, keyFile) } });
  admin = await adminToken(server);
});
after(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
  await fake?.close();
});

const newUser = () => newUserOf(server, 'epay');

// Creates an order paid through EPay and opens its checkout page at the fake.
async function epayOrder(token, { kind = 'recharge', priceId = 2, method = 'alipay' } = {}) {
  const created = await call(server, 'POST', `/api/v1/credit/${kind}`, { token, body: { price_id: priceId, payment_method: method } });
  assert.equal(created.status, 201, created.body);
  const params = await fake.submit(created.json.data.pay_url);
  return { order: created.json.data, params };
}

const orderOf = (token, orderNo) => orderIn(server, token, orderNo);

const membershipDays = async (token) => (await call(server, 'GET', '/api/v1/credit/membership/statistics', { token })).json.data.days_left;

async function poisonEvents() {
  const response = await call(server, 'GET', '/api/v1/admin/billing/events?outcome=poison', { token: admin });
  assert.equal(response.status, 200, response.body);
  return response.json.data.items.filter((event) => event.provider === 'epay');
}

test('EPay takes the alipay and wechat orders; the checkout is a submit.php URL EPay accepts', async () => {
  const methods = await call(server, 'GET', '/api/v1/credit/payment-methods');
  assert.deepEqual([...methods.json.data.methods].sort(), ['alipay', 'sandbox', 'wechat']);
  const user = await newUser();
  const { order, params } = await epayOrder(user.token, { method: 'wechat' });
  assert.equal(order.payment_method, 'wechat');
  assert.equal(order.payment_status, 'pending');
  const { sign, notify_url: notifyUrl, return_url: returnUrl, ...rest } = params;
  assert.deepEqual(rest, {
    pid: EPAY_PID, type: 'wxpay', out_trade_no: order.order_no, name: '110 credits', money: '10.00', sign_type: 'MD5',
  });
  assert.equal(sign, epaySign(params));
  assert.equal(notifyUrl, `${server.url}/webhooks/epay`);
  assert.equal(returnUrl, `${server.url}/credit/recharge?order_no=${order.order_no}`);
  // The sandbox cannot pay an EPay order.
  expectError(assert, await call(server, 'POST', '/api/v1/credit/payment/callback', { body: { order_type: 'recharge', order_no: order.order_no } }), 409, 'order_not_payable');
});

test('a credit pack and a membership paid at EPay: each notification three times, shuffled, credits once', async () => {
  const user = await newUser();
  const recharge = await epayOrder(user.token);
  const membership = await epayOrder(user.token, { kind: 'membership', priceId: 1, method: 'wechat' });
  fake.pay(recharge.order.order_no);
  fake.pay(membership.order.order_no);
  const deliveries = shuffle([
    ...Array(3).fill(fake.notification(recharge.order.order_no)),
    ...Array(3).fill(fake.notification(membership.order.order_no)),
  ]);
  const answers = await fake.deliver(`${server.url}/webhooks/epay`, deliveries);
  // EPay stops retrying on the word success.
  assert.deepEqual(answers, Array(6).fill({ status: 200, body: 'success' }));
  assert.equal((await orderOf(user.token, recharge.order.order_no)).payment_status, 'paid');
  assert.equal((await orderOf(user.token, membership.order.order_no)).payment_status, 'paid');
  assert.equal((await balance(server, user.token)).credits, 110);
  assert.equal(await membershipDays(user.token), 30);
  const entries = await call(server, 'GET', `/api/v1/admin/accounts/${user.accountId}/entries`, { token: admin });
  assert.deepEqual(entries.json.data.items.map((e) => [e.type, e.amount]), [['RECHARGE', 110]]);
});

test('a forged or unsigned notification is refused with nothing written', async () => {
  const user = await newUser();
  const { order } = await epayOrder(user.token);
  fake.pay(order.order_no);
  const before = (await call(server, 'GET', '/api/v1/admin/billing/events', { token: admin })).json.data.items.length;
  for (const corrupt of [{ money: '1000' }, { out_trade_no: 'RC0' }, { sign: '0'.repeat(32) }, { sign: '' }, { sign_type: 'RSA' }]) {
    const [answer] = await fake.deliver(`${server.url}/webhooks/epay`, [fake.notification(order.order_no, { corrupt })]);
    assert.deepEqual(answer, { status: 400, body: 'fail' }, JSON.stringify(corrupt));
  }
  // Signed with another key.
  const alien = fake.notification(order.order_no);
  alien.sign = epaySign(alien, 'not-the-merchant-key');
  assert.deepEqual((await fake.deliver(`${server.url}/webhooks/epay`, [alien]))[0], { status: 400, body: 'fail' });
  assert.equal((await orderOf(user.token, order.order_no)).payment_status, 'pending');
  assert.equal((await balance(server, user.token)).credits, 0);
  const after = (await call(server, 'GET', '/api/v1/admin/billing/events', { token: admin })).json.data.items.length;
  assert.equal(after, before, 'nothing recorded');
  // Then the genuine one pays.
  assert.deepEqual(await fake.notify(order.order_no), [{ status: 200, body: 'success' }]);
  assert.equal((await balance(server, user.token)).credits, 110);
});

test('a payment that is not the order\'s price, or for another merchant, is kept aside for operators', async () => {
  const user = await newUser();
  const { order } = await epayOrder(user.token);
  fake.pay(order.order_no);
  // Signed by EPay, but one cent short: acknowledged (EPay would retry otherwise), never applied.
  assert.deepEqual(await fake.notify(order.order_no, { change: { money: '9.99' } }), [{ status: 200, body: 'success' }]);
  assert.equal((await orderOf(user.token, order.order_no)).payment_status, 'pending');
  assert.equal((await balance(server, user.token)).credits, 0);
  let poison = await poisonEvents();
  const short = poison.find((event) => event.payload.includes(order.order_no));
  assert.ok(short, JSON.stringify(poison));
  assert.match(short.last_error, new RegExp(`paid 999 CNY, which is not the price of order ${order.order_no}`));
  assert.equal(short.type, 'TRADE_SUCCESS');

  const other = await epayOrder(user.token, { priceId: 1 });
  fake.pay(other.order.order_no);
  assert.deepEqual(await fake.notify(other.order.order_no, { change: { pid: '1002' } }), [{ status: 200, body: 'success' }]);
  poison = await poisonEvents();
  assert.ok(poison.some((event) => /merchant 1002/.test(event.last_error)), JSON.stringify(poison));
  assert.equal((await orderOf(user.token, other.order.order_no)).payment_status, 'pending');

  // A genuine EPay notification naming an order EPay does not settle (a sandbox order) pays nothing.
  const sandbox = await call(server, 'POST', '/api/v1/credit/recharge', { token: user.token, body: { price_id: 1, payment_method: 'sandbox' } });
  const foreign = { pid: EPAY_PID, trade_no: 'T-foreign', out_trade_no: sandbox.json.data.order_no, type: 'alipay', money: '1', trade_status: 'TRADE_SUCCESS' };
  foreign.sign = epaySign(foreign);
  assert.deepEqual((await fake.deliver(`${server.url}/webhooks/epay`, [foreign]))[0], { status: 200, body: 'success' });
  assert.equal((await orderOf(user.token, sandbox.json.data.order_no)).payment_status, 'pending');
  assert.equal((await balance(server, user.token)).credits, 0);

  const invalid = await call(server, 'GET', '/api/v1/admin/billing/events?outcome=lost', { token: admin });
  expectError(assert, invalid, 400, 'invalid_query', 'outcome');
  expectError(assert, await call(server, 'GET', '/api/v1/admin/billing/events', { token: user.token }), 403, 'forbidden');
});

test('reconciliation: a paid order whose notification was lost is applied; one never paid stays pending', async () => {
  const user = await newUser();
  const lost = await epayOrder(user.token);
  const open = await epayOrder(user.token, { priceId: 1 });
  const never = await call(server, 'POST', '/api/v1/credit/recharge', { token: user.token, body: { price_id: 1, payment_method: 'alipay' } });
  // Paid, then refunded from the aggregator's dashboard before any notification got through:
  // the money went back, so the order is not credited.
  const returned = await epayOrder(user.token, { priceId: 1 });
  fake.pay(returned.order.order_no);
  fake.orders.get(returned.order.order_no).status = 2;
  // An order EPay answers nonsense about holds up none of the others, and is reported.
  const confusing = await epayOrder(user.token, { priceId: 1 });
  fake.breakOrder(confusing.order.order_no);
  fake.pay(lost.order.order_no); // The notification is dropped.
  const failing = await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  expectError(assert, failing, 502, 'provider_error');
  assert.equal((await orderOf(user.token, lost.order.order_no)).payment_status, 'paid');
  assert.equal((await orderOf(user.token, returned.order.order_no)).payment_status, 'pending');
  fake.breakOrder(confusing.order.order_no, false);
  const reconciled = await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  assert.equal(reconciled.status, 200, reconciled.body);
  const queries = fake.requests.filter((r) => r.path === '/api.php' && r.query.act === 'order' && r.query.out_trade_no === lost.order.order_no);
  assert.ok(queries.length >= 1);
  assert.equal(queries[0].method, 'GET');
  assert.equal(queries[0].query.key, EPAY_KEY);
  assert.equal((await orderOf(user.token, lost.order.order_no)).payment_status, 'paid');
  assert.equal((await orderOf(user.token, open.order.order_no)).payment_status, 'pending');
  assert.equal((await orderOf(user.token, never.json.data.order_no)).payment_status, 'pending');
  assert.equal((await balance(server, user.token)).credits, 110);
  // Again, and the late notification too: nothing more.
  await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  assert.deepEqual(await fake.notify(lost.order.order_no), [{ status: 200, body: 'success' }]);
  assert.equal((await balance(server, user.token)).credits, 110);
  // A payment EPay reports for another amount than the order's: never applied, kept aside once.
  const short = await epayOrder(user.token, { priceId: 1 });
  fake.pay(short.order.order_no);
  fake.orders.get(short.order.order_no).params.money = '0.99';
  for (let i = 0; i < 2; i += 1) {
    assert.equal((await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin })).status, 200);
  }
  assert.equal((await orderOf(user.token, short.order.order_no)).payment_status, 'pending');
  const kept = (await poisonEvents()).filter((e) => e.event_id.startsWith(`reconcile:${short.order.order_no}:`));
  assert.equal(kept.length, 1, JSON.stringify(kept));
  assert.match(kept[0].last_error, new RegExp(`paid 99 CNY, which is not the price of order ${short.order.order_no} \\(found by reconciliation\\)`));
  assert.equal(kept[0].attempts, 1);
  assert.equal((await balance(server, user.token)).credits, 110);
  // EPay unreachable: the operator is told, and nothing changes.
  fake.failNextRequests(100);
  const down = await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  fake.failNextRequests(0);
  expectError(assert, down, 503, 'provider_unavailable');
});

test('a refund through EPay takes back the unspent credits at once, and only once', async () => {
  const user = await newUser();
  const { order } = await epayOrder(user.token);
  fake.pay(order.order_no);
  await fake.notify(order.order_no);
  const ran = await call(server, 'POST', '/api/v1/tools/nano-banana-pro/runs', { token: user.token, body: { prompt: 'a cat' } });
  assert.equal(ran.status, 201, ran.body);
  const left = (await balance(server, user.token)).credits;
  assert.ok(left < 110 && left > 0, String(left));
  const refundPath = `/api/v1/admin/orders/${order.order_no}/refund`;
  // EPay refunds whole orders.
  const part = await call(server, 'POST', refundPath, { token: admin, body: { amount: '5.00' }, headers: { 'idempotency-key': 'part-1' } });
  expectError(assert, part, 400, 'invalid_field', 'amount');
  assert.equal(fake.requests.filter((r) => r.query.act === 'refund').length, 0);

  const refunded = await call(server, 'POST', refundPath, { token: admin });
  assert.equal(refunded.status, 200, refunded.body);
  assert.equal(refunded.json.data.refund.amount, '10.00');
  assert.equal(refunded.json.data.refund.status, 'succeeded');
  assert.equal(refunded.json.data.refunded_amount, '10.00');
  const request = fake.requests.filter((r) => r.query.act === 'refund').at(-1);
  assert.equal(request.method, 'POST');
  assert.deepEqual(request.form, { pid: EPAY_PID, key: EPAY_KEY, out_trade_no: order.order_no, money: '10.00' });
  assert.equal(fake.orders.get(order.order_no).status, 2);
  // No notification follows at EPay: the unspent credits are gone already.
  assert.equal((await balance(server, user.token)).credits, 0);
  assert.equal((await orderOf(user.token, order.order_no)).refunded_amount, '10.00');
  const entries = await call(server, 'GET', `/api/v1/admin/accounts/${user.accountId}/entries`, { token: admin });
  assert.deepEqual(entries.json.data.items[0].amount, -left);
  // Once.
  expectError(assert, await call(server, 'POST', refundPath, { token: admin }), 409, 'order_not_refundable');
  assert.equal(fake.requests.filter((r) => r.query.act === 'refund').length, 1);
});

test('with EPAY_CHECKOUT=api, mapi.php makes the checkout: a QR code for WeChat Pay on a desktop, a page on a phone; paid once', async () => {
  // A server of its own numbers its orders from the start again: an aggregator of its own.
  const own = await startFakeEpay();
  const dataDir = makeDataDir();
  const api = await startServer({ dataDir, env: { ...epayEnv(own), EPAY_CHECKOUT: 'api' } });
  try {
    const session = await register(api, 'epay-mapi@example.com');
    const create = (body) => call(api, 'POST', '/api/v1/credit/recharge', { token: session.access_token, body: { price_id: 2, ...body } });
    const qr = await create({ payment_method: 'wechat' });
    assert.equal(qr.status, 201, qr.body);
    assert.equal(qr.json.data.pay_kind, 'qr');
    assert.match(qr.json.data.pay_url, /^weixin:\/\/wxpay\/bizpayurl\?pr=epay\d+$/);
    const sent = own.requests.filter((r) => r.path === '/mapi.php').at(-1).form;
    assert.deepEqual({ ...sent, sign: undefined }, {
      pid: EPAY_PID, type: 'wxpay', out_trade_no: qr.json.data.order_no, notify_url: `${api.url}/webhooks/epay`,
      return_url: `${api.url}/credit/recharge?order_no=${qr.json.data.order_no}`, name: '110 credits', money: '10.00',
      clientip: '127.0.0.1', device: 'pc', sign_type: 'MD5', sign: undefined,
    });
    assert.equal(sent.sign, epaySign(sent));
    const page = await create({ payment_method: 'alipay', device: 'mobile' });
    assert.equal(page.json.data.pay_kind, 'redirect');
    assert.equal(own.requests.filter((r) => r.path === '/mapi.php').at(-1).form.device, 'mobile');
    // The payer scans the code and pays; EPay notifies (twice): credited once.
    const orderNo = own.orderOf(qr.json.data.pay_url);
    assert.equal(orderNo, qr.json.data.order_no);
    own.pay(orderNo);
    assert.deepEqual(await own.notify(orderNo, { times: 2 }), Array(2).fill({ status: 200, body: 'success' }));
    assert.equal((await balance(api, session.access_token)).credits, 110);
    assert.equal(own.orderOf(page.json.data.pay_url), page.json.data.order_no);
    // mapi.php refuses (code -1): the order is refused with the aggregator's message.
    own.setMapiAnswer({ code: -1, msg: '支付通道已关闭' });
    const refused = await create({ payment_method: 'alipay' });
    expectError(assert, refused, 502, 'provider_error');
    assert.match(refused.json.message, /支付通道已关闭/);
  } finally {
    await api.stop();
    removeDataDir(api.dataDir);
    await own.close();
  }
});

test('several merchants: an order goes to the first whose daily limit it fits; each merchant\'s key signs, queries and refunds its own orders', async () => {
  const keys = { 1001: 'merchant-one-key-0123456789abcdef', 1002: 'merchant-two-key-0123456789abcdef' };
  const own = await startFakeEpay({ merchants: keys });
  const dataDir = makeDataDir();
  const file = join(dataDir, 'epay-merchants.json');
  writeFileSync(file, JSON.stringify([
    { pid: '1001', key: keys[1001], daily_limit: '15.00' },
    { pid: '1002', key: keys[1002] },
  ]), { mode: 0o600 });
  const several = await startServer({ dataDir, env: { ...ADMIN_ENV, EPAY_API_BASE: own.url, EPAY_MERCHANTS_FILE: file } });
  try {
    const operator = await adminToken(several);
    const session = await register(several, 'epay-merchants@example.com');
    const token = session.access_token;
    const buy = async (priceId) => {
      const created = await call(several, 'POST', '/api/v1/credit/recharge', { token, body: { price_id: priceId, payment_method: 'alipay' } });
      assert.equal(created.status, 201, created.body);
      const params = await own.submit(created.json.data.pay_url);
      return { orderNo: created.json.data.order_no, pid: params.pid };
    };
    const first = await buy(2); // 10.00: merchant 1001 has 0 of 15.00 today.
    const second = await buy(2); // 10.00 more would make 20.00: merchant 1002.
    const third = await buy(1); // 1.00 fits 1001 (11.00).
    assert.deepEqual([first.pid, second.pid, third.pid], ['1001', '1002', '1001']);
    // Each merchant's notification is signed with its own key; one naming 1001 but signed with
    // 1002's key is refused.
    own.pay(first.orderNo);
    own.pay(third.orderNo);
    const crossed = { ...own.notification(first.orderNo) };
    crossed.sign = epaySign(crossed, keys[1002]);
    assert.deepEqual(await own.deliver(`${several.url}/webhooks/epay`, [crossed]), [{ status: 400, body: 'fail' }]);
    assert.deepEqual(await own.notify(first.orderNo), [{ status: 200, body: 'success' }]);
    assert.deepEqual(await own.notify(third.orderNo), [{ status: 200, body: 'success' }]);
    assert.equal((await balance(several, token)).credits, 120);
    // The second's notification (merchant 1002) is lost: reconciliation asks 1002 with its key.
    own.pay(second.orderNo);
    assert.equal((await call(several, 'POST', '/api/v1/admin/billing/reconcile', { token: operator })).status, 200);
    const query = own.requests.filter((r) => r.path === '/api.php' && r.query.act === 'order' && r.query.out_trade_no === second.orderNo).at(-1);
    assert.deepEqual([query.query.pid, query.query.key], ['1002', keys[1002]]);
    assert.equal((await balance(several, token)).credits, 230);
    // A refund goes to the merchant that took the order.
    const refunded = await call(several, 'POST', `/api/v1/admin/orders/${second.orderNo}/refund`, { token: operator });
    assert.equal(refunded.status, 200, refunded.body);
    const refund = own.requests.filter((r) => r.path === '/api.php' && r.query.act === 'refund').at(-1);
    assert.equal(refund.form.pid, '1002');
    assert.equal((await balance(several, token)).credits, 120);
    // A notification signed with no merchant's key is refused.
    const forged = { ...own.notification(first.orderNo) };
    forged.sign = epaySign(forged, 'not-a-merchant-key');
    assert.deepEqual(await own.deliver(`${several.url}/webhooks/epay`, [forged]), [{ status: 400, body: 'fail' }]);
  } finally {
    await several.stop();
    removeDataDir(several.dataDir);
    await own.close();
  }
});

test('in production with EPay configured, payment-methods lists alipay and wechat and no sandbox', async () => {
  const production = await startServer({ env: {
    ...epayEnv(fake), CREDITD_ENV: 'production', CREDITD_JWT_SECRET: 'production-secret-of-at-least-32-characters', CREDITD_PAYMENTS_SANDBOX: 'false',
  } });
  try {
    const methods = await call(production, 'GET', '/api/v1/credit/payment-methods');
    assert.deepEqual([...methods.json.data.methods].sort(), ['alipay', 'wechat']);
  } finally {
    await production.stop();
    removeDataDir(production.dataDir);
  }
});
