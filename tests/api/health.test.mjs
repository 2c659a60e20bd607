// Probes, the OpenAPI document, and the CLI commands around the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, makeDataDir, removeDataDir, call, BIN, BACKEND, dbArgs, expectRefusedStart } from './lib/server.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
  removeDataDir(server.dataDir);
});

test('healthz and readyz answer in the envelope', async () => {
  const health = await call(server, 'GET', '/healthz');
  assert.equal(health.status, 200);
  assert.deepEqual(Object.keys(health.json), ['code', 'message', 'data']);
  assert.equal(health.json.data.status, 'ok');
  const ready = await call(server, 'GET', '/readyz');
  assert.equal(ready.status, 200);
  assert.equal(ready.json.data.database, BACKEND);
});

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

test('every operation in the OpenAPI document is served by the server', async () => {
  const spec = (await call(server, 'GET', '/api/v1/openapi.json')).json;
  assert.equal(spec.openapi, '3.1.0');
  let operations = 0;
  for (const [path, item] of Object.entries(spec.paths)) {
    // A path item also holds what is not an operation (its shared `parameters`).
    for (const method of Object.keys(item).filter((key) => HTTP_METHODS.includes(key))) {
      const concrete = path.replace(/\{[^}]+\}/g, '1');
      const response = await call(server, method.toUpperCase(), concrete);
      assert.notEqual(response.json?.error?.reason, 'route_not_found', `${method} ${path} is not routed`);
      assert.notEqual(response.json?.error?.reason, 'method_not_allowed', `${method} ${path} is not routed`);
      const documented = Object.keys(item[method].responses);
      assert.ok(documented.includes(String(response.status)),
        `${method} ${path} answered ${response.status}, documented ${documented.join(',')}`);
      operations++;
    }
  }
  assert.ok(operations >= 11);
});

test('creditd migrate, admin create and verify work on a data directory', () => {
  const dataDir = makeDataDir();
  try {
    const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
    const migrate = execFileSync(BIN, ['migrate', '--data', dataDir, ...dbArgs(dataDir)], { env }).toString();
    assert.match(migrate, /is at schema version [1-9][0-9]*\n/);
    const created = execFileSync(BIN, ['admin', 'create', '--data', dataDir, ...dbArgs(dataDir), '--email', 'Ops@Example.com',
      '--password', 'ops-password-1'], { env }).toString();
    assert.match(created, /created admin ops@example.com/);
    const again = execFileSync(BIN, ['admin', 'create', '--data', dataDir, ...dbArgs(dataDir), '--email', 'ops@example.com',
      '--password', 'ops-password-1'], { env }).toString();
    assert.match(again, /promoted existing user to admin/);
    const verify = execFileSync(BIN, ['verify', '--data', dataDir, ...dbArgs(dataDir)], { env }).toString();
    assert.match(verify, /every ledger invariant holds/);
    let failed;
    try {
      execFileSync(BIN, ['admin', 'create', '--data', dataDir, ...dbArgs(dataDir), '--email', 'x@example.com', '--password', 'short'],
        { env, stdio: 'pipe' });
    } catch (error) {
      failed = error;
    }
    assert.equal(failed?.status, 1);
    assert.match(failed.stderr.toString(), /password must be 8 to 128 characters/);
    const help = execFileSync(BIN, ['serve', '--help'], { env }).toString();
    assert.match(help, /--listen/);
    assert.match(help, /CREDITD_LISTEN/);
  } finally {
    removeDataDir(dataDir);
  }
});

test('every flag and variable in the README configuration table exists in creditd serve --help', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Tests'));
  const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
  // Global options are listed by `creditd --help`, serve's own by `creditd serve --help`.
  const help = execFileSync(BIN, ['--help'], { env }).toString() +
    execFileSync(BIN, ['serve', '--help'], { env }).toString();
  const flags = [...table.matchAll(/`(--[a-z-]+)`/g)].map((m) => m[1]);
  const variables = [...table.matchAll(/`(CREDITD_[A-Z_]+)`/g)].map((m) => m[1]);
  assert.ok(flags.length >= 20, `found ${flags.length} flags in the README table`);
  for (const flag of flags) {
    assert.match(help, new RegExp(`${flag}\\b`), `${flag} is documented but not accepted`);
  }
  for (const variable of variables) {
    assert.match(help, new RegExp(`Env:${variable}\\b`), `${variable} is documented but not read`);
  }
});

test('production mode refuses to start without a configured secret', () => {
  expectRefusedStart(assert, ['--listen', '127.0.0.1:0'], { CREDITD_ENV: 'production' },
    /CREDITD_JWT_SECRET: is required when CREDITD_ENV=production/);
});
