// Durability: restarts keep everything, kill -9 mid-load loses nothing acknowledged, SIGTERM lets
// in-flight requests finish, and the ledger invariants hold afterwards (creditd verify).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, makeDataDir, removeDataDir, call, register, BIN, BACKEND, dbArgs } from './lib/server.mjs';

const ADMIN_ENV = { CREDITD_ADMIN_EMAIL: 'root@example.com', CREDITD_ADMIN_PASSWORD: 'admin-password-1' };

async function adminToken(server) {
  const login = await call(server, 'POST', '/api/v1/auth/login', {
    body: { email: 'root@example.com', password: 'admin-password-1' },
  });
  assert.equal(login.status, 200, login.body);
  return login.json.data.access_token;
}

function verify(dataDir) {
  return execFileSync(BIN, ['verify', '--data', dataDir, ...dbArgs(dataDir)], {
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
  }).toString();
}

test('kill -9 in the middle of writes loses nothing that was acknowledged', async (t) => {
  const dataDir = makeDataDir();
  let server;
  try {
    server = await startServer({ dataDir, env: ADMIN_ENV });
    const token = await adminToken(server);
    const owner = await register(server, 'owner@example.com');
    const accountId = (await call(server, 'GET', '/api/v1/auth/me', { token: owner.access_token })).json.data.account_id;

    const acknowledgedUsers = [];
    const acknowledgedEntries = [];
    let stop = false;
    const writer = async (worker) => {
      for (let i = 0; !stop; i++) {
        try {
          if (i % 4 === 0) {
            const email = `load-${worker}-${i}@example.com`;
            const response = await call(server, 'POST', '/api/v1/auth/register', { body: { email, password: 'password123' } });
            if (response.status === 201) acknowledgedUsers.push(email);
          } else {
            const response = await call(server, 'POST', `/api/v1/admin/accounts/${accountId}/adjustments`, {
              token, body: { amount: 1 + (i % 5), reason: `load ${worker}/${i}` },
            });
            if (response.status === 201) acknowledgedEntries.push(response.json.data.entry);
          }
        } catch {
          // The connection died with the server: that write was not acknowledged.
        }
      }
    };
    const writers = Array.from({ length: 6 }, (_, worker) => writer(worker));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const { signal } = await server.stop('SIGKILL');
    stop = true;
    await Promise.all(writers);
    assert.equal(signal, 'SIGKILL');
    assert.ok(acknowledgedEntries.length > 20, `only ${acknowledgedEntries.length} writes were acknowledged`);

    server = await startServer({ dataDir, env: ADMIN_ENV });
    const token2 = await adminToken(server);
    const stored = new Map();
    for (let skip = 0; ; skip += 100) {
      const page = await call(server, 'GET', `/api/v1/admin/accounts/${accountId}/entries?skip=${skip}&limit=100`, { token: token2 });
      for (const entry of page.json.data.items) stored.set(entry.id, entry);
      if (page.json.data.items.length < 100) break;
    }
    for (const entry of acknowledgedEntries) {
      assert.deepEqual(stored.get(entry.id), entry, `acknowledged entry ${entry.id} is stored unchanged`);
    }
    for (const email of acknowledgedUsers) {
      // Registering again is refused only if the first registration is stored.
      const again = await call(server, 'POST', '/api/v1/auth/register', { body: { email, password: 'password123' } });
      assert.equal(again.status, 409, `acknowledged user ${email} survived`);
      assert.equal(again.json.error.reason, 'email_taken');
    }
    await server.stop();
    assert.match(verify(dataDir), /every ledger invariant holds/);
    t.diagnostic(`${acknowledgedEntries.length} adjustments and ${acknowledgedUsers.length} sign-ups ` +
      'were acknowledged before kill -9; every one is stored after the restart');
  } catch (error) {
    // What the restarted server logged is what explains a failure here.
    t.diagnostic(`server log:\n${server?.logs.join('\n') ?? ''}`);
    throw error;
  } finally {
    await server?.stop();
    removeDataDir(dataDir);
  }
});

test('a restart keeps every user and ledger entry', async () => {
  const dataDir = makeDataDir();
  try {
    let server = await startServer({ dataDir, env: ADMIN_ENV });
    let token = await adminToken(server);
    const user = await register(server, 'keeper@example.com');
    const accountId = (await call(server, 'GET', '/api/v1/auth/me', { token: user.access_token })).json.data.account_id;
    for (const amount of [10, 20, -5]) {
      const response = await call(server, 'POST', `/api/v1/admin/accounts/${accountId}/adjustments`, {
        token, body: { amount, reason: 'restart test' },
      });
      assert.equal(response.status, 201);
    }
    const before = await call(server, 'GET', `/api/v1/admin/accounts/${accountId}/entries`, { token });
    const { code } = await server.stop('SIGTERM');
    assert.equal(code, 0);
    assert.ok(server.logs.some((line) => line.includes('creditd stopped cleanly')));

    server = await startServer({ dataDir, env: ADMIN_ENV });
    token = await adminToken(server);
    const after = await call(server, 'GET', `/api/v1/admin/accounts/${accountId}/entries`, { token });
    assert.deepEqual(after.json.data, before.json.data);
    const login = await call(server, 'POST', '/api/v1/auth/login', { body: { email: 'keeper@example.com', password: 'password123' } });
    assert.equal(login.status, 200);
    // The refresh token issued before the restart still works.
    const refreshed = await call(server, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: user.refresh_token } });
    assert.equal(refreshed.status, 200);
    await server.stop();
  } finally {
    removeDataDir(dataDir);
  }
});

test('SIGTERM lets in-flight requests finish and then exits cleanly', async () => {
  const server = await startServer();
  try {
    // Registrations take tens of milliseconds (argon2id), so some are in flight at SIGTERM.
    const requests = Array.from({ length: 8 }, (_, i) =>
      call(server, 'POST', '/api/v1/auth/register', { body: { email: `drain${i}@example.com`, password: 'password123' } })
        .then((r) => r.status, () => 'refused'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const stopped = server.stop('SIGTERM');
    const statuses = await Promise.all(requests);
    const { code } = await stopped;
    assert.equal(code, 0);
    // Every request the server took got a complete answer; none was cut off with a 5xx.
    assert.ok(statuses.every((s) => s === 201 || s === 'refused'), `statuses: ${statuses}`);
    assert.ok(statuses.filter((s) => s === 201).length >= 1, `statuses: ${statuses}`);
    assert.ok(server.logs.some((line) => line.includes('shutting down gracefully')));
  } finally {
    removeDataDir(server.dataDir);
  }
});

test('creditd backup copies a live SQLite database into a consistent file', {
  skip: BACKEND !== 'sqlite' && 'SQLite only (PostgreSQL is backed up with pg_dump)',
}, async () => {
  const dataDir = makeDataDir();
  try {
    const server = await startServer({ dataDir, env: ADMIN_ENV });
    const token = await adminToken(server);
    const user = await register(server, 'backup@example.com');
    const accountId = (await call(server, 'GET', '/api/v1/auth/me', { token: user.access_token })).json.data.account_id;
    for (let i = 1; i <= 5; i++) {
      await call(server, 'POST', `/api/v1/admin/accounts/${accountId}/adjustments`, { token, body: { amount: i, reason: 'backup' } });
    }
    const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
    const copy = `${dataDir}/copy.db`;
    const output = execFileSync(BIN, ['backup', '--data', dataDir, '--to', copy], { env }).toString();
    assert.match(output, /backup of .* written to/);
    await server.stop();
    const verified = execFileSync(BIN, ['verify', '--data', dataDir, '--db', `sqlite:${copy}`], { env }).toString();
    assert.match(verified, /2 accounts checked, every ledger invariant holds/);
    // The copy serves the same data.
    const restored = await startServer({ dataDir, env: ADMIN_ENV, db: ['--db', `sqlite:${copy}`] });
    const entries = await call(restored, 'GET', `/api/v1/admin/accounts/${accountId}/entries`, { token: await adminToken(restored) });
    assert.equal(entries.json.data.total, 5);
    await restored.stop();
  } finally {
    removeDataDir(dataDir);
  }
});

test('one creditd serves a SQLite file at a time; the lock ends with the process, kill -9 included', {
  skip: BACKEND !== 'sqlite' && 'SQLite only (several processes share a PostgreSQL database)',
}, async () => {
  const dataDir = makeDataDir();
  const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
  const secondServe = () => {
    try {
      execFileSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--data', dataDir], { env, stdio: 'pipe', timeout: 30000 });
      return { status: 0, stderr: '' };
    } catch (error) {
      return { status: error.status, stderr: error.stderr.toString() };
    }
  };
  try {
    let server = await startServer({ dataDir, env: ADMIN_ENV });
    const token = await adminToken(server);
    const user = await register(server, 'lock@example.com');
    const accountId = (await call(server, 'GET', '/api/v1/auth/me', { token: user.access_token })).json.data.account_id;
    await call(server, 'POST', `/api/v1/admin/accounts/${accountId}/adjustments`, { token, body: { amount: 7, reason: 'lock' } });
    // A second process would write balances the first one keeps in memory: refused before it
    // touches the file.
    const refused = secondServe();
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /another creditd is serving .*creditd\.db/);
    assert.doesNotMatch(refused.stderr, /listening on/);
    // The command-line tools still work beside the server.
    assert.match(verify(dataDir), /every ledger invariant holds/);
    const before = await call(server, 'GET', '/api/v1/credit/balance', { token: user.access_token });
    assert.equal(before.json.data.credits, 7);

    await server.stop('SIGKILL');
    server = await startServer({ dataDir, env: ADMIN_ENV });
    const after = await call(server, 'GET', '/api/v1/credit/balance', { token: user.access_token });
    assert.equal(after.json.data.credits, 7);
    await server.stop();
  } finally {
    removeDataDir(dataDir);
  }
});
