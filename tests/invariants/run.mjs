#!/usr/bin/env node
// The invariant suite (issue 5 point 8): many concurrent clients do random reserves, partial
// captures, releases, holds left to expire, one-step charges, refunds, paid recharges and
// idempotent replays while the server is kill -9'ed at random moments and restarted. At the end:
//   - `creditd verify` checks the ledger invariants of DESIGN.md section 4 for every account,
//     straight from the database;
//   - every acknowledged operation is present exactly once and every unacknowledged one at most
//     once (charges carry their operation id in metadata; captures, refunds and recharges are
//     matched to their ledger entries);
//   - a replay of an acknowledged request answered the same body;
//   - no hold is left pending past its expiry.
// Kills come at a steady rate, one every --crash-every seconds or so whatever the run's length,
// and the checks read the database row by row, so a long run is as thorough as a short one.
// A long run prints a progress line every 30 s; at the end the suite prints one summary line:
// operations acknowledged, crashes, violations; exits 1 on any violation.
//
//   node tests/invariants/run.mjs [--seconds 20] [--crash-every 2] [--clients 8] [--min-crashes N]
//   CREDITD_BIN=build/debug/creditd CREDITD_TEST_BACKEND=sqlite|postgres (as tests/api)
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startServer, makeDataDir, removeDataDir, BIN, BACKEND, dbArgs } from '../api/lib/server.mjs';

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    'crash-every': { type: 'string', default: '2' },
    clients: { type: 'string', default: '8' },
    accounts: { type: 'string', default: '6' },
    'min-crashes': { type: 'string' },
    seed: { type: 'string', default: String(Date.now() % 1000000) },
  },
});
// Every option is a positive number (--min-crashes and --seed may be 0); anything else stops the
// run at once, before a NaN could quietly disable a check.
function numberOption(name, { integer = true, min = 1 } = {}) {
  const text = options[name];
  const value = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(value) || value < min ||
    (integer && !Number.isInteger(value))) {
    console.error(`run.mjs: --${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, not "${text}"`);
    process.exit(2);
  }
  return value;
}
const SECONDS = numberOption('seconds');
const CRASH_EVERY = numberOption('crash-every', { integer: false, min: 0.5 });
const CLIENTS = numberOption('clients');
const ACCOUNTS = numberOption('accounts');
numberOption('seed', { min: 0 });
// By default half the kills the rate promises (5 in 20 s, 225 in 900 s): a restart slower than
// a whole interval, or a killer that stalls, fails the run.
const MIN_CRASHES = options['min-crashes'] === undefined
  ? Math.floor(SECONDS / (2 * CRASH_EVERY))
  : numberOption('min-crashes', { min: 0 });
const ENV = { CREDITD_ADMIN_EMAIL: 'root@example.com', CREDITD_ADMIN_PASSWORD: 'admin-password-1' };

// A small deterministic PRNG (mulberry32) so a failing seed can be replayed.
let state = Number(options.seed) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (items) => items[Math.floor(random() * items.length)];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const dataDir = makeDataDir();
// The database options, looked up once (on PostgreSQL each lookup asks the cluster).
const DB = dbArgs(dataDir);
let server;
let restarting = null;
let crashes = 0;
let stopping = false;

async function start() {
  server = await startServer({ dataDir, env: ENV, db: DB });
}

// One HTTP call to whichever server is up. Resolves to {status, json, body} or {status: 0} when
// the server was unreachable or died mid-request (the operation is then unacknowledged).
async function send(method, path, { body, token, key } = {}) {
  if (restarting) {
    await restarting;
  }
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (key) headers['idempotency-key'] = key;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(server.url + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10000),
    });
    const text = await response.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: response.status, json, body: text };
  } catch {
    return { status: 0 };
  }
}

const violations = [];
const violation = (text) => {
  violations.push(text);
  if (violations.length <= 20) console.error(`violation: ${text}`);
};

// What the clients did, for the final checks.
const operations = [];  // {kind, key, acked, charge_id?, amount?, order_no?, body?}
// The reserves and charges among them, which replays pick from: kept apart so a replay step
// costs the same at the end of a long run as at its start.
const creations = [];
let acknowledged = 0;
let replays = 0;
const record = (operation) => {
  operations.push(operation);
  if (operation.kind === 'reserve' || operation.kind === 'charge') creations.push(operation);
  if (operation.acked) acknowledged += 1;
  return operation;
};

let apiKey;
const users = [];  // {userId, token}

async function setUp() {
  await start();
  const login = await send('POST', '/api/v1/auth/login', {
    body: { email: ENV.CREDITD_ADMIN_EMAIL, password: ENV.CREDITD_ADMIN_PASSWORD },
  });
  const admin = login.json.data.access_token;
  apiKey = (await send('POST', '/api/v1/admin/api-keys', { token: admin, body: { name: 'invariants' } })).json.data.key;
  for (let i = 0; i < ACCOUNTS; i += 1) {
    const session = (await send('POST', '/api/v1/auth/register', {
      body: { email: `inv-${i}@example.com`, password: 'password123' },
    })).json.data;
    users.push({ userId: session.user.id, token: session.access_token });
    await recharge(users[i]);
  }
}

// A paid recharge: create the order, then confirm it through the sandbox callback.
async function recharge(user) {
  const key = randomUUID();
  const order = await send('POST', '/api/v1/credit/recharge', {
    token: user.token, key, body: { price_id: pick([1, 2, 3]), payment_method: 'sandbox' },
  });
  if (order.status !== 201 && order.status !== 200) {
    record({ kind: 'recharge-order', key, acked: false });
    return;
  }
  const paid = await send('POST', '/api/v1/credit/payment/callback', {
    body: { order_type: 'recharge', order_no: order.json.data.order_no },
  });
  record({ kind: 'recharge', key, acked: paid.status === 200, order_no: order.json.data.order_no });
}

const pending = [];  // Charges reserved by clients and not yet resolved: {charge_id, reserved}.
const captured = [];  // {charge_id, captured}

async function clientStep() {
  const user = pick(users);
  const roll = random();
  if (roll < 0.25) {
    // Reserve: sometimes with a short hold that is left to expire.
    const key = randomUUID();
    const shortHold = random() < 0.2;
    const request = { user_id: user.userId, tool: 'llm-chat', units: 1 + Math.floor(random() * 5),
      hold_seconds: shortHold ? 1 + Math.floor(random() * 2) : 600, metadata: { op: key } };
    const response = await send('POST', '/api/v1/charges', { token: apiKey, key, body: request });
    const op = record({ kind: 'reserve', key, acked: response.status === 201, body: response.body, request });
    if (op.acked) {
      op.charge_id = response.json.data.charge_id;
      if (!shortHold) pending.push({ charge_id: op.charge_id, reserved: response.json.data.reserved });
    }
  } else if (roll < 0.45) {
    const key = randomUUID();
    const request = { user_id: user.userId, tool: pick(['llm-chat', 'nano-banana']), capture: true, metadata: { op: key } };
    const response = await send('POST', '/api/v1/charges', { token: apiKey, key, body: request });
    const op = record({ kind: 'charge', key, acked: response.status === 201, body: response.body, request });
    if (op.acked) {
      op.charge_id = response.json.data.charge_id;
      captured.push({ charge_id: op.charge_id, captured: response.json.data.captured });
    }
  } else if (roll < 0.6 && pending.length > 0) {
    const hold = pending.splice(Math.floor(random() * pending.length), 1)[0];
    const amount = Math.floor(random() * (hold.reserved + 1));
    const key = randomUUID();
    const response = await send('POST', `/api/v1/charges/${hold.charge_id}/capture`, { token: apiKey, key, body: { amount } });
    record({ kind: 'capture', key, acked: response.status === 200, charge_id: hold.charge_id, amount });
    if (response.status === 200 && amount > 0) captured.push({ charge_id: hold.charge_id, captured: amount });
    if (response.status === 0) pending.push(hold);  // Unknown outcome: may be retried later.
  } else if (roll < 0.7 && pending.length > 0) {
    const hold = pending.splice(Math.floor(random() * pending.length), 1)[0];
    const key = randomUUID();
    const response = await send('POST', `/api/v1/charges/${hold.charge_id}/release`, { token: apiKey, key });
    record({ kind: 'release', key, acked: response.status === 200, charge_id: hold.charge_id });
  } else if (roll < 0.8 && captured.length > 0) {
    const spent = pick(captured);
    const key = randomUUID();
    const response = await send('POST', `/api/v1/charges/${spent.charge_id}/refund`, { token: apiKey, key, body: { amount: 1 } });
    record({ kind: 'refund', key, acked: response.status === 200, charge_id: spent.charge_id, amount: 1 });
  } else if (roll < 0.9) {
    // An idempotent replay of an earlier charge creation: same key, same body. After an
    // acknowledgement it must answer the first reply; after a lost one it is the client's retry.
    if (creations.length === 0) return;
    const op = pick(creations);
    const response = await send('POST', '/api/v1/charges', { token: apiKey, key: op.key, body: op.request });
    replays += 1;
    if (op.acked && response.status !== 0 && response.status !== 409 && response.body !== op.body) {
      violation(`replay of ${op.kind} ${op.key} answered ${response.status}, not the first reply`);
    }
    if (!op.acked && response.status === 201) {
      op.acked = true;
      acknowledged += 1;
      op.body = response.body;
      op.charge_id = response.json.data.charge_id;
    }
  } else {
    await recharge(user);
  }
}

async function client(deadline) {
  while (Date.now() < deadline && !stopping) {
    await clientStep();
  }
}

// A kill every CRASH_EVERY seconds on average, counted from when the restarted server is ready,
// so the rate does not depend on the run's length. The seeded jitter (half to one and a half
// intervals) moves the kill around the load: mid-request, mid-commit, between requests.
async function killer(deadline) {
  for (;;) {
    const delay = CRASH_EVERY * 1000 * (0.5 + random());
    if (Date.now() + delay >= deadline) return;
    await sleep(delay);
    let done;
    restarting = new Promise((resolve) => { done = resolve; });
    await server.stop('SIGKILL');
    crashes += 1;
    await start();
    restarting = null;
    done();
  }
}

// After the crashes, replays every acknowledged creation with its key: each stored reply must
// have survived and be identical. CLIENTS replays at a time, as many as the load had in flight,
// so the tens of thousands of a long run take minutes, not the better part of an hour.
async function checkReplays() {
  const acked = creations.filter((op) => op.acked);
  let next = 0;
  const replayer = async () => {
    while (next < acked.length) {
      const op = acked[next];
      next += 1;
      const response = await send('POST', '/api/v1/charges', { token: apiKey, key: op.key, body: op.request });
      replays += 1;
      if (response.status !== 201 || response.body !== op.body) {
        violation(`replay of ${op.key} answered ${response.status}, not the first reply`);
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, replayer));
}

// The rows of a query, one '|'-separated line at a time, read from the client's output as it
// comes: a long run's hundreds of thousands of rows never sit in one buffer (a single
// execFileSync failed with ENOBUFS past 1 MiB). psql fetches through a cursor (FETCH_COUNT) for
// the same reason.
async function* query(sql) {
  const [command, args] = BACKEND === 'postgres'
    ? ['psql', [DB[1], '-v', 'FETCH_COUNT=10000', '-tAF', '|', '-c', sql]]
    : ['sqlite3', ['-separator', '|', `${dataDir}/creditd.db`, sql]];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk) => { errors += chunk; });
  // Settles with the outcome rather than rejecting, so a failed spawn is reported below and not
  // as an unhandled rejection while the rows are still being read.
  const exited = new Promise((resolve) => {
    child.on('error', (error) => resolve(error.message));
    child.on('close', (code, signal) => resolve(code === 0 ? null : `exited with ${code ?? signal}`));
  });
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    if (line) yield line;
  }
  const failure = await exited;
  if (failure) throw new Error(`${command} ${failure}: ${errors}\n${sql}`);
}

async function checkDatabase() {
  const verified = execFileSync(BIN, ['verify', '--data', dataDir, ...DB], {
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', CREDITD_FREE_PLAN_CREDITS: 'false' },
  }).toString();
  if (!/every ledger invariant holds/.test(verified)) violation(`verify: ${verified}`);

  // One pass over the charges: by operation id (metadata.op) and by id with their credits.
  const byOp = new Map();
  const charges = new Map();
  for await (const line of query('SELECT id, status, captured, refunded, metadata FROM charges')) {
    const [id, status, capturedCredits, refunded, ...metadata] = line.split('|');
    const { op } = JSON.parse(metadata.join('|'));  // The JSON may itself hold a '|'.
    byOp.set(op, (byOp.get(op) ?? 0) + 1);
    charges.set(Number(id), {
      status, captured: Number(capturedCredits), refunded: Number(refunded), consumes: 0, consumed: 0, refunds: 0,
    });
  }
  // Acknowledged creations are stored exactly once, others at most once.
  for (const op of creations) {
    const count = byOp.get(op.key) ?? 0;
    if (op.acked && count !== 1) violation(`acknowledged ${op.kind} ${op.key} stored ${count} times`);
    if (!op.acked && count > 1) violation(`unacknowledged ${op.kind} ${op.key} stored ${count} times`);
  }
  // Each charge has at most one CONSUME entry, equal to its captured credits, and REFUND
  // entries summing to its refunded credits; acknowledged captures and refunds are there.
  for await (const line of query("SELECT reference, type, amount FROM ledger_entries WHERE reference LIKE 'charge:%'")) {
    const [reference, type, amount] = line.split('|');
    const charge = charges.get(Number(reference.slice('charge:'.length)));
    if (!charge) { violation(`entry for unknown ${reference}`); continue; }
    if (type === 'CONSUME') {
      charge.consumes += 1;
      charge.consumed -= Number(amount);
    }
    if (type === 'REFUND') charge.refunds += Number(amount);
  }
  for (const [id, charge] of charges) {
    if (charge.consumes > 1 || charge.consumed !== charge.captured) {
      violation(`charge ${id}: ${charge.consumes} CONSUME entries for ${charge.consumed}, captured ${charge.captured}`);
    }
    if (charge.refunds !== charge.refunded) violation(`charge ${id}: refunds ${charge.refunds} != refunded ${charge.refunded}`);
    if (charge.status === 'pending') violation(`charge ${id} still pending after every hold expired`);
  }
  for (const op of operations.filter((o) => o.acked)) {
    const charge = charges.get(op.charge_id);
    if (op.kind === 'capture' && (charge?.status !== 'captured' || charge.captured !== op.amount)) {
      violation(`acknowledged capture of ${op.amount} on charge ${op.charge_id}: ${JSON.stringify(charge)}`);
    }
    if (op.kind === 'release' && charge?.status !== 'released') {
      violation(`acknowledged release of charge ${op.charge_id}: ${charge?.status}`);
    }
  }
  const ackedRefunds = new Map();
  for (const op of operations.filter((o) => o.kind === 'refund' && o.acked)) {
    ackedRefunds.set(op.charge_id, (ackedRefunds.get(op.charge_id) ?? 0) + op.amount);
  }
  for (const [id, amount] of ackedRefunds) {
    if ((charges.get(id)?.refunded ?? 0) < amount) violation(`charge ${id}: ${amount} acknowledged refunds, ${charges.get(id)?.refunded} stored`);
  }
  // Paid recharges: one RECHARGE entry per paid order, and every acknowledged payment is paid.
  // A join, not a subquery per order: ledger_entries has no index on order_id, and a long run's
  // thousands of orders would each scan every entry.
  const paid = new Map();
  const recharges = "SELECT o.order_no, o.status, COUNT(e.id) FROM orders o LEFT JOIN ledger_entries e " +
    "ON e.order_id = o.id AND e.type = 'RECHARGE' WHERE o.kind = 'recharge' GROUP BY o.id, o.order_no, o.status";
  for await (const line of query(recharges)) {
    const [orderNo, status, entries] = line.split('|');
    paid.set(orderNo, { status, entries: Number(entries) });
  }
  for (const [orderNo, order] of paid) {
    if (order.entries !== (order.status === 'paid' ? 1 : 0)) violation(`order ${orderNo} (${order.status}) has ${order.entries} RECHARGE entries`);
  }
  for (const op of operations.filter((o) => o.kind === 'recharge' && o.acked)) {
    if (paid.get(op.order_no)?.status !== 'paid') violation(`acknowledged payment of ${op.order_no} not paid`);
  }
}

let progress;
try {
  await setUp();
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  // A run longer than the 30 s between progress lines says how far it is until its checks are
  // done (a long load's replays take a while too); the default short run prints its summary only.
  if (SECONDS > 30) {
    progress = setInterval(() => {
      console.log(`invariants (${BACKEND}): ${Math.round((Date.now() - started) / 1000)} s, ` +
        `${acknowledged} operations acknowledged, ${crashes} crashes, ${replays} replays`);
    }, 30000);
  }
  await Promise.all([killer(deadline), ...Array.from({ length: CLIENTS }, () => client(deadline))]);
  stopping = true;
  // Let every hold run out (the longest pending ones are released here) and the job expire them.
  for (const hold of pending.splice(0)) {
    const key = randomUUID();
    const response = await send('POST', `/api/v1/charges/${hold.charge_id}/release`, { token: apiKey, key });
    record({ kind: 'release', key, acked: response.status === 200, charge_id: hold.charge_id });
  }
  await checkReplays();
  // Charges reserved in the moment before a crash may be unknown to the clients: wait for
  // short holds to expire, then release any long ones still pending through their ids.
  await sleep(8000);
  // Read in full before releasing, so the query's read does not overlap the server's writes.
  const stuck = [];
  for await (const id of query("SELECT id FROM charges WHERE status = 'pending'")) stuck.push(id);
  for (const id of stuck) {
    await send('POST', `/api/v1/charges/${id}/release`, { token: apiKey });
  }
  await server.stop();
  await checkDatabase();
  if (crashes < MIN_CRASHES) violation(`only ${crashes} crashes (wanted ${MIN_CRASHES})`);
} catch (error) {
  violation(`suite error: ${error.stack}`);
  if (server) await server.stop('SIGKILL');
} finally {
  clearInterval(progress);
  removeDataDir(dataDir);
}
console.log(`invariants (${BACKEND}, seed ${options.seed}): ${acknowledged} operations acknowledged, ` +
  `${crashes} crashes, ${violations.length} violations (${replays} replays, ${operations.length} operations)`);
process.exit(violations.length === 0 ? 0 : 1);
