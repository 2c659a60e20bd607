// Subscriptions without Stripe keys (issue 6 point 7): in development the sandbox provider plays
// Stripe's part, so the whole lifecycle runs offline: a local checkout page, the period's
// credits, cancel at period end, renewals and lapses by the scheduler. Periods are shortened to
// a few seconds here (CREDITD_SANDBOX_SUBSCRIPTION_PERIOD_SECONDS); `make run` uses calendar
// months.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, removeDataDir, call, expectError, register } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, me, balance } from './lib/billing.mjs';

const PERIOD_SECONDS = 4;
let server;
let admin;
before(async () => {
  server = await startServer({ env: { ...ADMIN_ENV, CREDITD_SANDBOX_SUBSCRIPTION_PERIOD_SECONDS: String(PERIOD_SECONDS) } });
  admin = await adminToken(server);
});
after(async () => {
  await server.stop();
  removeDataDir(server.dataDir);
});

async function overview(token) {
  const response = await call(server, 'GET', '/api/subscription', { token });
  assert.equal(response.status, 200, response.body);
  return response.json.data;
}

// Checks out `priceId` and pays on the sandbox page, as a user's browser would.
async function subscribe(token, priceId) {
  const checkout = await call(server, 'POST', '/api/subscription/checkout', { token, body: { priceId } });
  assert.equal(checkout.status, 200, checkout.body);
  const url = new URL(checkout.json.data.checkoutUrl);
  assert.match(url.pathname, /^\/sandbox\/subscription\/sbx_sub_\d+$/);
  const page = await call(server, 'GET', url.pathname);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.match(page.body, /Subscribe<\/button>/);
  const paid = await call(server, 'POST', `${url.pathname}/pay`);
  assert.equal(paid.status, 200, paid.body);
  assert.match(paid.body, /active/);
  // Paying again changes nothing.
  assert.equal((await call(server, 'POST', `${url.pathname}/pay`)).status, 200);
  return url.pathname;
}

async function waitFor(check, what) {
  const deadline = Date.now() + (PERIOD_SECONDS + 8) * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await sleep(250);
  }
}

test('the sandbox offers every paid plan and subscribes to pro with the period\'s credits', async () => {
  const session = await register(server, 'sandbox-sub@example.com');
  const before = await overview(session.access_token);
  assert.equal(before.plan.key, 'free');
  assert.ok(before.prices.some((p) => p.priceId === 'sandbox_pro_monthly' && p.plan === 'pro' && p.interval === 'month'));
  assert.ok(!before.prices.some((p) => p.plan === 'free'), 'the free plan is not sold');
  await subscribe(session.access_token, 'sandbox_pro_monthly');
  const after = await overview(session.access_token);
  assert.equal(after.plan.key, 'pro');
  assert.equal(after.subscription.status, 'active');
  assert.equal(after.subscription.provider, 'sandbox');
  assert.equal(after.subscription.interval, 'month');
  assert.equal((await balance(server, session.access_token)).credits, 1000);
  expectError(assert, await call(server, 'POST', '/api/subscription/checkout', { token: session.access_token, body: { priceId: 'sandbox_premium_monthly' } }), 409, 'subscription_exists');
  expectError(assert, await call(server, 'POST', '/api/subscription/checkout', { token: session.access_token, body: { priceId: 'price_pro_monthly' } }), 404, 'price_not_found', 'priceId');
  const portal = await call(server, 'POST', '/api/subscription/portal', { token: session.access_token });
  assert.equal(portal.status, 200, portal.body);
  assert.match(portal.json.data.portalUrl, /\/sandbox\/subscription\/sbx_sub_\d+$/);
});

test('cancel at period end keeps pro until the period ends, then the plan lapses to free', async () => {
  const session = await register(server, 'sandbox-cancel@example.com');
  await subscribe(session.access_token, 'sandbox_pro_monthly');
  const cancelled = await call(server, 'POST', '/api/subscription/cancel', { token: session.access_token });
  assert.equal(cancelled.status, 200, cancelled.body);
  const during = await overview(session.access_token);
  assert.equal(during.plan.key, 'pro');
  assert.equal(during.subscription.cancelAtPeriodEnd, true);
  const lapsed = await waitFor(async () => {
    const now = await overview(session.access_token);
    return now.subscription.status === 'canceled' ? now : null;
  }, 'the subscription to lapse');
  assert.equal(lapsed.plan.key, 'free');
  // The period's credits expired with it.
  assert.equal((await balance(server, session.access_token)).credits, 0);
  expectError(assert, await call(server, 'POST', '/api/subscription/cancel', { token: session.access_token }), 404, 'subscription_not_found');
});

test('renewal starts the next period with its credits; a downgrade applies at the renewal', async () => {
  const session = await register(server, 'sandbox-renew@example.com');
  const profile = await me(server, session.access_token);
  await subscribe(session.access_token, 'sandbox_premium_monthly');
  const first = await overview(session.access_token);
  assert.equal(first.plan.key, 'premium');
  assert.equal((await balance(server, session.access_token)).credits, 3000);
  const downgraded = await call(server, 'POST', '/api/subscription/upgrade', { token: session.access_token, body: { priceId: 'sandbox_pro_monthly' } });
  assert.equal(downgraded.status, 200, downgraded.body);
  const pending = await overview(session.access_token);
  assert.equal(pending.plan.key, 'premium');
  assert.equal(pending.subscription.pendingPlan, 'pro');
  const renewed = await waitFor(async () => {
    const now = await overview(session.access_token);
    return now.subscription.currentPeriodStart !== first.subscription.currentPeriodStart ? now : null;
  }, 'the renewal');
  assert.equal(renewed.plan.key, 'pro');
  assert.equal(renewed.subscription.status, 'active');
  assert.equal(renewed.subscription.pendingPlan, null);
  assert.equal(renewed.subscription.currentPeriodStart, first.subscription.currentPeriodEnd);
  const entries = await call(server, 'GET', `/api/v1/admin/accounts/${profile.account_id}/entries?type=GRANT`, { token: admin });
  const grants = entries.json.data.items.map((e) => e.amount).reverse();
  assert.deepEqual(grants.slice(0, 2), [3000, 1000], 'premium\'s credits, then pro\'s');
});

test('the free plan\'s monthly credits are granted on the account\'s anniversary, once per month', async () => {
  const free = await startServer({ env: { ...ADMIN_ENV, CREDITD_FREE_PLAN_CREDITS: 'true', CREDITD_SANDBOX_SUBSCRIPTION_PERIOD_SECONDS: String(PERIOD_SECONDS) } });
  try {
    const token = await adminToken(free);
    const session = await register(free, 'free-credits@example.com');
    const profile = await me(free, session.access_token);
    // The first month's credits arrive within a run of the job (every 5 s).
    const deadline = Date.now() + 15000;
    while ((await balance(free, session.access_token)).credits === 0) {
      assert.ok(Date.now() < deadline, 'free credits never arrived');
      await sleep(250);
    }
    assert.equal((await balance(free, session.access_token)).credits, 50);
    const entries = await call(free, 'GET', `/api/v1/admin/accounts/${profile.account_id}/entries`, { token });
    assert.equal(entries.json.data.items.length, 1, 'granted once');
    const grant = entries.json.data.items[0];
    assert.equal(grant.type, 'GRANT');
    assert.match(grant.description, /Free plan credits for the month to \d{4}-\d{2}-\d{2}T/);
    // A restart runs the job again at once: nothing is granted twice.
    await free.stop();
    const again = await startServer({ dataDir: free.dataDir, env: { ...ADMIN_ENV, CREDITD_FREE_PLAN_CREDITS: 'true' } });
    try {
      await sleep(6000);
      const after = await call(again, 'GET', `/api/v1/admin/accounts/${profile.account_id}/entries`, { token: await adminToken(again) });
      assert.equal(after.json.data.items.length, 1);
    } finally {
      await again.stop();
    }
  } finally {
    await free.stop();
    removeDataDir(free.dataDir);
  }
});
