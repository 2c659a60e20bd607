// End to end in real Chromium (Debian's, driven by playwright-core) against a real creditd
// serving the built portal (web/dist): register -> recharge through the sandbox -> the header's
// balance updates -> buy a membership -> run a tool -> the transaction is listed -> subscribe to
// Pro through the sandbox and cancel -> reload (the session survives through the refresh cookie
// alone) -> switch to English -> log out. Every page is screenshotted at 390 and 1280 px, in
// Chinese and in English, into web/test-results/screenshots/.
/* global document -- read only inside page.evaluate(), which runs in the browser */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDataDir } from '../../tests/api/lib/server.mjs';
import { WEB_ROOT, launchChromium, screenshots } from './chromium.mjs';

const PAGES = [
  ['dashboard', '/'],
  ['recharge', '/credit/recharge'],
  ['membership', '/credit/membership'],
  ['transactions', '/credit/transactions'],
  ['subscription', '/subscription'],
  ['tools', '/tools'],
];

let server;
let browser;
before(async () => {
  server = await startServer({ env: { CREDITD_WEB_ROOT: WEB_ROOT } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

// Pays the order whose payment page the link opens: the sandbox page's Pay button, in its tab.
async function payInSandbox(page) {
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('.pay a').click()]);
  await popup.waitForLoadState();
  await popup.getByRole('button', { name: /^Pay/ }).click();
  await popup.waitForLoadState();
  await popup.close();
}

test('register, recharge, membership, a tool run, transactions, English, log out', async () => {
  const context = await browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.url);
  await page.getByRole('heading', { name: '登录' }).waitFor();
  await screenshots(page, 'login');

  await page.getByRole('button', { name: '还没有账号？立即注册' }).click();
  await page.getByLabel('邮箱').fill('e2e@example.com');
  await page.getByLabel('密码').fill('e2e-password-1');
  await page.getByRole('button', { name: '注册', exact: true }).click();
  const credits = page.getByTestId('header-credits');
  await credits.filter({ hasText: /^0$/ }).waitFor();

  // Recharge 100 + 10 bonus through the sandbox; the header follows.
  await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: '充值' }).click();
  await page.getByLabel('沙箱（测试）').check();
  await page.getByRole('button', { name: '购买 100 积分' }).click();
  await page.getByText(/等待订单 R\d+ 支付/).waitFor();
  await payInSandbox(page);
  await page.getByText('支付成功，当前余额 110 积分。').waitFor();
  await credits.filter({ hasText: /^110$/ }).waitFor();
  await screenshots(page, 'recharge');

  // A monthly membership: the badge appears.
  await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: '会员' }).click();
  await page.getByLabel('沙箱（测试）').check();
  await page.getByRole('button', { name: '购买 月度会员' }).click();
  await payInSandbox(page);
  await page.getByText(/支付成功，会员有效期至/).waitFor();
  await page.getByTestId('member-badge').waitFor();

  // A tool run: a real PNG comes back; members run for free. A failed run says so.
  await page
    .getByRole('navigation', { name: 'main' })
    .getByRole('link', { name: 'AI 工具' })
    .click();
  await page.getByRole('button', { name: '生成 Nano Banana', exact: true }).click();
  await page.getByLabel('提示词').fill('a red fox in the snow');
  await page.locator('form.run').getByRole('button', { name: '生成' }).click();
  const image = page.locator('.result img');
  await image.waitFor();
  assert.ok(
    await image.evaluate((img) => img.complete && img.naturalWidth > 0),
    'the generated image renders',
  );
  await page.getByText('消耗 0 积分，余额 110 积分。').waitFor();
  await page.getByLabel('模拟失败').check();
  await page.locator('form.run').getByRole('button', { name: '生成' }).click();
  await page.getByText(/生成失败.*积分已退回/).waitFor();

  // The recharge is listed; its order opens on click.
  await page
    .getByRole('navigation', { name: 'main' })
    .getByRole('link', { name: '交易记录' })
    .click();
  const row = page.locator('tbody tr', { hasText: 'RECHARGE' });
  await row.waitFor();
  assert.match(await row.textContent(), /\+110/);
  await row.click();
  await page.getByText('订单号').waitFor();

  // Subscribe to Pro through the sandbox checkout and come back: the plan's credits arrive;
  // cancelling keeps the plan until the period ends.
  await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: '订阅' }).click();
  await page
    .locator('li.card', { has: page.getByRole('heading', { name: 'Pro', exact: true }) })
    .getByRole('button', { name: '选择' })
    .click();
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.getByRole('link', { name: 'Back to your subscription' }).click();
  await page.getByRole('heading', { name: '当前套餐: Pro' }).waitFor();
  await credits.filter({ hasText: /^1110$/ }).waitFor();
  await page.getByRole('button', { name: '取消订阅' }).click();
  await page.getByText('订阅将在本期结束时终止。').waitFor();
  await page.getByText(/将于本期结束时.*取消/).waitFor();

  // A reload keeps the session through the HttpOnly cookie alone; no token in storage.
  await page.reload();
  await credits.filter({ hasText: /^1110$/ }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
  const cookies = await context.cookies();
  const refresh = cookies.find((cookie) => cookie.name === 'creditd_refresh');
  assert.ok(refresh?.httpOnly && refresh.sameSite === 'Strict', JSON.stringify(cookies));
  assert.equal(await page.evaluate(() => document.cookie), '');

  for (const [name, path] of PAGES) {
    await page.goto(`${server.url}${path}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    await screenshots(page, name);
  }

  // Every page in English too (the language is kept in memory: navigate inside the app).
  await page.getByLabel('语言').selectOption('en');
  const english = [
    ['dashboard', 'Dashboard', 'Dashboard'],
    ['recharge', 'Recharge', 'Recharge credits'],
    ['membership', 'Membership', 'Membership'],
    ['transactions', 'Transactions', 'Transactions'],
    ['subscription', 'Subscription', 'Subscription'],
    ['tools', 'AI tools', 'AI tools'],
  ];
  for (const [name, link, heading] of english) {
    await page
      .getByRole('navigation', { name: 'main' })
      .getByRole('link', { name: link, exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
    await page.waitForLoadState('networkidle');
    await screenshots(page, `${name}-en`);
  }
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  assert.equal(
    (await context.cookies()).find((cookie) => cookie.name === 'creditd_refresh'),
    undefined,
  );
  assert.deepEqual(errors, []);
  await context.close();
});
