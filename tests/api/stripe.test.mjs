// Seed 003 through Stripe, end to end: creditd talks to a local fake of Stripe's API (answers
// built from Stripe's own fixtures, every request checked) and receives webhook events signed by
// the official `stripe` package. Subscribing, renewals, shuffled and repeated deliveries,
// dunning, cancel at period end, plan changes with prorated credits, refund claw-back, dispute
// freeze, and the refusals of bad deliveries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, removeDataDir, call, expectError, register, makeDataDir, dbArgs, BIN } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, createApiKey, me, balance } from './lib/billing.mjs';
import {
  startFakeStripe, stripeEnv, SECRET_KEY, API_VERSION, subscriptionObject, invoiceObject,
  checkoutSessionObject, chargeObject, disputeObject, eventObject, signedDelivery,
} from './lib/fake-stripe.mjs';

const PRICES = {
  STRIPE_PRICE_PRO_MONTHLY: 'price_pro_monthly',
  STRIPE_PRICE_PRO_YEARLY: 'price_pro_yearly',
  STRIPE_PRICE_PREMIUM_MONTHLY: 'price_premium_monthly',
  STRIPE_PRICE_TEAM_MONTHLY: 'price_team_monthly',
  STRIPE_PRICE_ENTERPRISE_MONTHLY: 'price_archived_enterprise',  // Stripe answers "No such price".
};
const DAY = 86400;

let fake;
let server;
let admin;
before(async () => {
  fake = await startFakeStripe();
  server = await startServer({
    env: {
      ...ADMIN_ENV, ...PRICES, ...stripeEnv(fake),
    },
  });
  admin = await adminToken(server);
});
after(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
  await fake?.close();
});

async function deliver(event, options) {
  const { payload, header } = signedDelivery(event, options);
  return call(server, 'POST', '/webhooks/stripe', { raw: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } });
}

async function deliverOk(event) {
  const response = await deliver(event);
  assert.equal(response.status, 200, response.body);
  assert.equal(response.json.data.received, true);
  return response.json.data;
}

async function subscriptionOf(token) {
  const response = await call(server, 'GET', '/api/subscription', { token });
  assert.equal(response.status, 200, response.body);
  return response.json.data;
}

// A user with a Stripe customer created through checkout; returns ids for building events.
let userCounter = 0;
async function checkedOutUser(price = 'price_pro_monthly') {
  userCounter += 1;
  const email = `stripe-user-${userCounter}@example.com`;
  const session = await register(server, email);
  const profile = await me(server, session.access_token);
  const checkout = await call(server, 'POST', '/api/subscription/checkout', { token: session.access_token, body: { priceId: price } });
  assert.equal(checkout.status, 200, checkout.body);
  const created = fake.requestsTo('POST', '/v1/checkout/sessions').at(-1);
  return {
    email, token: session.access_token, userId: profile.id, accountId: profile.account_id, customer: created.form.customer,
    subscription: `sub_test_user${userCounter}`, checkoutUrl: checkout.json.data.checkoutUrl,
  };
}

// Events of a subscription's life, all for `user`, stamped `t0 + offset`.
function lifecycle(user, t0) {
  const start = t0;
  const end = t0 + 30 * DAY;
  const sub = (over) => subscriptionObject({ id: user.subscription, customer: user.customer, price: 'price_pro_monthly', start, end, accountId: user.accountId, ...over });
  return {
    start, end, sub,
    completed: eventObject('checkout.session.completed', checkoutSessionObject({ id: `cs_${user.subscription}`, customer: user.customer, subscription: user.subscription, accountId: user.accountId }), t0 + 1),
    created: eventObject('customer.subscription.created', sub({ status: 'incomplete' }), t0),
    active: eventObject('customer.subscription.updated', sub({ status: 'active' }), t0 + 2),
    firstInvoice: eventObject('invoice.paid', invoiceObject({ id: `in_first_${user.subscription}`, customer: user.customer, subscription: user.subscription, price: 'price_pro_monthly', start, end, amountPaid: 1900, billingReason: 'subscription_create' }), t0 + 2),
  };
}

test('seed 003 checklist, Stripe 集成正常 (Stripe integration): checkout creates the customer and a subscription session, as Stripe expects', async () => {
  const user = await checkedOutUser();
  assert.match(user.checkoutUrl, /^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test\d+$/);
  const customer = fake.requestsTo('POST', '/v1/customers').at(-1);
  assert.equal(customer.form.email, user.email);
  assert.equal(customer.form['metadata[account_id]'], String(user.accountId));
  const session = fake.requestsTo('POST', '/v1/checkout/sessions').at(-1);
  assert.deepEqual(
    { ...session.form, success_url: undefined, cancel_url: undefined },
    {
      mode: 'subscription', customer: user.customer, client_reference_id: String(user.accountId),
      'line_items[0][price]': 'price_pro_monthly', 'line_items[0][quantity]': '1',
      'subscription_data[metadata][account_id]': String(user.accountId),
      'subscription_data[trial_period_days]': '7', 'metadata[account_id]': String(user.accountId),
      success_url: undefined, cancel_url: undefined,
    });
  assert.match(session.form.success_url, /\/subscription\?checkout=success$/);
  for (const request of [customer, session]) {
    assert.equal(request.version, API_VERSION);
    assert.equal(request.authorization, `Bearer ${SECRET_KEY}`);
    assert.ok(request.idempotencyKey && request.idempotencyKey.length <= 255, 'every POST has an Idempotency-Key');
  }
  // A second checkout reuses the customer.
  const customers = fake.requestsTo('POST', '/v1/customers').length;
  const again = await call(server, 'POST', '/api/subscription/checkout', { token: user.token, body: { priceId: 'price_pro_yearly' } });
  assert.equal(again.status, 200, again.body);
  assert.equal(fake.requestsTo('POST', '/v1/customers').length, customers);
  assert.equal(fake.requestsTo('POST', '/v1/checkout/sessions').at(-1).form.customer, user.customer);

  expectError(assert, await call(server, 'POST', '/api/subscription/checkout', { token: user.token, body: { priceId: 'price_nope' } }), 404, 'price_not_found', 'priceId');
  expectError(assert, await call(server, 'POST', '/api/subscription/checkout', { token: user.token, body: {} }), 400, 'missing_field', 'priceId');
  expectError(assert, await call(server, 'POST', '/api/subscription/checkout', { body: { priceId: 'price_pro_monthly' } }), 401, 'unauthenticated');
  const listed = await subscriptionOf(user.token);
  assert.deepEqual(listed.prices.map((p) => p.priceId).sort(), Object.values(PRICES).sort());
});

test('seed 003 checklist, 数据库迁移成功 (migrations): creditd migrate brings the database to the billing, teams, order-payments, ledger-index and order-providers schema', () => {
  const dataDir = makeDataDir();
  try {
    const output = execFileSync(BIN, ['migrate', '--data', dataDir, ...dbArgs(dataDir)], { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } }).toString();
    assert.match(output, /is at schema version 18\n/);
    // Migrating again is a no-op.
    assert.match(execFileSync(BIN, ['migrate', '--data', dataDir, ...dbArgs(dataDir)], { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } }).toString(), /schema version 18/);
  } finally {
    removeDataDir(dataDir);
  }
});

test('network failures and 5xx answers are retried with the same Idempotency-Key', async () => {
  const session = await register(server, 'stripe-retry@example.com');
  const before = fake.requests.length;
  fake.failNextRequests(2);
  const checkout = await call(server, 'POST', '/api/subscription/checkout', { token: session.access_token, body: { priceId: 'price_pro_monthly' } });
  assert.equal(checkout.status, 200, checkout.body);
  const customerCalls = fake.requests.slice(before).filter((r) => r.path === '/v1/customers');
  assert.equal(customerCalls.length, 3, 'two 500s, then the answer');
  assert.equal(new Set(customerCalls.map((r) => r.idempotencyKey)).size, 1);
  // Stripe down for every attempt: 503 provider_unavailable, and nothing is half-made.
  fake.failNextRequests(100);
  const portal = await call(server, 'POST', '/api/subscription/portal', { token: session.access_token });
  fake.failNextRequests(0);
  expectError(assert, portal, 503, 'provider_unavailable');
  // A 4xx is Stripe refusing: 502 provider_error with Stripe's message, and no retry.
  const count = fake.requests.length;
  const refused = await call(server, 'POST', '/api/subscription/checkout', { token: session.access_token, body: { priceId: 'price_archived_enterprise' } });
  expectError(assert, refused, 502, 'provider_error');
  assert.match(refused.json.message, /No such price: 'price_archived_enterprise'/);
  assert.equal(fake.requests.length, count + 1);
});

test('seed 003 checklist, 可以创建订阅 (create a subscription): checkout completed and the first invoice make the account pro with its credits', async () => {
  const user = await checkedOutUser();
  const t0 = Math.floor(Date.now() / 1000) - 60;
  const life = lifecycle(user, t0);
  for (const event of [life.created, life.completed, life.active, life.firstInvoice]) {
    const data = await deliverOk(event);
    assert.equal(data.duplicate, false);
  }
  const overview = await subscriptionOf(user.token);
  assert.equal(overview.plan.key, 'pro');
  assert.equal(overview.subscription.status, 'active');
  assert.equal(overview.subscription.stripeSubscriptionId, user.subscription);
  assert.equal(overview.subscription.stripeCustomerId, user.customer);
  assert.equal(overview.subscription.stripePriceId, 'price_pro_monthly');
  assert.equal(overview.subscription.currentPeriodEnd, new Date(life.end * 1000).toISOString().replace('.000', ''));
  assert.equal((await balance(server, user.token)).credits, 1000);
  // The allowance expires with the period.
  const entries = await call(server, 'GET', `/api/v1/admin/accounts/${user.accountId}/entries`, { token: admin });
  assert.equal(entries.json.data.items[0].type, 'GRANT');
  assert.equal(entries.json.data.items[0].amount, 1000);
  // The same event again: acknowledged, nothing changes.
  const again = await deliverOk(life.firstInvoice);
  assert.equal(again.duplicate, true);
  assert.equal((await balance(server, user.token)).credits, 1000);
  // A second subscription is refused while this one grants access.
  expectError(assert, await call(server, 'POST', '/api/subscription/checkout', { token: user.token, body: { priceId: 'price_premium_monthly' } }), 409, 'subscription_exists');
});

test('renewal: the next period grants its credits once', async () => {
  const user = await checkedOutUser();
  const t0 = Math.floor(Date.now() / 1000) - 31 * DAY;
  const life = lifecycle(user, t0);
  for (const event of [life.created, life.completed, life.active, life.firstInvoice]) {
    await deliverOk(event);
  }
  // The first period is over: its credits expired.
  assert.equal((await balance(server, user.token)).credits, 0);
  const next = { start: life.end, end: life.end + 30 * DAY };
  const renewal = eventObject('invoice.paid', invoiceObject({ id: `in_renew_${user.subscription}`, customer: user.customer, subscription: user.subscription, price: 'price_pro_monthly', start: next.start, end: next.end, amountPaid: 1900 }), next.start + 5);
  const updated = eventObject('customer.subscription.updated', life.sub({ start: next.start, end: next.end }), next.start + 5);
  await deliverOk(updated);
  await deliverOk(renewal);
  await deliverOk(renewal);
  assert.equal((await balance(server, user.token)).credits, 1000);
  const overview = await subscriptionOf(user.token);
  assert.equal(overview.subscription.currentPeriodStart, new Date(next.start * 1000).toISOString().replace('.000', ''));
});

// The observable state of an account's subscription and credits.
async function stateOf(user) {
  const overview = await subscriptionOf(user.token);
  const s = overview.subscription;
  const entries = await call(server, 'GET', `/api/v1/admin/accounts/${user.accountId}/entries?limit=100`, { token: admin });
  return {
    plan: overview.plan.key, status: s?.status, start: s?.currentPeriodStart, end: s?.currentPeriodEnd,
    cancel: s?.cancelAtPeriodEnd, credits: (await balance(server, user.token)).credits,
    entries: entries.json.data.items.map((e) => `${e.type}:${e.amount}`).sort(),
  };
}

// A whole history: subscribe, a failed renewal (past_due, dunning), the retry paid (active),
// then cancel at period end.
function history(user, t0) {
  const life = lifecycle(user, t0);
  const p2 = { start: life.end, end: life.end + 30 * DAY };
  const sub2 = (over) => life.sub({ start: p2.start, end: p2.end, ...over });
  return [
    life.created, life.completed, life.active, life.firstInvoice,
    eventObject('invoice.payment_failed', invoiceObject({ id: `in_p2_${user.subscription}`, customer: user.customer, subscription: user.subscription, price: 'price_pro_monthly', start: p2.start, end: p2.end, amountPaid: 0 }), p2.start + 10),
    eventObject('customer.subscription.updated', sub2({ status: 'past_due' }), p2.start + 11),
    eventObject('invoice.paid', invoiceObject({ id: `in_p2_${user.subscription}`, customer: user.customer, subscription: user.subscription, price: 'price_pro_monthly', start: p2.start, end: p2.end, amountPaid: 1900 }), p2.start + 20),
    eventObject('customer.subscription.updated', sub2({ status: 'active' }), p2.start + 21),
    eventObject('customer.subscription.updated', sub2({ status: 'active', cancelAtPeriodEnd: true }), p2.start + 30),
  ];
}

// A deterministic shuffle (mulberry32), so a failure can be reproduced.
function shuffled(items, seed) {
  let a = seed;
  const random = () => {
    a = (a + 0x6D2B79F5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

test('seed 003 checklist, Webhook 正确处理 (webhooks handled): every event delivered 3 times in shuffled order ends in the same state as once in order', async () => {
  const t0 = Math.floor(Date.now() / 1000) - 35 * DAY;
  const inOrder = await checkedOutUser();
  for (const event of history(inOrder, t0)) {
    await deliverOk(event);
  }
  const expected = await stateOf(inOrder);
  assert.equal(expected.plan, 'pro');
  assert.equal(expected.status, 'active');
  assert.equal(expected.cancel, true);
  assert.equal(expected.credits, 1000, 'the second period\'s allowance; the first expired');

  const seed = Number(process.env.CREDITD_SHUFFLE_SEED ?? 20261122);
  const scrambled = await checkedOutUser();
  const events = history(scrambled, t0);
  // When an invoice comes before any subscription event, creditd asks Stripe for the
  // subscription, which answers with its state as it stands now: the last one.
  fake.subscriptions.set(scrambled.subscription, structuredClone(events.at(-1).data.object));
  const deliveries = shuffled([...events, ...events, ...events], seed);
  for (const event of deliveries) {
    await deliverOk(event);
  }
  assert.deepEqual(await stateOf(scrambled), expected, `shuffle seed ${seed}`);
});

test('seed 003 checklist, 支付流程完整 (payment flow): payment failed -> past_due with a dunning e-mail in the outbox -> paid -> active', async () => {
  const user = await checkedOutUser();
  const t0 = Math.floor(Date.now() / 1000) - 60;
  const life = lifecycle(user, t0);
  for (const event of [life.created, life.completed, life.active, life.firstInvoice]) {
    await deliverOk(event);
  }
  await deliverOk(eventObject('invoice.payment_failed', invoiceObject({ id: `in_fail_${user.subscription}`, customer: user.customer, subscription: user.subscription, price: 'price_pro_monthly', start: life.start, end: life.end, amountPaid: 0 }), t0 + 30));
  let overview = await subscriptionOf(user.token);
  assert.equal(overview.subscription.status, 'past_due');
  assert.equal(overview.plan.key, 'pro', 'access continues while Stripe retries');
  const outbox = await call(server, 'GET', `/api/v1/admin/outbox?recipient=${encodeURIComponent(user.email)}`, { token: admin });
  assert.equal(outbox.status, 200, outbox.body);
  assert.equal(outbox.json.data.items.length, 1);
  assert.match(outbox.json.data.items[0].subject, /payment .* failed/);
  assert.equal(outbox.json.data.items[0].sent_at, null);
  await deliverOk(eventObject('customer.subscription.updated', life.sub({ status: 'active' }), t0 + 40));
  overview = await subscriptionOf(user.token);
  assert.equal(overview.subscription.status, 'active');
});

test('seed 003 checklist, 订阅状态同步 (status synchronised): cancel at period end keeps the plan until Stripe deletes the subscription, then free', async () => {
  const user = await checkedOutUser();
  const t0 = Math.floor(Date.now() / 1000) - 60;
  const life = lifecycle(user, t0);
  for (const event of [life.created, life.completed, life.active, life.firstInvoice]) {
    await deliverOk(event);
  }
  fake.subscriptions.set(user.subscription, life.sub({}));
  const cancelled = await call(server, 'POST', '/api/subscription/cancel', { token: user.token });
  assert.equal(cancelled.status, 200, cancelled.body);
  assert.deepEqual(cancelled.json.data, { success: true });
  const request = fake.requestsTo('POST', `/v1/subscriptions/${user.subscription}`).at(-1);
  assert.deepEqual(request.form, { cancel_at_period_end: 'true' });
  assert.ok(request.idempotencyKey);
  let overview = await subscriptionOf(user.token);
  assert.equal(overview.subscription.cancelAtPeriodEnd, true);
  assert.equal(overview.plan.key, 'pro');
  // Cancelling again changes nothing and asks Stripe nothing.
  const calls = fake.requests.length;
  assert.equal((await call(server, 'POST', '/api/subscription/cancel', { token: user.token })).status, 200);
  assert.equal(fake.requests.length, calls);
  await deliverOk(eventObject('customer.subscription.deleted', life.sub({ status: 'canceled', cancelAtPeriodEnd: true }), Math.floor(Date.now() / 1000)));
  overview = await subscriptionOf(user.token);
  assert.equal(overview.subscription.status, 'canceled');
  assert.equal(overview.plan.key, 'free');
  expectError(assert, await call(server, 'POST', '/api/subscription/cancel', { token: user.token }), 404, 'subscription_not_found');
});

test('upgrade: premium at once with prorated credits; downgrade waits for the period end', async () => {
  const user = await checkedOutUser();
  const now = Math.floor(Date.now() / 1000);
  const t0 = now - 15 * DAY;  // Half of the 30-day period is left.
  const life = lifecycle(user, t0);
  for (const event of [life.created, life.completed, life.active, life.firstInvoice]) {
    await deliverOk(event);
  }
  assert.equal((await balance(server, user.token)).credits, 1000);
  fake.subscriptions.set(user.subscription, life.sub({}));
  const upgraded = await call(server, 'POST', '/api/subscription/upgrade', { token: user.token, body: { priceId: 'price_premium_monthly' } });
  assert.equal(upgraded.status, 200, upgraded.body);
  assert.deepEqual(upgraded.json.data, { success: true });
  const request = fake.requestsTo('POST', `/v1/subscriptions/${user.subscription}`).at(-1);
  assert.deepEqual(request.form, { 'items[0][id]': `si_${user.subscription.slice(4)}`, 'items[0][price]': 'price_premium_monthly', proration_behavior: 'always_invoice' });
  let overview = await subscriptionOf(user.token);
  assert.equal(overview.plan.key, 'premium');
  // Stripe's proration invoice: credit for the unused half of pro, charge for half of premium.
  const proration = eventObject('invoice.paid', invoiceObject({
    id: `in_upgrade_${user.subscription}`, customer: user.customer, subscription: user.subscription, billingReason: 'subscription_update', amountPaid: 1500,
    prorations: [
      { price: 'price_pro_monthly', amount: -950, start: t0 + 15 * DAY, end: life.end },
      { price: 'price_premium_monthly', amount: 2450, start: t0 + 15 * DAY, end: life.end },
    ],
  }), now);
  await deliverOk(proration);
  await deliverOk(proration);
  // (3000 - 1000) / 2: the difference for the half period left, not a full allowance.
  assert.equal((await balance(server, user.token)).credits, 2000);

  // Downgrade back to pro: Stripe bills pro from the next period; premium stays until then.
  fake.subscriptions.get(user.subscription).items.data[0].price.id = 'price_premium_monthly';
  const downgraded = await call(server, 'POST', '/api/subscription/upgrade', { token: user.token, body: { priceId: 'price_pro_monthly' } });
  assert.equal(downgraded.status, 200, downgraded.body);
  assert.equal(fake.requestsTo('POST', `/v1/subscriptions/${user.subscription}`).at(-1).form.proration_behavior, 'none');
  overview = await subscriptionOf(user.token);
  assert.equal(overview.plan.key, 'premium');
  assert.equal(overview.subscription.pendingPlan, 'pro');
  // The next period starts: pro.
  await deliverOk(eventObject('customer.subscription.updated', life.sub({ start: life.end, end: life.end + 30 * DAY }), now + 5));
  overview = await subscriptionOf(user.token);
  assert.equal(overview.plan.key, 'pro');
  assert.equal(overview.subscription.pendingPlan, null);
  expectError(assert, await call(server, 'POST', '/api/subscription/upgrade', { token: user.token, body: { priceId: 'price_pro_monthly' } }), 400, 'invalid_field', 'priceId');
});

test('a refund claws back the unspent credits of that invoice; a dispute freezes spending', async () => {
  const user = await checkedOutUser();
  const t0 = Math.floor(Date.now() / 1000) - 60;
  const life = lifecycle(user, t0);
  for (const event of [life.created, life.completed, life.active, life.firstInvoice]) {
    await deliverOk(event);
  }
  // Spend 4 of the 1000 credits.
  const ran = await call(server, 'POST', '/api/v1/tools/nano-banana-pro/runs', { token: user.token, body: { prompt: 'a cat' } });
  assert.equal(ran.status, 201, ran.body);
  assert.equal((await balance(server, user.token)).credits, 996);
  const paymentIntent = `pi_${user.subscription}`;
  fake.invoicePayments.set(paymentIntent, `in_first_${user.subscription}`);
  // Half refunded: 500 of the credits are taken back.
  await deliverOk(eventObject('charge.refunded', chargeObject({ id: `ch_${user.subscription}`, paymentIntent, customer: user.customer, amount: 1900, amountRefunded: 950 }), t0 + 100));
  assert.equal((await balance(server, user.token)).credits, 496);
  // Then the rest: the other 500, but only 496 are left unspent.
  await deliverOk(eventObject('charge.refunded', chargeObject({ id: `ch_${user.subscription}`, paymentIntent, customer: user.customer, amount: 1900, amountRefunded: 1900 }), t0 + 200));
  assert.equal((await balance(server, user.token)).credits, 0);
  const verify = await call(server, 'GET', `/api/v1/admin/accounts/${user.accountId}/entries`, { token: admin });
  assert.deepEqual(verify.json.data.items.slice(0, 2).map((e) => [e.type, e.amount]), [['ADJUST', -496], ['ADJUST', -500]]);

  // A dispute on the payment freezes spending until an operator lifts it.
  await call(server, 'POST', `/api/v1/admin/accounts/${user.accountId}/adjustments`, { token: admin, body: { amount: 50, reason: 'goodwill' } });
  await deliverOk(eventObject('charge.dispute.created', disputeObject({ id: `dp_${user.subscription}`, charge: `ch_${user.subscription}`, paymentIntent, amount: 1900 }), t0 + 300));
  expectError(assert, await call(server, 'POST', '/api/v1/tools/nano-banana/runs', { token: user.token, body: { prompt: 'a dog' } }), 403, 'account_frozen');
  // The entitlements decide as a reservation does: a frozen account may run nothing.
  const apiKey = await createApiKey(server, admin, 'dispute backend');
  const toolsOf = async () => {
    const entitlements = await call(server, 'GET', `/api/v1/entitlements/${user.userId}`, { token: apiKey });
    assert.equal(entitlements.status, 200, entitlements.body);
    return entitlements.json.data.tools.map((tool) => tool.key);
  };
  assert.deepEqual(await toolsOf(), []);
  const account = await call(server, 'GET', `/api/v1/admin/accounts/${user.accountId}`, { token: admin });
  assert.equal(account.json.data.frozen, true);
  assert.match(account.json.data.frozen_reason, /dispute dp_/);
  const lifted = await call(server, 'POST', `/api/v1/admin/accounts/${user.accountId}/unfreeze`, { token: admin });
  assert.equal(lifted.status, 200, lifted.body);
  assert.equal(lifted.json.data.frozen, false);
  assert.ok((await toolsOf()).includes('nano-banana'));
  assert.equal((await call(server, 'POST', '/api/v1/tools/nano-banana/runs', { token: user.token, body: { prompt: 'a dog' } })).status, 201);
});

test('bad signature, a timestamp outside the tolerance either way and missing header are 400 and change nothing', async () => {
  const user = await checkedOutUser();
  const life = lifecycle(user, Math.floor(Date.now() / 1000) - 60);
  const event = life.active;
  expectError(assert, await deliver(event, { secret: 'whsec_someone_else' }), 400, 'invalid_signature');
  expectError(assert, await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 301 }), 400, 'invalid_signature');
  expectError(assert, await deliver(event, { timestamp: Math.floor(Date.now() / 1000) + 301 }), 400, 'invalid_signature');
  const { payload } = signedDelivery(event);
  expectError(assert, await call(server, 'POST', '/webhooks/stripe', { raw: payload, headers: { 'content-type': 'application/json' } }), 400, 'invalid_signature');
  // A tampered body with a genuine header.
  const { header } = signedDelivery(event);
  expectError(assert, await call(server, 'POST', '/webhooks/stripe', { raw: payload.replace('active', 'paused'), headers: { 'content-type': 'application/json', 'stripe-signature': header } }), 400, 'invalid_signature');
  assert.equal((await subscriptionOf(user.token)).subscription, null);
  // The genuine delivery of the same event is then applied: the refusals recorded nothing.
  const applied = await deliverOk(event);
  assert.equal(applied.duplicate, false);
  assert.equal((await subscriptionOf(user.token)).subscription.status, 'active');
  // A genuine body that is not an event.
  const junk = signedDelivery({ hello: 'world' });
  expectError(assert, await call(server, 'POST', '/webhooks/stripe', { raw: junk.payload, headers: { 'content-type': 'application/json', 'stripe-signature': junk.header } }), 400, 'malformed_json');
});

test('a poison event is recorded and acknowledged, not looped; unknown types are ignored', async () => {
  const user = await checkedOutUser();
  const life = lifecycle(user, Math.floor(Date.now() / 1000) - 60);
  const broken = eventObject('customer.subscription.updated', life.sub({ status: 'hibernating' }), life.start + 5);
  const first = await deliverOk(broken);
  assert.equal(first.outcome, 'poison');
  const second = await deliverOk(broken);
  assert.equal(second.duplicate, true);
  const other = await deliverOk(eventObject('product.created', { id: 'prod_x', object: 'product' }, life.start));
  assert.equal(other.outcome, 'ignored');
  // An event about a price creditd does not sell fails (500) so Stripe retries while the
  // operator fixes the configuration; after five attempts it is poison and acknowledged.
  const unknownPrice = eventObject('customer.subscription.updated', life.sub({ price: 'price_not_configured' }), life.start + 6);
  for (let attempt = 1; attempt <= 4; attempt += 1) {
    const failed = await deliver(unknownPrice);
    assert.equal(failed.status, 500, failed.body);
    assert.equal(failed.json.error.reason, 'price_not_found');
  }
  const fifth = await deliverOk(unknownPrice);
  assert.equal(fifth.outcome, 'poison');
});

test('in production without Stripe keys the subscription routes answer 501', async () => {
  const plain = await startServer({ env: {
    CREDITD_ENV: 'production', CREDITD_JWT_SECRET: 'production-secret-of-at-least-32-characters', CREDITD_PAYMENTS_SANDBOX: 'false',
  } });
  try {
    const session = await register(plain, 'no-stripe@example.com');
    for (const [path, body] of [['/api/subscription/checkout', { priceId: 'price_pro_monthly' }], ['/api/subscription/portal', undefined], ['/api/subscription/cancel', undefined], ['/api/subscription/upgrade', { priceId: 'price_pro_monthly' }]]) {
      expectError(assert, await call(plain, 'POST', path, { token: session.access_token, body }), 501, 'payment_method_unavailable');
    }
    const { payload, header } = signedDelivery(eventObject('invoice.paid', { id: 'in_1', object: 'invoice' }, 1));
    expectError(assert, await call(plain, 'POST', '/webhooks/stripe', { raw: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } }), 501, 'payment_method_unavailable');
  } finally {
    await plain.stop();
    removeDataDir(plain.dataDir);
  }
});

test('the portal opens for a customer; a user who never checked out has none', async () => {
  const user = await checkedOutUser();
  const portal = await call(server, 'POST', '/api/subscription/portal', { token: user.token });
  assert.equal(portal.status, 200, portal.body);
  assert.match(portal.json.data.portalUrl, /^https:\/\/billing\.stripe\.com\/p\/session\/bps_test\d+$/);
  const request = fake.requestsTo('POST', '/v1/billing_portal/sessions').at(-1);
  assert.equal(request.form.customer, user.customer);
  assert.match(request.form.return_url, /\/subscription$/);
  const stranger = await register(server, 'stripe-stranger@example.com');
  expectError(assert, await call(server, 'POST', '/api/subscription/portal', { token: stranger.access_token }), 404, 'subscription_not_found');
});

test('reconciliation: a checkout whose events were all lost and a lost renewal converge from Stripe', async () => {
  // A checkout completed at Stripe, but none of its events arrived.
  const lost = await checkedOutUser();
  const now = Math.floor(Date.now() / 1000);
  const life = lifecycle(lost, now - 60);
  fake.subscriptions.set(lost.subscription, life.sub({}));
  fake.invoices.set(lost.subscription, [life.firstInvoice.data.object]);
  // A subscription whose period ended two days ago; its renewal events were lost.
  const stale = await checkedOutUser();
  const old = lifecycle(stale, now - 32 * DAY);
  for (const event of [old.created, old.completed, old.active, old.firstInvoice]) {
    await deliverOk(event);
  }
  assert.equal((await subscriptionOf(stale.token)).subscription.currentPeriodEnd, new Date(old.end * 1000).toISOString().replace('.000', ''));
  const next = { start: old.end, end: old.end + 30 * DAY };
  fake.subscriptions.set(stale.subscription, old.sub({ start: next.start, end: next.end }));
  fake.invoices.set(stale.subscription, [
    invoiceObject({ id: `in_renew_${stale.subscription}`, customer: stale.customer, subscription: stale.subscription, price: 'price_pro_monthly', start: next.start, end: next.end, amountPaid: 1900 }),
    old.firstInvoice.data.object,
  ]);

  expectError(assert, await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: lost.token }), 403, 'forbidden');
  const reconciled = await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin });
  assert.equal(reconciled.status, 200, reconciled.body);
  assert.ok(reconciled.json.data.fetched >= 2, reconciled.body);
  const recovered = await subscriptionOf(lost.token);
  assert.equal(recovered.plan.key, 'pro');
  assert.equal(recovered.subscription.status, 'active');
  assert.equal((await balance(server, lost.token)).credits, 1000);
  const renewed = await subscriptionOf(stale.token);
  assert.equal(renewed.subscription.currentPeriodEnd, new Date(next.end * 1000).toISOString().replace('.000', ''));
  assert.equal((await balance(server, stale.token)).credits, 1000, 'the new period\'s credits; the old period\'s expired');
  // Running it again changes nothing.
  assert.equal((await call(server, 'POST', '/api/v1/admin/billing/reconcile', { token: admin })).status, 200);
  assert.equal((await balance(server, lost.token)).credits, 1000);
  assert.equal((await balance(server, stale.token)).credits, 1000);
  const listed = fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/subscriptions');
  assert.ok(listed.some((r) => r.query.customer === lost.customer && r.query.status === 'all'));
});
