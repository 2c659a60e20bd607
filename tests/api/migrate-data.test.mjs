// creditd migrate-data: a SQLite deployment, after the seed-002 flow, copied into an empty
// PostgreSQL database shows identical balances, entries and orders. Needs the test cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, makeDataDir, removeDataDir, call, register, BIN, BACKEND, dbArgs } from './lib/server.mjs';

const ENV = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };

async function snapshot(server, token) {
  const read = async (path) => (await call(server, 'GET', path, { token })).json.data;
  return {
    balance: await read('/api/v1/credit/balance'),
    transactions: await read('/api/v1/credit/transactions?limit=100'),
    recharges: await read('/api/v1/credit/recharge/orders?limit=100'),
    memberships: await read('/api/v1/credit/membership/orders?limit=100'),
    statistics: await read('/api/v1/credit/membership/statistics'),
  };
}

test('migrate-data copies a SQLite deployment into PostgreSQL with identical data', {
  skip: BACKEND !== 'postgres' && 'needs the PostgreSQL test cluster (make test runs it there)',
}, async (t) => {
  const dataDir = makeDataDir();
  try {
    // The source: SQLite in the data directory, after the seed-002 flow for two users.
    let server = await startServer({ dataDir, db: [] });
    const users = [];
    for (const email of ['migrate-a@example.com', 'migrate-b@example.com']) {
      const session = await register(server, email);
      for (const [kind, priceId] of [['recharge', 2], ['recharge', 3], ['membership', 1]]) {
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
    assert.equal(before[0].balance.credits, 110 + 600);
    await server.stop();

    const target = dbArgs(dataDir)[1];
    const output = execFileSync(BIN, ['migrate-data', '--from', `sqlite:${dataDir}/creditd.db`, '--to', target],
      { env: ENV }).toString();
    assert.match(output, /row counts and 2 account balances verified, every ledger invariant holds/);

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
    server = await startServer({ dataDir, db: ['--db', target] });
    const ready = await call(server, 'GET', '/readyz');
    assert.equal(ready.json.data.database, 'postgres');
    for (const [i, user] of users.entries()) {
      const login = await call(server, 'POST', '/api/v1/auth/login', { body: { email: user.email, password: 'password123' } });
      assert.equal(login.status, 200, 'password hashes were copied');
      assert.deepEqual(await snapshot(server, login.json.data.access_token), before[i]);
    }
    // New rows continue after the copied ids.
    const fresh = await register(server, 'after-migration@example.com');
    assert.ok(fresh.user.id > 2);
    await server.stop();
    t.diagnostic(output.trim());
  } finally {
    removeDataDir(dataDir);
  }
});
