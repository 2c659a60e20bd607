// Teams (seed 003's tenants, issue 6 point 2): a team is an account with members (owner, admin,
// member); invitations by e-mail address; members act for the team with X-Account-Id and spend
// its credits; a team plan subscribes the team account; removal and leaving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDataDir, call, expectError, register } from './lib/server.mjs';
import { ADMIN_ENV, adminToken, grantCredits, balance } from './lib/billing.mjs';

let server;
let admin;
before(async () => {
  server = await startServer({ env: ADMIN_ENV });
  admin = await adminToken(server);
});
after(async () => {
  await server.stop();
  removeDataDir(server.dataDir);
});

const as = (token, teamId) => ({ token, headers: { 'x-account-id': String(teamId) } });

test('a team: create, invite by e-mail, accept, spend the team\'s credits, subscribe, remove and leave', async () => {
  const owner = (await register(server, 'team-owner@example.com')).access_token;
  const created = await call(server, 'POST', '/api/v1/teams', { token: owner, body: { name: '  Acme AI  ' } });
  assert.equal(created.status, 201, created.body);
  const team = created.json.data;
  assert.equal(team.name, 'Acme AI');
  assert.equal(team.role, 'owner');
  const listed = await call(server, 'GET', '/api/v1/teams', { token: owner });
  assert.deepEqual(listed.json.data.items.map((t) => [t.id, t.role]), [[team.id, 'owner']]);
  expectError(assert, await call(server, 'POST', '/api/v1/teams', { token: owner, body: { name: '   ' } }), 400, 'invalid_field', 'name');

  // Invitations by address, before the invitee even has an account.
  const invited = await call(server, 'POST', `/api/v1/teams/${team.id}/invitations`, { token: owner, body: { email: 'Team-Bob@Example.com' } });
  assert.equal(invited.status, 201, invited.body);
  assert.equal(invited.json.data.email, 'team-bob@example.com');
  assert.equal(invited.json.data.role, 'member');
  expectError(assert, await call(server, 'POST', `/api/v1/teams/${team.id}/invitations`, { token: owner, body: { email: 'team-bob@example.com' } }), 409, 'invitation_pending', 'email');
  expectError(assert, await call(server, 'POST', `/api/v1/teams/${team.id}/invitations`, { token: owner, body: { email: 'x@example.com', role: 'owner' } }), 400, 'invalid_field', 'role');
  expectError(assert, await call(server, 'POST', `/api/v1/teams/${team.id}/invitations`, { token: owner, body: { email: 'not-an-address' } }), 400, 'invalid_email');

  const bob = (await register(server, 'team-bob@example.com')).access_token;
  const carol = (await register(server, 'team-carol@example.com')).access_token;
  const pending = await call(server, 'GET', '/api/v1/teams/invitations', { token: bob });
  assert.equal(pending.json.data.items.length, 1);
  assert.equal(pending.json.data.items[0].team_name, 'Acme AI');
  const invitationId = pending.json.data.items[0].id;
  expectError(assert, await call(server, 'POST', `/api/v1/teams/invitations/${invitationId}/accept`, { token: carol }), 404, 'invitation_not_found');
  const accepted = await call(server, 'POST', `/api/v1/teams/invitations/${invitationId}/accept`, { token: bob });
  assert.equal(accepted.status, 200, accepted.body);
  assert.equal(accepted.json.data.role, 'member');
  expectError(assert, await call(server, 'POST', `/api/v1/teams/invitations/${invitationId}/accept`, { token: bob }), 404, 'invitation_not_found');
  expectError(assert, await call(server, 'POST', `/api/v1/teams/${team.id}/invitations`, { token: owner, body: { email: 'team-bob@example.com' } }), 409, 'already_member', 'email');
  const members = await call(server, 'GET', `/api/v1/teams/${team.id}/members`, { token: bob });
  assert.deepEqual(members.json.data.items.map((m) => [m.email, m.role]), [['team-owner@example.com', 'owner'], ['team-bob@example.com', 'member']]);
  expectError(assert, await call(server, 'GET', `/api/v1/teams/${team.id}/members`, { token: carol }), 404, 'team_not_found');
  expectError(assert, await call(server, 'POST', `/api/v1/teams/${team.id}/invitations`, { token: bob, body: { email: 'y@example.com' } }), 403, 'forbidden');

  // A member spends the team's credits with X-Account-Id; the personal balance is untouched.
  await grantCredits(server, admin, team.id, 100);
  const ran = await call(server, 'POST', '/api/v1/tools/nano-banana-pro/runs', { ...as(bob, team.id), body: { prompt: 'team logo' } });
  assert.equal(ran.status, 201, ran.body);
  assert.equal(ran.json.data.cost, 4);
  assert.equal(ran.json.data.credits, 96);
  assert.equal((await call(server, 'GET', '/api/v1/credit/balance', as(owner, team.id))).json.data.credits, 96);
  assert.equal((await balance(server, bob)).credits, 0);
  expectError(assert, await call(server, 'POST', '/api/v1/tools/nano-banana/runs', { ...as(carol, team.id), body: { prompt: 'p' } }), 404, 'team_not_found', 'X-Account-Id');
  expectError(assert, await call(server, 'GET', '/api/v1/credit/balance', { token: bob, headers: { 'x-account-id': 'abc' } }), 400, 'invalid_field', 'X-Account-Id');

  // The team plan subscribes the team account (sandbox here); only owners and admins manage it.
  expectError(assert, await call(server, 'POST', '/api/subscription/checkout', { ...as(bob, team.id), body: { priceId: 'sandbox_team_monthly' } }), 403, 'forbidden');
  const checkout = await call(server, 'POST', '/api/subscription/checkout', { ...as(owner, team.id), body: { priceId: 'sandbox_team_monthly' } });
  assert.equal(checkout.status, 200, checkout.body);
  const paid = await call(server, 'POST', `${new URL(checkout.json.data.checkoutUrl).pathname}/pay`);
  assert.equal(paid.status, 200);
  const teamPlan = await call(server, 'GET', '/api/subscription', as(bob, team.id));
  assert.equal(teamPlan.json.data.plan.key, 'team');
  assert.equal((await call(server, 'GET', '/api/v1/credit/balance', as(bob, team.id))).json.data.credits, 96 + 10000);
  const personal = await call(server, 'GET', '/api/subscription', { token: owner });
  assert.equal(personal.json.data.plan.key, 'free', 'the owner\'s own account is not on the team plan');
  const usage = await call(server, 'GET', '/api/subscription/usage', as(bob, team.id));
  assert.equal(usage.json.data.plan, 'team');
  assert.equal(usage.json.data.resources.images.used, 1);
  expectError(assert, await call(server, 'POST', '/api/subscription/cancel', as(bob, team.id)), 403, 'forbidden');

  // Removal and leaving.
  const carolInvite = await call(server, 'POST', `/api/v1/teams/${team.id}/invitations`, { token: owner, body: { email: 'team-carol@example.com', role: 'admin' } });
  await call(server, 'POST', `/api/v1/teams/invitations/${carolInvite.json.data.id}/accept`, { token: carol });
  const ids = Object.fromEntries((await call(server, 'GET', `/api/v1/teams/${team.id}/members`, { token: owner })).json.data.items.map((m) => [m.email, m.user_id]));
  expectError(assert, await call(server, 'DELETE', `/api/v1/teams/${team.id}/members/${ids['team-owner@example.com']}`, { token: carol }), 403, 'forbidden');
  const removed = await call(server, 'DELETE', `/api/v1/teams/${team.id}/members/${ids['team-bob@example.com']}`, { token: carol });
  assert.equal(removed.status, 200, removed.body);
  expectError(assert, await call(server, 'DELETE', `/api/v1/teams/${team.id}/members/${ids['team-bob@example.com']}`, { token: carol }), 404, 'user_not_found');
  expectError(assert, await call(server, 'GET', '/api/v1/credit/balance', as(bob, team.id)), 404, 'team_not_found', 'X-Account-Id');
  expectError(assert, await call(server, 'POST', `/api/v1/teams/${team.id}/leave`, { token: owner }), 409, 'owner_cannot_leave');
  assert.equal((await call(server, 'POST', `/api/v1/teams/${team.id}/leave`, { token: carol })).status, 200);
  const left = await call(server, 'GET', '/api/v1/teams', { token: carol });
  assert.deepEqual(left.json.data.items, []);
});
