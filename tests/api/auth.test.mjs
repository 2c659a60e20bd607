// Sign-up, sign-in, tokens and sessions, checked from outside with an independent JWT library.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { jwtVerify, SignJWT, decodeProtectedHeader } from 'jose';
import { startServer, removeDataDir, call, expectError, register } from './lib/server.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0, 'creditd exits 0 on SIGTERM');
  removeDataDir(server.dataDir);
});

const secretKey = () => new TextEncoder().encode(server.jwtSecret());

test('register returns the user and a token pair; the JWT verifies with jose', async () => {
  const response = await call(server, 'POST', '/api/v1/auth/register', {
    body: { email: '  Alice@Example.COM ', password: 'correct horse', display_name: 'Alice' },
  });
  assert.equal(response.status, 201);
  assert.equal(response.json.code, 201);
  assert.equal(response.json.message, 'success');
  const data = response.json.data;
  assert.deepEqual(Object.keys(data.user).sort(), ['display_name', 'email', 'id', 'role']);
  assert.equal(data.user.email, 'alice@example.com');
  assert.equal(data.user.display_name, 'Alice');
  assert.equal(data.user.role, 'user');
  assert.equal(data.expires_in, 900);
  assert.equal(decodeProtectedHeader(data.access_token).alg, 'HS256');
  const { payload } = await jwtVerify(data.access_token, secretKey(), {
    algorithms: ['HS256'],
    issuer: 'creditd',
    audience: 'creditd',
  });
  assert.equal(payload.sub, String(data.user.id));
  assert.equal(payload.exp - payload.iat, 900);
  // The secret was generated at first start with mode 0600.
  const { statSync } = await import('node:fs');
  assert.equal(statSync(`${server.dataDir}/jwt-secret`).mode & 0o777, 0o600);
});

test('register -> me -> refresh -> reuse of the old refresh token revokes the family', async () => {
  const session = await register(server, 'flow@example.com');
  const me = await call(server, 'GET', '/api/v1/auth/me', { token: session.access_token });
  assert.equal(me.status, 200);
  assert.equal(me.json.data.email, 'flow@example.com');
  assert.ok(me.json.data.account_id > 0);

  const refreshed = await call(server, 'POST', '/api/v1/auth/refresh', {
    body: { refresh_token: session.refresh_token },
  });
  assert.equal(refreshed.status, 200);
  const next = refreshed.json.data;
  assert.notEqual(next.refresh_token, session.refresh_token);
  assert.equal((await call(server, 'GET', '/api/v1/auth/me', { token: next.access_token })).status, 200);

  const reused = await call(server, 'POST', '/api/v1/auth/refresh', {
    body: { refresh_token: session.refresh_token },
  });
  expectError(assert, reused, 401, 'refresh_token_reused');
  // The whole family is gone: the newest refresh token and its access token no longer work.
  expectError(assert, await call(server, 'POST', '/api/v1/auth/refresh', {
    body: { refresh_token: next.refresh_token },
  }), 401, 'refresh_token_reused');
  expectError(assert, await call(server, 'GET', '/api/v1/auth/me', { token: next.access_token }),
    401, 'invalid_token');
});

test('login works with any case of the e-mail and answers alike for unknown users and bad passwords', async () => {
  await register(server, 'bob@example.com', 'password123');
  const ok = await call(server, 'POST', '/api/v1/auth/login', {
    body: { email: 'BOB@example.com', password: 'password123' },
  });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.data.user.email, 'bob@example.com');
  const wrong = expectError(assert, await call(server, 'POST', '/api/v1/auth/login', {
    body: { email: 'bob@example.com', password: 'password124' },
  }), 401, 'invalid_credentials');
  const unknown = expectError(assert, await call(server, 'POST', '/api/v1/auth/login', {
    body: { email: 'nobody@example.com', password: 'password123' },
  }), 401, 'invalid_credentials');
  assert.equal(wrong.message, unknown.message);
});

test('repeated failed logins for one account get 429 with Retry-After', async () => {
  await register(server, 'carol@example.com', 'password123');
  for (let i = 0; i < 10; i++) {
    expectError(assert, await call(server, 'POST', '/api/v1/auth/login', {
      body: { email: 'carol@example.com', password: 'not-the-password' },
    }), 401, 'invalid_credentials');
  }
  const limited = await call(server, 'POST', '/api/v1/auth/login', {
    body: { email: 'carol@example.com', password: 'password123' },
  });
  expectError(assert, limited, 429, 'too_many_attempts');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
});

test('sign-up input is validated field by field', async () => {
  expectError(assert, await register(server, 'dup@example.com').then(() =>
    call(server, 'POST', '/api/v1/auth/register', { body: { email: 'DUP@example.com', password: 'password123' } })),
  409, 'email_taken', 'email');
  expectError(assert, await call(server, 'POST', '/api/v1/auth/register', {
    body: { email: 'not-an-email', password: 'password123' },
  }), 400, 'invalid_email', 'email');
  expectError(assert, await call(server, 'POST', '/api/v1/auth/register', {
    body: { email: 'short@example.com', password: 'seven77' },
  }), 400, 'invalid_password', 'password');
  // 129 characters are refused, never truncated; 128 are accepted.
  expectError(assert, await call(server, 'POST', '/api/v1/auth/register', {
    body: { email: 'long@example.com', password: 'x'.repeat(129) },
  }), 400, 'invalid_password', 'password');
  await register(server, 'long@example.com', 'x'.repeat(128));
  const login = await call(server, 'POST', '/api/v1/auth/login', {
    body: { email: 'long@example.com', password: 'x'.repeat(127) },
  });
  expectError(assert, login, 401, 'invalid_credentials');
  expectError(assert, await call(server, 'POST', '/api/v1/auth/register', {
    body: { email: 'name@example.com', password: 'password123', display_name: 'n'.repeat(65) },
  }), 400, 'invalid_field', 'display_name');
});

test('bearer tokens: missing, forged, expired and logged-out tokens are refused', async () => {
  expectError(assert, await call(server, 'GET', '/api/v1/auth/me'), 401, 'unauthenticated');
  expectError(assert, await call(server, 'GET', '/api/v1/auth/me', { headers: { authorization: 'Basic abc' } }),
    401, 'unauthenticated');
  expectError(assert, await call(server, 'GET', '/api/v1/auth/me', { token: 'not.a.token' }), 401, 'invalid_token');
  const session = await register(server, 'dave@example.com');
  const { payload } = await jwtVerify(session.access_token, secretKey(), { algorithms: ['HS256'] });
  // Signed with the right key but expired: the independent library makes it.
  const expired = await new SignJWT({ ...payload, exp: Math.floor(Date.now() / 1000) - 5 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(secretKey());
  expectError(assert, await call(server, 'GET', '/api/v1/auth/me', { token: expired }), 401, 'token_expired');
  // Signed with another key.
  const forged = await new SignJWT({ ...payload })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode('x'.repeat(48)));
  expectError(assert, await call(server, 'GET', '/api/v1/auth/me', { token: forged }), 401, 'invalid_token');
  // alg "none" is never accepted.
  const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  expectError(assert, await call(server, 'GET', '/api/v1/auth/me', { token: `${header}.${body}.` }), 401, 'invalid_token');

  const out = await call(server, 'POST', '/api/v1/auth/logout', { token: session.access_token });
  assert.equal(out.status, 200);
  expectError(assert, await call(server, 'GET', '/api/v1/auth/me', { token: session.access_token }), 401, 'invalid_token');
  expectError(assert, await call(server, 'POST', '/api/v1/auth/refresh', {
    body: { refresh_token: session.refresh_token },
  }), 401, 'refresh_token_reused');
  expectError(assert, await call(server, 'POST', '/api/v1/auth/refresh', {
    body: { refresh_token: 'rt_never-issued' },
  }), 401, 'invalid_refresh_token');
});
