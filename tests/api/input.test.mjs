// Hostile and malformed input: every case gets a clear 4xx naming the problem, the server keeps
// serving, and no data changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, removeDataDir, call, expectError, rawExchange, register, expectRawError } from './lib/server.mjs';

let server;
before(async () => {
  server = await startServer({ args: ['--read-timeout-seconds', '2'] });
});
after(async () => {
  await server.stop();
  removeDataDir(server.dataDir);
});

const post = (path, raw, headers = { 'content-type': 'application/json' }) =>
  call(server, 'POST', path, { raw, headers });

test('malformed JSON, wrong types, missing and unknown fields name the field', async () => {
  const path = '/api/v1/auth/register';
  for (const raw of ['{', '[]', '"x"', 'null', '{"email":"a@b.co",}', '']) {
    expectError(assert, await post(path, raw), 400, 'malformed_json');
  }
  expectError(assert, await post(path, '{"email":5,"password":"password123"}'), 400, 'invalid_field', 'email');
  expectError(assert, await post(path, '{"email":"a@b.co","password":["x"]}'), 400, 'invalid_field', 'password');
  expectError(assert, await post(path, '{"password":"password123"}'), 400, 'missing_field', 'email');
  expectError(assert, await post(path, '{"email":"a@b.co","password":"password123","admin":true}'), 400, 'unknown_field', 'admin');
  expectError(assert, await post(path, '{"email":"a@b.co","password":"password123"}', { 'content-type': 'text/plain' }),
    415, 'unsupported_media_type');
  // Nothing was created by any of these.
  const login = await call(server, 'POST', '/api/v1/auth/login', { body: { email: 'a@b.co', password: 'password123' } });
  expectError(assert, login, 401, 'invalid_credentials');
});

test('a 2 MiB body is refused with 413 before it is read', async () => {
  // Only the headers and the body's first bytes are sent: the answer comes from Content-Length
  // alone (a server waiting for the body would time out with 408 instead). A client writing the
  // whole body may see the connection closed under it, so the exchange is raw.
  const refused = await rawExchange(server,
    'POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
    + `Content-Length: ${2 * 1024 * 1024}\r\n\r\n{"email":"big@example.com","password":"xxxx`);
  expectRawError(assert, refused, 413, 'payload_too_large');
  const health = await call(server, 'GET', '/healthz');
  assert.equal(health.status, 200);
});

test('oversized headers get 431, garbage gets 400, a stalled request gets 408', async () => {
  const headers = await rawExchange(server,
    `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`);
  expectRawError(assert, headers, 431, 'headers_too_large');

  const garbage = await rawExchange(server, 'NOT HTTP AT ALL\r\n\r\n');
  expectRawError(assert, garbage, 400, 'bad_request');

  // Half a request, then silence: the read timeout (2 s here) answers 408 and closes.
  const stalled = await rawExchange(server, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"em',
    { waitMs: 8000 });
  expectRawError(assert, stalled, 408, 'request_timeout');
});

test('bad query strings and unknown routes', async () => {
  expectError(assert, await call(server, 'GET', '/api/v1/nope'), 404, 'route_not_found');
  const wrongMethod = await call(server, 'DELETE', '/api/v1/auth/login');
  expectError(assert, wrongMethod, 405, 'method_not_allowed');
  assert.equal(wrongMethod.headers.get('allow'), 'POST');
  expectError(assert, await call(server, 'GET', '/healthz?x=%zz'), 400, 'invalid_query');
});

test('many connections opened and dropped leave the server healthy', async () => {
  const sockets = await Promise.all(Array.from({ length: 300 }, () => new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => resolve(socket));
  })));
  for (const [i, socket] of sockets.entries()) {
    if (i % 3 === 0) {
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');  // Dropped mid-headers.
    }
    socket.destroy();
  }
  const results = await Promise.all(Array.from({ length: 20 }, () => call(server, 'GET', '/healthz')));
  assert.ok(results.every((r) => r.status === 200));
});

test('request ids: a well-formed X-Request-Id is kept, others are replaced', async () => {
  const kept = await call(server, 'GET', '/healthz', { headers: { 'x-request-id': 'client-123.abc' } });
  assert.equal(kept.headers.get('x-request-id'), 'client-123.abc');
  const replaced = await call(server, 'GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
  assert.match(replaced.headers.get('x-request-id'), /^req_[0-9A-Z]{26}$/);
  const made = await call(server, 'GET', '/healthz');
  assert.match(made.headers.get('x-request-id'), /^req_[0-9A-Z]{26}$/);
  // Every access-log line is JSON and carries the request id.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const access = server.logs.filter((line) => line.includes('"msg":"access"')).map((line) => JSON.parse(line));
  assert.ok(access.some((line) => line.request_id === 'client-123.abc' && line.status === 200));
  assert.ok(access.every((line) => line.request_id && line.method && typeof line.path === 'string' && line.status >= 200));
});

test('a POST that takes no body accepts nothing or {} and refuses anything else, on every route', async () => {
  const { access_token: token } = await register(server, 'no-body@example.com');
  const team = await call(server, 'POST', '/api/v1/teams', { token, body: { name: 'No Body' } });
  assert.equal(team.status, 201, team.body);
  const leave = `/api/v1/teams/${team.json.data.id}/leave`;
  const accept = '/api/v1/teams/invitations/999999/accept';
  for (const path of [leave, accept, '/api/subscription/cancel']) {
    expectError(assert, await call(server, 'POST', path, { token, body: { note: 'x' } }), 400, 'unknown_field', 'note');
    expectError(assert, await call(server, 'POST', path, { token, raw: 'x', headers: { 'content-type': 'text/plain' } }),
      415, 'unsupported_media_type');
    expectError(assert, await call(server, 'POST', path, { token, raw: '[1]', headers: { 'content-type': 'application/json' } }),
      400, 'malformed_json');
  }
  // With nothing or {} the route goes on to its own answer.
  expectError(assert, await call(server, 'POST', leave, { token }), 409, 'owner_cannot_leave');
  expectError(assert, await call(server, 'POST', leave, { token, body: {} }), 409, 'owner_cannot_leave');
  expectError(assert, await call(server, 'POST', accept, { token, body: {} }), 404, 'invitation_not_found');
});
