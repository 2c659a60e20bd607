// The sandbox payment provider is opt-in and local (issue 14 point 2): without
// --payments-sandbox the simulated callback and the sandbox pages refuse and change nothing, and
// no sandbox method is offered; with it, creditd refuses to listen on a non-loopback address,
// because the simulated callback pays any order by its guessable number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, makeDataDir, removeDataDir, call, expectError, register, expectPageError, expectRefusedStart,
} from './lib/server.mjs';
import { sandboxCallback as callback } from './lib/billing.mjs';

const OFF = { env: { CREDITD_PAYMENTS_SANDBOX: 'false' } };

test('without --payments-sandbox the simulated payment refuses and changes nothing', async () => {
  // An order made while the sandbox was on, then the server restarted without it.
  const dataDir = makeDataDir();
  let server = await startServer({ dataDir });
  let token;
  let orderNo;
  let subscriptionUrl;
  try {
    ({ access_token: token } = await register(server, 'sandbox-off@example.com'));
    const created = await call(server, 'POST', '/api/v1/credit/recharge', {
      token, body: { price_id: 2, payment_method: 'sandbox' },
    });
    assert.equal(created.status, 201, created.body);
    orderNo = created.json.data.order_no;
    const checkout = await call(server, 'POST', '/api/subscription/checkout', {
      token, body: { priceId: 'sandbox_pro_monthly' },
    });
    assert.equal(checkout.status, 200, checkout.body);
    subscriptionUrl = new URL(checkout.json.data.checkoutUrl).pathname;
  } finally {
    await server.stop();
  }

  server = await startServer({ dataDir, ...OFF });
  try {
    assert.match(server.logs.join('\n'), /listening on/);
    assert.doesNotMatch(server.logs.join('\n'), /payments sandbox on/);
    const methods = await call(server, 'GET', '/api/v1/credit/payment-methods');
    assert.equal(methods.status, 200);
    assert.deepEqual(methods.json.data.methods, [], 'no provider is configured, so none is offered');
    for (const method of ['sandbox', 'alipay', 'wechat']) {
      expectError(assert, await call(server, 'POST', '/api/v1/credit/recharge', {
        token, body: { price_id: 2, payment_method: method },
      }), 501, 'payment_method_unavailable');
    }
    const plans = await call(server, 'GET', '/api/subscription/plans');
    assert.ok(plans.json.data.plans.every((p) => p.priceIds.monthly === null && p.priceIds.yearly === null),
      'no sandbox subscription prices are offered');

    const refused = expectError(assert, await callback(server, 'recharge', orderNo), 403, 'sandbox_disabled');
    assert.match(refused.message, /--payments-sandbox/);
    expectError(assert, await callback(server, 'recharge', 'R20990101001'), 403, 'sandbox_disabled');
    for (const [method, path] of [
      ['GET', `/sandbox/checkout/${orderNo}`],
      ['POST', `/sandbox/checkout/${orderNo}/pay`],
      ['POST', `/sandbox/checkout/${orderNo}/cancel`],
      ['GET', subscriptionUrl],
      ['POST', `${subscriptionUrl}/pay`],
    ]) {
      await expectPageError(assert, await fetch(server.url + path, { method }), 403, 'sandbox_disabled');
    }

    // Nothing changed: the order is still pending, no credits, no subscription.
    const order = await call(server, 'GET', `/api/v1/credit/orders/${orderNo}`, { token });
    assert.equal(order.json.data.payment_status, 'pending');
    assert.equal((await call(server, 'GET', '/api/v1/credit/balance', { token })).json.data.credits, 0);
    const subscription = await call(server, 'GET', '/api/subscription', { token });
    assert.equal(subscription.json.data.plan.key, 'free');
  } finally {
    await server.stop();
    removeDataDir(dataDir);
  }
});

test('with --payments-sandbox creditd refuses a non-loopback address and production mode', () => {
  const notLoopback = /--payments-sandbox: needs a loopback --listen address/;
  expectRefusedStart(assert, ['--listen', '0.0.0.0:0', '--payments-sandbox'], {}, notLoopback);
  expectRefusedStart(assert, ['--listen', '[::]:0'], { CREDITD_PAYMENTS_SANDBOX: 'true' }, notLoopback);
  expectRefusedStart(assert, ['--listen', '127.0.0.1:0', '--payments-sandbox'],
    { CREDITD_ENV: 'production', CREDITD_JWT_SECRET: 'p'.repeat(48) },
    /--payments-sandbox: is refused when CREDITD_ENV=production/);
});

test('the sandbox page cancels only a pending order; a paid one stays paid', async () => {
  const server = await startServer();
  try {
    assert.match(server.logs.join('\n'), /payments sandbox on/);
    const { access_token: token } = await register(server, 'sandbox-cancel-paid@example.com');
    const created = await call(server, 'POST', '/api/v1/credit/recharge', {
      token, body: { price_id: 2, payment_method: 'sandbox' },
    });
    const orderNo = created.json.data.order_no;
    assert.equal((await callback(server, 'recharge', orderNo)).status, 200);
    const cancel = await fetch(`${server.url}/sandbox/checkout/${orderNo}/cancel`, { method: 'POST' });
    const page = await expectPageError(assert, cancel, 409, 'order_not_cancellable');
    assert.match(page, /Order not cancelled/);
    assert.doesNotMatch(page, /Order cancelled/);
    const order = await call(server, 'GET', `/api/v1/credit/orders/${orderNo}`, { token });
    assert.equal(order.json.data.payment_status, 'paid');
    assert.equal((await call(server, 'GET', '/api/v1/credit/balance', { token })).json.data.credits, 110);
  } finally {
    await server.stop();
    removeDataDir(server.dataDir);
  }
});
