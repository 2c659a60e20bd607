// What the web portal needs from the server (issue 7): the built app served at / with deep links
// and cache headers, the cookie session mode of the auth routes, the enabled payment methods
// and the plans for the pricing cards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, removeDataDir, call, expectError } from './lib/server.mjs';

const INDEX = '<!doctype html><html><body><div id="root"></div><script src="/assets/index-Ab12.js"></script></body></html>';
let webRoot;
let server;
before(async () => {
  webRoot = mkdtempSync(join(tmpdir(), 'creditd-web-'));
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'index.html'), INDEX);
  writeFileSync(join(webRoot, 'assets', 'index-Ab12.js'), 'console.log("portal")');
  server = await startServer({ env: { CREDITD_WEB_ROOT: webRoot } });
});
after(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
  rmSync(webRoot, { recursive: true, force: true });
});

const WEB = { 'x-creditd-client': 'web' };

function refreshCookie(response) {
  const header = response.headers.get('set-cookie') ?? '';
  const match = header.match(/creditd_refresh=([^;]*)/);
  return { header, value: match?.[1] };
}

test('the portal is served at / with deep links; assets are cached, the page is not', async () => {
  const index = await call(server, 'GET', '/');
  assert.equal(index.status, 200);
  assert.equal(index.body, INDEX);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  assert.match(index.headers.get('content-security-policy'), /default-src 'self'/);
  assert.equal(index.headers.get('x-frame-options'), 'DENY');
  for (const path of ['/credit/recharge', '/credit/transactions', '/subscription', '/tools']) {
    const deep = await call(server, 'GET', path);
    assert.equal(deep.status, 200, path);
    assert.equal(deep.body, INDEX, path);
  }
  const script = await call(server, 'GET', '/assets/index-Ab12.js');
  assert.equal(script.status, 200);
  assert.match(script.headers.get('content-type'), /^text\/javascript/);
  assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const head = await fetch(`${server.url}/credit/membership`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('API, webhook and missing-file paths keep their own answers', async () => {
  expectError(assert, await call(server, 'GET', '/api/v1/nope'), 404, 'route_not_found');
  // A provider that is not configured: the webhook's own JSON answer, never the portal.
  expectError(assert, await call(server, 'GET', '/webhooks/nope'), 501, 'payment_method_unavailable');
  expectError(assert, await call(server, 'GET', '/assets/gone-1.js'), 404, 'route_not_found');
  expectError(assert, await call(server, 'POST', '/credit/recharge', { body: {} }), 404, 'route_not_found');
  assert.equal((await call(server, 'GET', '/healthz')).json.data.status, 'ok');
});

test('the web session mode keeps the refresh token in an HttpOnly SameSite=Strict cookie', async () => {
  const registered = await call(server, 'POST', '/api/v1/auth/register', { headers: WEB, body: { email: 'web@example.com', password: 'web-password-1' } });
  assert.equal(registered.status, 201, registered.body);
  assert.equal(registered.json.data.refresh_token, undefined);
  assert.ok(registered.json.data.access_token);
  const first = refreshCookie(registered);
  assert.ok(first.value);
  assert.match(first.header, /HttpOnly/);
  assert.match(first.header, /SameSite=Strict/);
  assert.match(first.header, /Path=\/api\/v1\/auth/);
  assert.match(first.header, /Max-Age=\d+/);
  assert.equal(registered.headers.get('cache-control'), 'no-store');

  // Refresh reads the cookie and rotates it; the old one is then a reuse.
  const refreshed = await call(server, 'POST', '/api/v1/auth/refresh', { headers: { ...WEB, cookie: `other=1; creditd_refresh=${first.value}` } });
  assert.equal(refreshed.status, 200, refreshed.body);
  assert.equal(refreshed.json.data.refresh_token, undefined);
  const second = refreshCookie(refreshed);
  assert.ok(second.value && second.value !== first.value);
  expectError(assert, await call(server, 'POST', '/api/v1/auth/refresh', { headers: { ...WEB, cookie: `creditd_refresh=${first.value}` } }), 401, 'refresh_token_reused');
  expectError(assert, await call(server, 'POST', '/api/v1/auth/refresh', { headers: WEB }), 401, 'invalid_refresh_token');

  // Without the header the API is as before: the token in the body, no cookie.
  const login = await call(server, 'POST', '/api/v1/auth/login', { body: { email: 'web@example.com', password: 'web-password-1' } });
  assert.ok(login.json.data.refresh_token);
  assert.equal(login.headers.get('set-cookie'), null);

  // Logout revokes the cookie's token and clears the cookie.
  const web = await call(server, 'POST', '/api/v1/auth/login', { headers: WEB, body: { email: 'web@example.com', password: 'web-password-1' } });
  const cookie = refreshCookie(web).value;
  const out = await call(server, 'POST', '/api/v1/auth/logout', { token: web.json.data.access_token, headers: { ...WEB, cookie: `creditd_refresh=${cookie}` } });
  assert.equal(out.status, 200, out.body);
  assert.match(out.headers.get('set-cookie'), /creditd_refresh=;.*Max-Age=0/);
  const after = await call(server, 'POST', '/api/v1/auth/refresh', { headers: { ...WEB, cookie: `creditd_refresh=${cookie}` } });
  assert.equal(after.status, 401, after.body);
});

test('the enabled payment methods and the plans with their price ids', async () => {
  const methods = await call(server, 'GET', '/api/v1/credit/payment-methods');
  assert.equal(methods.status, 200, methods.body);
  assert.deepEqual(methods.json.data.methods, ['alipay', 'wechat', 'sandbox']);
  const plans = await call(server, 'GET', '/api/subscription/plans');
  assert.equal(plans.status, 200, plans.body);
  const byKey = Object.fromEntries(plans.json.data.plans.map((plan) => [plan.key, plan]));
  assert.deepEqual(Object.keys(byKey), ['free', 'pro', 'premium', 'team', 'enterprise']);
  assert.deepEqual(byKey.free.priceIds, { monthly: null, yearly: null });
  assert.deepEqual(byKey.pro.priceIds, { monthly: 'sandbox_pro_monthly', yearly: 'sandbox_pro_yearly' });
  assert.equal(byKey.pro.monthlyCredits, 1000);
  assert.ok(Array.isArray(byKey.pro.features) && byKey.pro.features.length > 0);
});
