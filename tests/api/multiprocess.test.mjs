// Three creditd processes on one PostgreSQL database: concurrent sign-ups, orders and payment
// callbacks spread across them, one process killed with SIGKILL mid-load, then every ledger
// invariant checked and every acknowledged operation found exactly once. PostgreSQL only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, makeDataDir, removeDataDir, call, register, BIN, BACKEND, dbArgs } from './lib/server.mjs';

const SECRET = 'shared-jwt-secret-for-all-three-processes-0123456789';

test('3 processes, kill -9 of one mid-load: nothing acknowledged is lost or doubled', {
  skip: BACKEND !== 'postgres' && 'runs on PostgreSQL (make test runs it there)',
}, async (t) => {
  // One database for all three: the first data directory names it.
  const dirs = [makeDataDir(), makeDataDir(), makeDataDir()];
  const db = dbArgs(dirs[0]);
  const servers = [];
  try {
    for (const dir of dirs) {
      servers.push(await startServer({ dataDir: dir, env: { CREDITD_JWT_SECRET: SECRET }, db }));
    }
    const alive = new Set([0, 1, 2]);
    const pick = () => servers[[...alive][Math.floor(Math.random() * alive.size)]];

    const users = [];
    for (let i = 0; i < 6; i++) {
      users.push({ ...(await register(servers[i % 3], `mp-${i}@example.com`)), orders: new Set(), paid: new Set() });
    }
    const signedUp = [];
    let stop = false;
    const worker = async (w) => {
      for (let i = 0; !stop; i++) {
        try {
          if (i % 5 === 0) {
            const email = `mp-load-${w}-${i}@example.com`;
            const r = await call(pick(), 'POST', '/api/v1/auth/register', { body: { email, password: 'password123' } });
            if (r.status === 201) signedUp.push(email);
            continue;
          }
          const user = users[(w + i) % users.length];
          const created = await call(pick(), 'POST', '/api/v1/credit/recharge', {
            token: user.access_token, body: { price_id: 1, payment_method: 'sandbox' },
          });
          if (created.status !== 201) continue;
          const orderNo = created.json.data.order_no;
          user.orders.add(orderNo);
          // Two callbacks for the same order on (likely) different processes, concurrently.
          const results = await Promise.allSettled([0, 1].map(() => call(pick(), 'POST', '/api/v1/credit/payment/callback', {
            body: { order_type: 'recharge', order_no: orderNo },
          })));
          if (results.some((r) => r.status === 'fulfilled' && r.value.status === 200)) user.paid.add(orderNo);
        } catch {
          // A request to the killed process: not acknowledged.
        }
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) => worker(w));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    alive.delete(1);
    await servers[1].stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stop = true;
    await Promise.all(workers);

    let orders = 0;
    let payments = 0;
    for (const user of users) {
      const listed = new Map();
      for (let skip = 0; ; skip += 100) {
        const page = await call(servers[0], 'GET', `/api/v1/credit/recharge/orders?skip=${skip}&limit=100`, { token: user.access_token });
        assert.equal(page.status, 200);
        for (const order of page.json.data.items) {
          assert.ok(!listed.has(order.order_no), `order ${order.order_no} listed twice`);
          listed.set(order.order_no, order);
        }
        if (page.json.data.items.length < 100) break;
      }
      for (const orderNo of user.orders) {
        assert.ok(listed.has(orderNo), `acknowledged order ${orderNo} is stored`);
      }
      for (const orderNo of user.paid) {
        assert.equal(listed.get(orderNo).payment_status, 'paid', `acknowledged payment of ${orderNo}`);
      }
      const paidOrders = [...listed.values()].filter((o) => o.payment_status === 'paid');
      const recharges = await call(servers[2], 'GET', '/api/v1/credit/transactions?type=RECHARGE&limit=1', { token: user.access_token });
      assert.equal(recharges.json.data.total, paidOrders.length, 'one RECHARGE entry per paid order, never two');
      const balance = await call(servers[2], 'GET', '/api/v1/credit/balance', { token: user.access_token });
      assert.equal(balance.json.data.credits, 10 * paidOrders.length);
      orders += user.orders.size;
      payments += user.paid.size;
    }
    for (const email of signedUp) {
      const again = await call(servers[0], 'POST', '/api/v1/auth/register', { body: { email, password: 'password123' } });
      assert.equal(again.status, 409, `acknowledged sign-up ${email} is stored once`);
    }
    assert.ok(payments > 10, `only ${payments} payments were acknowledged`);
    const verify = execFileSync(BIN, ['verify', '--data', dirs[0], ...db], {
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
    }).toString();
    assert.match(verify, /every ledger invariant holds/);
    t.diagnostic(`3 processes, one killed with SIGKILL: ${orders} orders, ${payments} payments and ` +
      `${signedUp.length} sign-ups acknowledged; all stored exactly once; ${verify.trim()}`);
  } finally {
    for (const [i, server] of servers.entries()) {
      if (i !== 1) await server.stop();
    }
    dirs.forEach(removeDataDir);
  }
});
