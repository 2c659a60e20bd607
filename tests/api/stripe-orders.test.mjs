// Credit packs and memberships paid through Stripe Checkout in payment mode (issue 6 point 3,
// `payment_method: "stripe"`), refunds through Stripe's refunds API, and what Stripe's events
// then do to the order: paid once, refunded credits or membership time taken back, a dispute
// freezes the account, a lost event is recovered by reconciliation. creditd talks to the local
// fake of Stripe's API (tests/api/lib/fake-stripe.mjs); events are signed by the official package.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDataDir, call, expectError, register } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, me, balance } from './lib/billing.mjs';
import {
  startFakeStripe, stripeEnv, SECRET_KEY, API_VERSION, chargeObject, disputeObject, eventObject,
  signedDelivery,
} from './lib/fake-stripe.mjs';

let fake;
let server;
let admin;
before(async () => {
  fake = await startFakeStripe();
  server = await startServer({
    env: { ...ADMIN_ENV, ...stripeEnv(fake) },
  });
  admin = await adminToken(server);
});
after(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
  await fake?.close();
});

const now = () => Math.floor(Date.now() / 1000);

async function deliver(event) {
  const { payload, header } = signedDelivery(event);
  const response = await call(server, 'POST', '/webhooks/stripe', { raw: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } });
  assert.equal(response.status, 200, response.body);
  return response.json.data;
}

let users = 0;
async function newUser() {
  users += 1;
  const session = await register(server, `stripe-order-${users}@example.com`);
  const profile = await me(server, session.access_token);
  return { token: session.access_token, accountId: profile.account_id };
}

// Creates an order paid with Stripe; returns the order and the Checkout Session creditd made.
async function stripeOrder(token, kind = 'recharge', priceId = 2) {
  const created = await call(server, 'POST', `/api/v1/credit/${kind}`, { token, body: { price_id: priceId, payment_method: 'stripe' } });
  assert.equal(created.status, 201, created.body);
  const request = fake.requestsTo('POST', '/v1/checkout/sessions').at(-1);
  const sessionId = created.json.data.pay_url.split('/').at(-1);
  return { order: created.json.data, request, sessionId };
}

async function orderOf(token, kind, orderNo) {
  const response = await call(server, 'GET', `/api/v1/credit/orders/${orderNo}`, { token });
  assert.equal(response.status, 200, response.body);
  return response.json.data;
}

// The payer pays; Stripe sends checkout.session.completed.
async function pay(orderInfo, options) {
  const session = fake.payCheckout(orderInfo.sessionId, options);
  const outcome = await deliver(eventObject('checkout.session.completed', session, now()));
  return { session, outcome };
}

test('a credit pack paid through Stripe Checkout: the session Stripe expects, then the credits once', async () => {
  const user = await newUser();
  const { order, request, sessionId } = await stripeOrder(user.token);
  assert.equal(order.payment_method, 'stripe');
  assert.equal(order.payment_status, 'pending');
  assert.match(order.pay_url, /^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test\d+$/);
  assert.equal(request.version, API_VERSION);
  assert.equal(request.authorization, `Bearer ${SECRET_KEY}`);
  assert.equal(request.idempotencyKey, `order-checkout-${order.order_no}`);
  const { success_url: successUrl, cancel_url: cancelUrl, expires_at: expiresAt, ...form } = request.form;
  assert.deepEqual(form, {
    mode: 'payment', client_reference_id: order.order_no,
    'line_items[0][price_data][currency]': 'cny', 'line_items[0][price_data][unit_amount]': '1000',
    'line_items[0][price_data][product_data][name]': '100 credits + 10 bonus', 'line_items[0][quantity]': '1',
    'payment_intent_data[metadata][order_no]': order.order_no,
    'payment_intent_data[metadata][account_id]': String(user.accountId),
    'metadata[order_no]': order.order_no, 'metadata[account_id]': String(user.accountId),
  });
  assert.match(successUrl, new RegExp(`/credit/recharge\\?order_no=${order.order_no}&checkout=success$`));
  assert.match(cancelUrl, /checkout=cancelled$/);
  // Stripe refuses a session that expires sooner than 30 minutes after its creation.
  assert.ok(Number(expiresAt) >= now() + 29 * 60, expiresAt);

  // Only Stripe may confirm it: the sandbox page and callback refuse.
  expectError(assert, await call(server, 'POST', '/api/v1/credit/payment/callback', { body: { order_type: 'recharge', order_no: order.order_no } }), 409, 'order_not_payable');
  assert.equal((await fetch(`${server.url}/sandbox/checkout/${order.order_no}`)).status, 404);

  const { session, outcome } = await pay({ sessionId });
  assert.equal(outcome.outcome, 'processed');
  const paid = await orderOf(user.token, 'recharge', order.order_no);
  assert.equal(paid.payment_status, 'paid');
  assert.equal(paid.refunded_amount, '0.00');
  assert.equal((await balance(server, user.token)).credits, 110);
  // The same payment told again (another event for the same session) changes nothing.
  const again = await deliver(eventObject('checkout.session.completed', session, now()));
  assert.equal(again.outcome, 'ignored');
  assert.equal((await balance(server, user.token)).credits, 110);
  const entries = await call(server, 'GET', `/api/v1/admin/accounts/${user.accountId}/entries`, { token: admin });
  assert.deepEqual(entries.json.data.items.map((e) => [e.type, e.amount]), [['RECHARGE', 110]]);
});

test('a payment that is not the order\'s price is recorded as poison and never applied', async () => {
  const user = await newUser();
  const placed = await stripeOrder(user.token);
  const { outcome } = await pay(placed, { amount: 1 });
  assert.equal(outcome.outcome, 'poison');
  assert.equal((await orderOf(user.token, 'recharge', placed.order.order_no)).payment_status, 'pending');
  assert.equal((await balance(server, user.token)).credits, 0);
});

test('a checkout that expired or failed closes the order; money Stripe took later still pays it', async () => {
  const user = await newUser();
  const placed = await stripeOrder(user.token);
  const session = structuredClone(fake.sessions.get(placed.sessionId));
  session.status = 'expired';
  assert.equal((await deliver(eventObject('checkout.session.expired', session, now()))).outcome, 'processed');
  assert.equal((await orderOf(user.token, 'recharge', placed.order.order_no)).payment_status, 'expired');
  // Stripe took the money after all (the session was still open on Stripe's side): it counts.
  await pay(placed);
  assert.equal((await orderOf(user.token, 'recharge', placed.order.order_no)).payment_status, 'paid');
  assert.equal((await balance(server, user.token)).credits, 110);

  const failing = await stripeOrder(user.token, 'recharge', 1);
  const failed = structuredClone(fake.sessions.get(failing.sessionId));
  Object.assign(failed, { status: 'complete', payment_status: 'unpaid' });
  // A delayed method: completed but unpaid waits; the async failure closes the order.
  assert.equal((await deliver(eventObject('checkout.session.completed', failed, now()))).outcome, 'ignored');
  assert.equal((await orderOf(user.token, 'recharge', failing.order.order_no)).payment_status, 'pending');
  assert.equal((await deliver(eventObject('checkout.session.async_payment_failed', failed, now()))).outcome, 'processed');
  assert.equal((await orderOf(user.token, 'recharge', failing.order.order_no)).payment_status, 'failed');
});

test('refunds through Stripe: the refunded share of the unspent credits is taken back, once', async () => {
  const user = await newUser();
  const placed = await stripeOrder(user.token);
  const { session } = await pay(placed);
  const paymentIntent = session.payment_intent;
  const { charge } = fake.payments.get(paymentIntent);
  // Spend 4 of the 110 credits.
  const ran = await call(server, 'POST', '/api/v1/tools/nano-banana-pro/runs', { token: user.token, body: { prompt: 'a cat' } });
  assert.equal(ran.status, 201, ran.body);
  const refundPath = `/api/v1/admin/orders/${placed.order.order_no}/refund`;

  // Only operators refund; amounts are checked before Stripe is asked.
  expectError(assert, await call(server, 'POST', refundPath, { token: user.token, body: { amount: '1.00' } }), 403, 'forbidden');
  const tooMuch = await call(server, 'POST', refundPath, { token: admin, body: { amount: '10.01' } });
  expectError(assert, tooMuch, 400, 'invalid_field');
  assert.equal(tooMuch.json.error.field, 'amount');
  expectError(assert, await call(server, 'POST', refundPath, { token: admin, body: { amount: 'five' } }), 400, 'invalid_amount');
  expectError(assert, await call(server, 'POST', refundPath, { token: admin, body: { amount: '99999999999999999999' } }),
    400, 'amount_overflow', 'amount');
  assert.equal(fake.requestsTo('POST', '/v1/refunds').length, 0);

  expectError(assert, await call(server, 'POST', refundPath, { token: admin, body: { amount: '5.00' } }), 400, 'invalid_idempotency_key', 'Idempotency-Key');
  const half = await call(server, 'POST', refundPath, { token: admin, body: { amount: '5.00' }, headers: { 'idempotency-key': 'half' } });
  assert.equal(half.status, 200, half.body);
  assert.equal(half.json.data.refund.amount, '5.00');
  assert.equal(half.json.data.refund.status, 'succeeded');
  const refundRequest = fake.requestsTo('POST', '/v1/refunds').at(-1);
  assert.deepEqual(refundRequest.form, { payment_intent: paymentIntent, amount: '500' });
  assert.equal(refundRequest.idempotencyKey, `refund-${placed.order.order_no}-half`);
  // The same request again is the same refund, not a second one.
  const doubleClick = await call(server, 'POST', refundPath, { token: admin, body: { amount: '5.00' }, headers: { 'idempotency-key': 'half' } });
  assert.equal(doubleClick.json.data.refund.id, half.json.data.refund.id);
  assert.equal(fake.payments.get(paymentIntent).refunded, 500);

  // Stripe's notification takes back half of the 110 credits: 55.
  const refunded = (amountRefunded) => eventObject('charge.refunded', chargeObject({ id: charge, paymentIntent, customer: null, amount: 1000, amountRefunded }), now());
  assert.equal((await deliver(refunded(500))).outcome, 'processed');
  assert.equal((await balance(server, user.token)).credits, 51);
  assert.equal((await orderOf(user.token, 'recharge', placed.order.order_no)).refunded_amount, '5.00');
  // An older notice arriving late changes nothing.
  assert.equal((await deliver(refunded(500))).outcome, 'ignored');

  // The rest: 55 more are due, 51 are left unspent.
  const rest = await call(server, 'POST', refundPath, { token: admin });
  assert.equal(rest.status, 200, rest.body);
  assert.equal(rest.json.data.refund.amount, '5.00');
  await deliver(refunded(1000));
  assert.equal((await balance(server, user.token)).credits, 0);
  const entries = await call(server, 'GET', `/api/v1/admin/accounts/${user.accountId}/entries`, { token: admin });
  assert.deepEqual(entries.json.data.items.slice(0, 2).map((e) => [e.type, e.amount]), [['ADJUST', -51], ['ADJUST', -55]]);
  expectError(assert, await call(server, 'POST', refundPath, { token: admin }), 409, 'order_not_refundable');

  // An order not paid through Stripe is not refunded through Stripe.
  const sandbox = await call(server, 'POST', '/api/v1/credit/recharge', { token: user.token, body: { price_id: 1, payment_method: 'sandbox' } });
  expectError(assert, await call(server, 'POST', `/api/v1/admin/orders/${sandbox.json.data.order_no}/refund`, { token: admin }), 409, 'order_not_refundable');
  expectError(assert, await call(server, 'POST', '/api/v1/admin/orders/R0000/refund', { token: admin }), 404, 'order_not_found');
});

test('a membership paid through Stripe; half refunded takes back half of its time; a dispute freezes the account', async () => {
  const user = await newUser();
  const placed = await stripeOrder(user.token, 'membership', 1);
  assert.match(placed.request.form['line_items[0][price_data][product_data][name]'], /^Membership monthly \(30 days\)$/);
  const { session } = await pay(placed);
  const status = async () => (await call(server, 'GET', '/api/v1/credit/membership/statistics', { token: user.token })).json.data;
  assert.equal((await status()).days_left, 30);
  const paid = fake.payments.get(session.payment_intent);
  await deliver(eventObject('charge.refunded', chargeObject({ id: paid.charge, paymentIntent: session.payment_intent, customer: null, amount: paid.amount, amountRefunded: paid.amount / 2 }), now()));
  assert.equal((await status()).days_left, 15);

  await deliver(eventObject('charge.dispute.created', disputeObject({ id: 'dp_order_test', charge: paid.charge, paymentIntent: session.payment_intent, amount: paid.amount }), now()));
  const account = await call(server, 'GET', `/api/v1/admin/accounts/${user.accountId}`, { token: admin });
  assert.equal(account.json.data.frozen, true);
  assert.match(account.json.data.frozen_reason, new RegExp(`dispute dp_order_test .*order ${placed.order.order_no}`));
  expectError(assert, await call(server, 'POST', '/api/v1/tools/nano-banana/runs', { token: user.token, body: { prompt: 'x' } }), 403, 'account_frozen');
});

test('reconciliation: a paid checkout whose event was lost is applied; an open one stays pending', async () => {
  const user = await newUser();
  const lost = await stripeOrder(user.token);
  const open = await stripeOrder(user.token, 'recharge', 1);
  fake.payCheckout(lost.sessionId);
  const reconciled = await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  assert.equal(reconciled.status, 200, reconciled.body);
  assert.ok(reconciled.json.data.fetched >= 2, reconciled.body);
  assert.ok(fake.requestsTo('GET', `/v1/checkout/sessions/${lost.sessionId}`).length >= 1);
  assert.equal((await orderOf(user.token, 'recharge', lost.order.order_no)).payment_status, 'paid');
  assert.equal((await orderOf(user.token, 'recharge', open.order.order_no)).payment_status, 'pending');
  assert.equal((await balance(server, user.token)).credits, 110);
  // Again: nothing more.
  await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  assert.equal((await balance(server, user.token)).credits, 110);
});
