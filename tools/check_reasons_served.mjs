#!/usr/bin/env node
// Checks docs/errors.md against what the server really sent in the black-box API suites
// (issue 14 point 7): every documented reason must have been returned by the server to a test
// that asserted it (tests/api/lib/server.mjs expectError appends each to the log), and every
// reason the server returned must have come with the HTTP status the table documents.
//
// A few reasons cannot be provoked from outside a healthy server (a storage failure, a bug);
// they are listed below with why, and for each a unit test must assert it (an EXPECT_/ASSERT_
// whose statement names the reason as a string literal).
//
// Usage: node tools/check_reasons_served.mjs LOG   (make test-api writes LOG)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;

// Reasons no black-box test can make a healthy server send, and why.
const UNIT_ONLY = new Map([
  ['internal_error', 'a bug; a healthy server never sends it on purpose'],
  ['database_error', 'the database failing under a running server'],
  ['database_busy', 'SQLite locked past its busy timeout by another process'],
  ['database_conflict', 'a serialization failure that the retries absorb unless every one loses'],
  ['not_ready', '/readyz with the database unreachable under a running server'],
  ['shutting_down', '/readyz within the moments of a graceful drain, a race no test can pin down'],
  ['config_invalid', 'refused at start-up (an exit status and a message on stderr), never an HTTP answer'],
]);

const logPath = process.argv[2];
if (!logPath) {
  console.error('usage: check_reasons_served.mjs LOG');
  process.exit(2);
}

const documented = new Map();
for (const line of readFileSync(join(ROOT, 'docs/errors.md'), 'utf8').split('\n')) {
  const row = line.match(/^\| `([a-z_]+)` \| (\d{3}) \|/);
  if (row) {
    documented.set(row[1], Number(row[2]));
  }
}
if (documented.size === 0) {
  console.error('check_reasons_served: docs/errors.md has no reason table');
  process.exit(1);
}

const served = new Map(); // reason -> Set of "status path"
for (const line of readFileSync(logPath, 'utf8').split('\n')) {
  const [reason, status, path] = line.split(' ');
  if (!reason) {
    continue;
  }
  if (!served.has(reason)) {
    served.set(reason, new Map());
  }
  served.get(reason).set(Number(status), path);
}

// The statements of the C++ unit tests, for the unit-only reasons.
function unitTestSources(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') {
      unitTestSources(path, out);
    } else if (entry.isFile() && entry.name.endsWith('_test.cc')) {
      out.push(readFileSync(path, 'utf8'));
    }
  }
  return out;
}
const assertions = unitTestSources(join(ROOT, 'src'))
  .concat(unitTestSources(join(ROOT, 'tests')))
  .flatMap((source) => source.split(';'))
  .filter((statement) => /\b(EXPECT|ASSERT)_[A-Z_]+\s*\(/.test(statement));

const failures = [];
for (const [reason, status] of documented) {
  const seen = served.get(reason);
  if (UNIT_ONLY.has(reason)) {
    if (seen) {
      failures.push(`"${reason}" is listed as unit-only (${UNIT_ONLY.get(reason)}) but the API suite saw it; drop it from UNIT_ONLY`);
    }
    if (!assertions.some((statement) => statement.includes(`"${reason}"`))) {
      failures.push(`"${reason}" (unit-only: ${UNIT_ONLY.get(reason)}) is asserted by no unit test`);
    }
    continue;
  }
  if (!seen) {
    failures.push(`"${reason}" is documented but no API test asserted that the server returned it`);
    continue;
  }
  for (const [sentStatus, path] of seen) {
    if (sentStatus !== status) {
      failures.push(`"${reason}" came with HTTP ${sentStatus} (${path}); docs/errors.md says ${status}`);
    }
  }
}
for (const reason of served.keys()) {
  if (!documented.has(reason)) {
    failures.push(`the server returned "${reason}", which docs/errors.md does not list`);
  }
}
for (const reason of UNIT_ONLY.keys()) {
  if (!documented.has(reason)) {
    failures.push(`UNIT_ONLY names "${reason}", which docs/errors.md does not list`);
  }
}

if (failures.length > 0) {
  for (const failure of failures) {
    console.error(`check_reasons_served: ${failure}`);
  }
  process.exit(1);
}
console.log(`check_reasons_served: ${documented.size - UNIT_ONLY.size} reasons returned by the server and asserted ` +
  `by API tests with their documented status, ${UNIT_ONLY.size} asserted by unit tests`);
