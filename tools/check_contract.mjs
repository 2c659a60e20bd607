#!/usr/bin/env node
// The contract check: every response the API suite received from creditd (recorded by
// tests/api/lib/contract.mjs into the file CREDITD_CONTRACT_LOG names) is checked against
// docs/openapi.yaml with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1).
//
//   node tools/check_contract.mjs LOG [--openapi docs/openapi.yaml]
//
// For each recorded response:
// - The operation is found by method and path template, as the server's router finds its route:
//   a template matches a path with as many segments whose literal segments are equal and whose
//   `{param}` segments are non-empty; literal segments win over parameters (the most literal
//   segments win). The path is %-decoded first, as the server does. HEAD uses the GET operation.
// - Its status must be documented: in the operation's `responses` (exact, or a `4XX` range),
//   otherwise in the document's `x-server-wide-responses` (the answers the server itself gives on
//   any route, declared once; see info.description), otherwise in `default`. A server-wide
//   response's schema pins its reasons, so e.g. a route's own 400 invalid_field is not covered by
//   the server-wide 400 (bad_request, invalid_query).
// - The response's media type must be one of that response's `content` types (a response
//   without `content` must have an empty body), and a JSON body must validate against the
//   schema of that status and media type. Response `$ref`s are followed; the whole document is
//   added to Ajv (strict off) and each schema is validated by its JSON-pointer `$ref`.
// - A 500 fails unless its operation declares one: the server-wide 500 says any route may answer
//   it on a bug, and a test run that received one found a bug.
//
// Records without a documented operation are allowed in exactly these cases, else they fail:
// - The router's own refusals, which the suite provokes on purpose: 404 with reason
//   route_not_found for a path that matches no template of the document, and 405 with reason
//   method_not_allowed for a path that does match one (with another method); the Allow header
//   must then list exactly the document's methods for that path. A route_not_found for a path the
//   document has, or a method_not_allowed for a path it lacks, means document and router
//   disagree, and fails. Both bodies are validated against the server-wide 404 and 405.
// - Other server-wide answers given before routing (413, 431, 400 invalid_query, ...) on a path
//   the document lacks, validated against their server-wide response.
// - The web portal's HTML fallback: a GET or HEAD of a path that matches no template, outside the
//   server's own prefixes (/api, /webhooks/, /sandbox/, /healthz, /readyz), answered 200 (the
//   app's index.html or one of its files; its 404 is route_not_found, above). It is not part of
//   the API document (web.test.mjs checks it) and is counted as skipped.
//
// Prints a summary (records, operations and operation/status pairs covered, failures grouped by
// method, path template, status and error, with the Ajv errors) and exits 1 on any failure, 2 on
// a missing or empty log.
import { createRequire } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Ajv, ajv-formats and yaml are devDependencies of the API suite (tests/api/package.json).
const require = createRequire(new URL('../tests/api/package.json', import.meta.url));
const Ajv2020 = require('ajv/dist/2020').default;
const addFormatsModule = require('ajv-formats');
const addFormats = addFormatsModule.default ?? addFormatsModule;
const YAML = require('yaml');

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const DOC_ID = 'openapi.json';

function usage(message) {
  console.error(`check_contract: ${message}\nusage: node tools/check_contract.mjs LOG [--openapi FILE]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let logPath;
let openapiPath = fileURLToPath(new URL('../docs/openapi.yaml', import.meta.url));
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--openapi') {
    openapiPath = args[++i] ?? usage('--openapi needs a file');
  } else if (!logPath) {
    logPath = args[i];
  } else {
    usage(`unexpected argument ${args[i]}`);
  }
}
if (!logPath) {
  usage('name the log that CREDITD_CONTRACT_LOG wrote');
}
if (!existsSync(logPath)) {
  usage(`${logPath} does not exist (run the API suite with CREDITD_CONTRACT_LOG=${logPath})`);
}

const doc = YAML.parse(readFileSync(openapiPath, 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc, DOC_ID);

// ----- the document -----

const escapeToken = (token) => encodeURIComponent(String(token).replace(/~/g, '~0').replace(/\//g, '~1'));
const pointerOf = (tokens) => tokens.map((token) => `/${escapeToken(token)}`).join('');

function at(pointer) {
  let node = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node?.[token];
  }
  return node;
}

// Follows local `$ref`s; returns the object and the JSON pointer it lives at.
function deref(pointer) {
  const seen = new Set();
  let node = at(pointer);
  while (node && typeof node.$ref === 'string') {
    if (!node.$ref.startsWith('#/') || seen.has(node.$ref)) {
      throw new Error(`cannot follow $ref ${node.$ref} at ${pointer}`);
    }
    seen.add(node.$ref);
    pointer = node.$ref.slice(1);
    node = at(pointer);
  }
  return { node, pointer };
}

const validators = new Map();
function validatorFor(pointer) {
  if (!validators.has(pointer)) {
    validators.set(pointer, ajv.compile({ $ref: `${DOC_ID}#${pointer}` }));
  }
  return validators.get(pointer);
}

const operations = [];
for (const [template, item] of Object.entries(doc.paths ?? {})) {
  // Each segment once: a literal to compare, or null for a {param}.
  const segments = template.split('/').slice(1).map((segment) => (/^\{.+\}$/.test(segment) ? null : segment));
  const literals = segments.filter((segment) => segment !== null).length;
  for (const method of METHODS) {
    if (item[method]) {
      operations.push({
        method: method.toUpperCase(),
        template,
        segments,
        literals,
        operation: item[method],
        pointer: pointerOf(['paths', template, method]),
        id: item[method].operationId ?? `${method.toUpperCase()} ${template}`,
      });
    }
  }
}

const serverWide = doc['x-server-wide-responses'] ?? {};
for (const status of Object.keys(serverWide)) {
  if (!/^[1-5][0-9][0-9]$/.test(status) || !deref(pointerOf(['x-server-wide-responses', status])).node) {
    usage(`x-server-wide-responses: ${status} is not a status with a response`);
  }
}

// The operations whose template matches `path`, looked up once per distinct path.
const operationsByPath = new Map();
function operationsOn(path) {
  if (!operationsByPath.has(path)) {
    const segments = path.split('/').slice(1);
    operationsByPath.set(path, operations.filter((op) => matchesTemplate(op, segments)));
  }
  return operationsByPath.get(path);
}

function matchesTemplate(op, segments) {
  if (op.segments.length !== segments.length) {
    return false;
  }
  return op.segments.every((segment, i) => (segment === null ? segments[i] !== '' : segment === segments[i]));
}

// The server's own paths: the web portal never answers under them (src/http/web_app.cc).
function isServerPath(path) {
  return ['/api/', '/webhooks/', '/sandbox/'].some((prefix) => path.startsWith(prefix)) ||
    ['/api', '/healthz', '/readyz'].includes(path);
}

function decodePath(path) {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

// ----- one record -----

const mediaOf = (contentType) => (contentType ?? '').split(';')[0].trim().toLowerCase();
const isJson = (media) => media === 'application/json' || media.endsWith('+json');

function mediaMatches(documented, media) {
  const key = documented.toLowerCase();
  if (key === media || key === '*/*') {
    return true;
  }
  return key.endsWith('/*') && media.startsWith(key.slice(0, -1));
}

function formatAjvErrors(errors) {
  return (errors ?? []).slice(0, 4)
    .map((error) => `${error.instancePath || '(body)'} ${error.message}${error.params && Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : ''}`)
    .join('; ');
}

// Checks the body of `record` against the response at `responsePointer`; returns an error text.
function checkBody(record, responsePointer, json) {
  const { node: response, pointer } = deref(responsePointer);
  if (!response) {
    return `response ${responsePointer} does not resolve`;
  }
  if (record.method === 'HEAD') {
    return null;  // No body to check.
  }
  const media = mediaOf(record.content_type);
  const content = response.content ?? {};
  const documented = Object.keys(content);
  if (documented.length === 0) {
    return record.body || record.bytes ? `a body (${media}) where the document has none` : null;
  }
  const key = documented.find((candidate) => candidate.toLowerCase() === media) ??
    documented.find((candidate) => mediaMatches(candidate, media));
  if (!key) {
    return `content type ${media || '(none)'} is not documented (documented: ${documented.join(', ')})`;
  }
  if (!isJson(media)) {
    return null;
  }
  if (json === undefined) {
    return 'the body is not JSON';
  }
  if (!content[key].schema) {
    return null;
  }
  const validate = validatorFor(`${pointer}${pointerOf(['content', key, 'schema'])}`);
  return validate(json) ? null : `schema: ${formatAjvErrors(validate.errors)}`;
}

const stats = {
  records: 0,
  operation: 0,
  viaServerWide: 0,
  router: 0,
  beforeRouting: 0,
  portal: 0,
};
const covered = new Map();  // operation id -> Set of statuses
const failures = new Map();  // key -> {count, example}

function fail(record, where, message) {
  const key = `${record.method} ${where} ${record.status}: ${message}`;
  const entry = failures.get(key) ?? { count: 0, example: record };
  entry.count++;
  failures.set(key, entry);
}

function checkRecord(record) {
  let json;
  const media = mediaOf(record.content_type);
  if (isJson(media) && typeof record.body === 'string') {
    try {
      json = JSON.parse(record.body);
    } catch {
      json = undefined;
    }
  }
  const reason = json?.error?.reason;
  const status = String(record.status);
  const path = decodePath(record.path);
  const onPath = operationsOn(path);
  const method = record.method === 'HEAD' && !onPath.some((op) => op.method === 'HEAD') ? 'GET' : record.method;
  const found = onPath.filter((op) => op.method === method).sort((a, b) => b.literals - a.literals)[0];
  // The server-wide 500 documents what any route may answer on a bug; in a test run it is a bug
  // unless the operation itself declares a 500 (the Stripe webhook's "retry later").
  if (status === '500' && !found?.operation.responses?.['500']) {
    fail(record, found?.template ?? path, `internal error${reason ? ` (reason ${reason})` : ''}: ${record.body?.slice(0, 200)}`);
    return;
  }

  if (found) {
    if (reason === 'route_not_found' || reason === 'method_not_allowed') {
      fail(record, found.template, `the document has ${found.id}, the router answered ${reason}`);
      return;
    }
    const responses = found.operation.responses ?? {};
    let responsePointer;
    let viaServerWide = false;
    if (responses[status]) {
      responsePointer = `${found.pointer}${pointerOf(['responses', status])}`;
    } else if (responses[`${status[0]}XX`]) {
      responsePointer = `${found.pointer}${pointerOf(['responses', `${status[0]}XX`])}`;
    } else if (serverWide[status]) {
      responsePointer = pointerOf(['x-server-wide-responses', status]);
      viaServerWide = true;
    } else if (responses.default) {
      responsePointer = `${found.pointer}${pointerOf(['responses', 'default'])}`;
    }
    if (!responsePointer) {
      fail(record, found.template, `status not documented for ${found.id}${reason ? ` (reason ${reason})` : ''}`);
      return;
    }
    const error = checkBody(record, responsePointer, json);
    if (error) {
      const context = viaServerWide
        ? `not documented for ${found.id}, and not a server-wide ${status}${reason ? ` (reason ${reason})` : ''}: ${error}`
        : error;
      fail(record, found.template, context);
      return;
    }
    stats.operation++;
    if (viaServerWide) {
      stats.viaServerWide++;
    }
    if (!covered.has(found.id)) {
      covered.set(found.id, new Set());
    }
    covered.get(found.id).add(status);
    return;
  }

  // No documented operation for this method and path.
  let kind;
  if (onPath.length > 0) {
    // The path is documented, the method is not: the router's 405 is expected.
    if (status === '405' && reason === 'method_not_allowed') {
      const documented = [...new Set(onPath.map((op) => op.method))].sort().join(', ');
      const allowed = (record.allow ?? '').split(',').map((m) => m.trim()).filter(Boolean).sort().join(', ');
      if (allowed !== documented) {
        fail(record, onPath[0].template, `Allow is "${record.allow}", the document has ${documented}`);
        return;
      }
      kind = 'router';
    } else if (serverWide[status] && status !== '404' && status !== '405' && json !== undefined) {
      kind = 'beforeRouting';
    } else {
      fail(record, onPath[0].template, `method ${record.method} is not in the document for this path${reason ? ` (reason ${reason})` : ''}`);
      return;
    }
  } else if (status === '405') {
    fail(record, path, 'the server routes this path (method_not_allowed), the document has no such path');
    return;
  } else if (status === '404' && reason === 'route_not_found') {
    kind = 'router';
  } else if ((record.method === 'GET' || record.method === 'HEAD') && !isServerPath(path) && status === '200') {
    stats.portal++;
    return;
  } else if (serverWide[status] && status !== '404' && json !== undefined) {
    kind = 'beforeRouting';
  } else {
    fail(record, path, `path is not in the document${reason ? ` (reason ${reason})` : ''}`);
    return;
  }
  if (!serverWide[status]) {
    fail(record, onPath[0]?.template ?? path, `no x-server-wide-responses entry for ${status}`);
    return;
  }
  const error = checkBody(record, pointerOf(['x-server-wide-responses', status]), json);
  if (error) {
    fail(record, onPath[0]?.template ?? path, `not a server-wide ${status}${reason ? ` (reason ${reason})` : ''}: ${error}`);
    return;
  }
  stats[kind]++;
}

// ----- the log -----

const lines = readFileSync(logPath, 'utf8').split('\n').filter((line) => line.trim() !== '');
for (const [index, line] of lines.entries()) {
  let record;
  try {
    record = JSON.parse(line);
  } catch {
    fail({ method: '-', status: '-' }, `line ${index + 1}`, 'not JSON');
    continue;
  }
  stats.records++;
  if (record.record_error) {
    fail({ method: record.method, status: '-' }, record.url, `not recorded: ${record.record_error}`);
    continue;
  }
  try {
    checkRecord(record);
  } catch (error) {
    fail(record, record.path, `checker error: ${error.message}`);
  }
}
if (stats.records === 0) {
  usage(`${logPath} has no records: was the suite run with CREDITD_CONTRACT_LOG set?`);
}

const pairs = [...covered.values()].reduce((sum, statuses) => sum + statuses.size, 0);
const uncovered = operations.filter((op) => !covered.has(op.id)).map((op) => op.id);
const failureCount = [...failures.values()].reduce((sum, entry) => sum + entry.count, 0);

console.log(`contract check: ${logPath} against ${openapiPath}`);
console.log(`  records:    ${stats.records}`);
console.log(`    ${stats.operation} answered by a documented operation (${stats.viaServerWide} of them with a server-wide response)`);
console.log(`    ${stats.router} router refusals of paths or methods the document lacks (404 route_not_found, 405 method_not_allowed)`);
console.log(`    ${stats.beforeRouting} other server-wide answers on undocumented paths`);
console.log(`    ${stats.portal} web portal pages skipped (not part of the API document)`);
console.log(`  operations: ${covered.size} of ${operations.length} covered, ${pairs} operation/status pairs`);
if (uncovered.length > 0) {
  console.log(`    not exercised: ${uncovered.join(', ')}`);
}
if (failures.size === 0) {
  console.log('  failures:   none');
  process.exit(0);
}
console.log(`  failures:   ${failureCount} responses, ${failures.size} distinct`);
for (const [key, { count, example }] of [...failures.entries()].sort()) {
  console.log(`    ${key}`);
  console.log(`      ${count}x, e.g. ${example.method} ${example.path ?? ''} in ${example.test ?? '-'}${example.body ? `: ${String(example.body).slice(0, 200)}` : ''}`);
}
process.exit(1);
