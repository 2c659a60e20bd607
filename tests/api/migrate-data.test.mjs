// creditd migrate-data: a SQLite deployment, after the seed-002 flow, copied into an empty
// PostgreSQL database shows identical balances, entries and orders. Needs the test cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, makeDataDir, removeDataDir, call, register, BIN, BACKEND, dbArgs } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, createApiKey } from './lib/billing.mjs';

const ENV = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };

async function snapshot(server, token) {
  const read = async (path) => (await call(server, 'GET', path, { token })).json.data;
  return {
    balance: await read('/api/v1/credit/balance'),
    transactions: await read('/api/v1/credit/transactions?limit=100'),
    recharges: await read('/api/v1/credit/recharge/orders?limit=100'),
    memberships: await read('/api/v1/credit/membership/orders?limit=100'),
    statistics: await read('/api/v1/credit/membership/statistics'),
    runs: await read('/api/v1/tools/runs?limit=100'),
  };
}

test('migrate-data copies a SQLite deployment into PostgreSQL with identical data', {
  skip: BACKEND !== 'postgres' && 'needs the PostgreSQL test cluster (make test runs it there)',
}, async (t) => {
  const dataDir = makeDataDir();
  let server;
  try {
    // The source: SQLite in the data directory, after the seed-002 flow for two users.
    server = await startServer({ dataDir, db: [], env: ADMIN_ENV });
    const apiKey = await createApiKey(server, await adminToken(server));
    const holds = [];
    const users = [];
    for (const email of ['migrate-a@example.com', 'migrate-b@example.com']) {
      const session = await register(server, email);
      for (const [kind, priceId] of [['recharge', 2], ['recharge', 3], ['membership', 1]]) {
        if (kind === 'membership') {
          // A captured tool run (charges, allocations, runs) and a hold left pending.
          const ran = await call(server, 'POST', '/api/v1/tools/nano-banana/runs', {
            token: session.access_token, body: { prompt: 'before the move' },
          });
          assert.equal(ran.status, 201, ran.body);
          const held = await call(server, 'POST', '/api/v1/charges', {
            token: apiKey, body: { user_id: session.user.id, tool: 'sora-image', hold_seconds: 3600 },
          });
          assert.equal(held.status, 201, held.body);
          holds.push(held.json.data.charge_id);
        }
        const order = await call(server, 'POST', `/api/v1/credit/${kind}`, {
          token: session.access_token, body: { price_id: priceId, payment_method: 'sandbox' },
        });
        await call(server, 'POST', '/api/v1/credit/payment/callback', {
          body: { order_type: kind, order_no: order.json.data.order_no },
        });
      }
      await call(server, 'POST', '/api/v1/credit/recharge', {  // One left pending.
        token: session.access_token, body: { price_id: 1, payment_method: 'alipay' },
      });
      users.push({ email, token: session.access_token });
    }
    const before = [];
    for (const user of users) before.push(await snapshot(server, user.token));
    assert.equal(before[0].balance.credits, 110 + 600 - 2 - 6);
    await server.stop();

    const target = dbArgs(dataDir)[1];
    const output = execFileSync(BIN, ['migrate-data', '--from', `sqlite:${dataDir}/creditd.db`, '--to', target],
      { env: ENV }).toString();
    // Two customers and the admin.
    assert.match(output, /row counts and 3 account balances verified, every ledger invariant holds/);

    // A second copy into the now non-empty database is refused.
    let refused;
    try {
      execFileSync(BIN, ['migrate-data', '--from', `sqlite:${dataDir}/creditd.db`, '--to', target],
        { env: ENV, stdio: 'pipe' });
    } catch (error) {
      refused = error;
    }
    assert.equal(refused?.status, 1);
    assert.match(refused.stderr.toString(), /not empty/);

    // The same users on PostgreSQL (same data directory, so the same JWT key) see the same data.
    server = await startServer({ dataDir, db: ['--db', target], env: ADMIN_ENV });
    const ready = await call(server, 'GET', '/readyz');
    assert.equal(ready.json.data.database, 'postgres');
    for (const [i, user] of users.entries()) {
      const login = await call(server, 'POST', '/api/v1/auth/login', { body: { email: user.email, password: 'password123' } });
      assert.equal(login.status, 200, 'password hashes were copied');
      assert.deepEqual(await snapshot(server, login.json.data.access_token), before[i]);
    }
    // The API key and the pending holds came along: the holds can be captured on PostgreSQL.
    for (const id of holds) {
      const captured = await call(server, 'POST', `/api/v1/charges/${id}/capture`, { token: apiKey, body: {} });
      assert.equal(captured.status, 200, captured.body);
      assert.equal(captured.json.data.captured, 6);
    }
    // New rows continue after the copied ids.
    const fresh = await register(server, 'after-migration@example.com');
    assert.ok(fresh.user.id > 2);
    await server.stop();
    t.diagnostic(output.trim());
  } finally {
    await server?.stop();  // A failed assertion must not leave the server running.
    removeDataDir(dataDir);
  }
});
