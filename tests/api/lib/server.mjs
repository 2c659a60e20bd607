// Starts the real creditd binary on a free loopback port with a temporary data directory, and
// talks HTTP to it. Every process started here is stopped by its PID.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { registerServer } from './contract.mjs';

export const BIN = process.env.CREDITD_BIN;
if (!BIN) {
  throw new Error('CREDITD_BIN must name the creditd binary (make test-api sets it)');
}

export function makeDataDir() {
  return mkdtempSync(join(tmpdir(), 'creditd-api-'));
}

// The backend under test: sqlite (default) or postgres (CREDITD_TEST_BACKEND=postgres, with
// CREDITD_TEST_POSTGRES_DSN naming a cluster's admin database; make test sets both).
export const BACKEND = process.env.CREDITD_TEST_BACKEND ?? 'sqlite';
const ADMIN_DSN = process.env.CREDITD_TEST_POSTGRES_DSN;
if (BACKEND === 'postgres' && !ADMIN_DSN) {
  throw new Error('CREDITD_TEST_BACKEND=postgres needs CREDITD_TEST_POSTGRES_DSN');
}

// The database options for a data directory: nothing for SQLite (it lives in the directory);
// for PostgreSQL a database named after the directory, created on first use, so a restart with
// the same directory reaches the same data.
export function dbArgs(dataDir) {
  if (BACKEND !== 'postgres') {
    return [];
  }
  const name = `api_${dataDir.slice(dataDir.lastIndexOf('-') + 1).toLowerCase()}`;
  const exists = execFileSync('psql', [ADMIN_DSN, '-tAc', `SELECT 1 FROM pg_database WHERE datname = '${name}'`])
    .toString().trim();
  if (exists !== '1') {
    execFileSync('psql', [ADMIN_DSN, '-qc', `CREATE DATABASE ${name}`]);
  }
  return ['--db', ADMIN_DSN.slice(0, ADMIN_DSN.lastIndexOf('/') + 1) + name];
}

export function removeDataDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

// Runs `creditd serve` with `args` and `env` on a fresh data directory and asserts that it refuses
// to start: exit status 1, `refusal` on stderr, never listening.
export function expectRefusedStart(assert, args, env, refusal) {
  const dataDir = makeDataDir();
  try {
    let failed;
    try {
      execFileSync(BIN, ['serve', '--data', dataDir, ...args], {
        env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', ...env },
        stdio: 'pipe',
        timeout: 30000,
      });
    } catch (error) {
      failed = error;
    }
    assert.equal(failed?.status, 1, `creditd serve ${args.join(' ')} should refuse to start`);
    const stderr = failed.stderr.toString();
    assert.match(stderr, refusal);
    assert.doesNotMatch(stderr, /listening on/);
  } finally {
    removeDataDir(dataDir);
  }
}

// Starts `creditd serve` and resolves once it logs its listening address.
// `db` overrides the database options (several processes sharing one database).
export async function startServer({ dataDir = makeDataDir(), args = [], env = {}, db } = {}) {
  const child = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--data', dataDir, ...(db ?? dbArgs(dataDir)), ...args], {
    // The free plan's monthly credits would change every balance a test expects; the tests of
    // that feature turn it back on. Most suites pay through the sandbox provider, which is off
    // unless asked for; tests of production mode and sandbox-opt-in.test.mjs turn it off.
    env: {
      ...process.env,
      ASAN_OPTIONS: 'detect_leaks=0',
      CREDITD_FREE_PLAN_CREDITS: 'false',
      CREDITD_PAYMENTS_SANDBOX: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  let buffered = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`creditd did not start:\n${logs.join('\n')}`)), 30000);
    const onData = (chunk) => {
      buffered += chunk.toString();
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        logs.push(line);
        const match = line.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`creditd exited with ${code} before listening:\n${logs.join('\n')}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  registerServer(url, exited);
  return {
    url,
    port,
    dataDir,
    logs,
    pid: child.pid,
    exited,
    // Sends `signal` to the server's PID and waits for it to exit.
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, signal);
      }
      return exited;
    },
    jwtSecret() {
      return readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
    },
  };
}

// One HTTP request; resolves to {status, headers, body, json}.
export async function call(server, method, path, { body, token, headers = {}, raw } = {}) {
  const init = { method, headers: { ...headers } };
  if (token) {
    init.headers.authorization = `Bearer ${token}`;
  }
  if (raw !== undefined) {
    init.body = raw;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(server.url + path, init);
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, body: text, json, url: response.url };
}

// With CREDITD_REASON_LOG set (make test-api), every error that expectError saw the server send
// is appended there as "reason status path" (path "-" when the response has no URL);
// tools/check_reasons_served.mjs then checks that every reason of docs/errors.md was sent, with
// its documented status.
const REASON_LOG = process.env.CREDITD_REASON_LOG;
const reasonLogFd = REASON_LOG ? openSync(REASON_LOG, 'a') : undefined;

// Asserts the error envelope and returns it.
export function expectError(assert, response, status, reason, field) {
  assert.equal(response.status, status, `expected ${status} ${reason}, got ${response.status}: ${response.body}`);
  assert.equal(response.json.code, status);
  assert.equal(response.json.data, null);
  assert.equal(response.json.error.reason, reason);
  assert.ok(response.json.error.request_id, 'error carries a request id');
  assert.equal(response.headers.get('x-request-id'), response.json.error.request_id);
  assert.ok(response.json.message.length > 0, 'error has a message');
  if (field !== undefined) {
    assert.equal(response.json.error.field, field);
  }
  noteReason(reason, status, response.url);
  return response.json;
}

// Records a reason asserted as sent by the server at `url` (undefined when unknown).
function noteReason(reason, status, url) {
  if (reasonLogFd !== undefined) {
    writeSync(reasonLogFd, `${reason} ${status} ${url ? new URL(url).pathname : '-'}\n`);
  }
}

// Asserts a raw HTTP answer (rawExchange) is `status` with the error envelope of `reason`.
export function expectRawError(assert, raw, status, reason) {
  assert.match(raw, new RegExp(`^HTTP/1\\.1 ${status} `), raw.slice(0, 200));
  const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
  assert.equal(body.code, status);
  assert.equal(body.error.reason, reason);
  noteReason(reason, status, undefined);
}

// Asserts a server-rendered page (the sandbox's) answered `status` and names `reason`.
export async function expectPageError(assert, response, status, reason) {
  const page = await response.text();
  assert.equal(response.status, status, page);
  assert.match(page, new RegExp(`reason: ${reason}<`));
  noteReason(reason, status, response.url);
  return page;
}

export async function register(server, email, password = 'password123', extra = {}) {
  const response = await call(server, 'POST', '/api/v1/auth/register', {
    body: { email, password, ...extra },
  });
  if (response.status !== 201) {
    throw new Error(`register ${email} failed: ${response.body}`);
  }
  return response.json.data;
}

// Sends raw bytes on a fresh TCP connection and resolves with everything the server wrote
// before closing (or after `waitMs`).
export function rawExchange(server, payload, { waitMs = 5000, keepOpenMs = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, waitMs);
    socket.on('connect', () => {
      if (payload) {
        socket.write(payload);
      }
      if (keepOpenMs > 0) {
        setTimeout(() => socket.end(), keepOpenMs);
      }
    });
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      if (received) {
        resolve(received);
      } else {
        reject(error);
      }
    });
  });
}
