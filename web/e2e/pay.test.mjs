// The payment step end to end in real Chromium, against a real creditd with the fake Alipay
// (当面付 QR codes for desktops, ALIPAY_QR; wap pay for phones) and the fake EPay aggregator
// (WeChat Pay) of the API tests (tests/api/lib/fake-*.mjs):
//   - QR: the portal draws the order's code; the test reads it back from the screen's pixels with
//     a QR decoder (jsQR), as the payer's phone would, and the fake Alipay pays the trade that code
//     belongs to and notifies creditd; the portal shows the order paid and the new balance. The
//     code fits a phone's screen and is captioned in Chinese and English.
//   - WeChat Pay Native, on a server of its own with the fake WeChat Pay: the same, with the
//     weixin:// code WeChat Pay made for the order.
//   - Redirect: the link opens the provider's checkout in a new tab; the fake pays the trade named
//     by that page's URL and notifies creditd; the portal shows it paid, and so does the page the
//     checkout returns to.
// Screenshots go to web/test-results/screenshots/pay-*.png.
/* global document, Image -- used only inside page.evaluate(), which runs in the browser */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import jsQR from 'jsqr';
import { startServer, makeDataDir, removeDataDir } from '../../tests/api/lib/server.mjs';
import { startFakeAlipay, alipayEnv } from '../../tests/api/lib/fake-alipay.mjs';
import { startFakeEpay, epayEnv } from '../../tests/api/lib/fake-epay.mjs';
import { startFakeWechatpay, wechatpayEnv } from '../../tests/api/lib/fake-wechatpay.mjs';
import { WEB_ROOT, launchChromium, screenshot, screenshots } from './chromium.mjs';

let alipay;
let epay;
let server;
let browser;
before(async () => {
  alipay = await startFakeAlipay();
  epay = await startFakeEpay();
  // Alipay takes `alipay` orders and EPay keeps `wechat` (docs/payments/alipay.md).
  const dataDir = makeDataDir();
  server = await startServer({
    dataDir,
    env: {
      CREDITD_WEB_ROOT: WEB_ROOT,
      ...alipayEnv(alipay, dataDir),
      ALIPAY_QR: 'true',
      ...epayEnv(epay),
    },
  });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
  await alipay?.close();
  await epay?.close();
});

// A new account signed in on a page of its own, in `locale` at `width` px, on server `at`.
async function signedIn(email, { locale, width, at = server }) {
  const context = await browser.newContext({ locale, viewport: { width, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(at.url);
  const zh = locale.startsWith('zh');
  await page
    .getByRole('button', { name: zh ? '还没有账号？立即注册' : 'No account yet? Create one' })
    .click();
  await page.getByLabel(zh ? '邮箱' : 'E-mail').fill(email);
  await page.getByLabel(zh ? '密码' : 'Password').fill('e2e-password-1');
  await page.getByRole('button', { name: zh ? '注册' : 'Create account', exact: true }).click();
  const credits = page.getByTestId('header-credits');
  await credits.filter({ hasText: /^0$/ }).waitFor();
  return { context, page, credits, errors };
}

// Buys the 100-credit pack (110 with its bonus) with `method`, named as the portal shows it.
async function buyPack(page, method, zh = true) {
  await page
    .getByRole('navigation', { name: 'main' })
    .getByRole('link', { name: zh ? '充值' : 'Recharge', exact: true })
    .click();
  await page.getByLabel(method, { exact: true }).check();
  await page.getByRole('button', { name: zh ? '购买 100 积分' : 'Buy 100 credits' }).click();
}

// Reads the QR code `locator` shows from the screen's pixels: a screenshot of it, decoded to RGBA
// by the browser's image decoder, then read by jsQR.
async function scanQr(page, locator) {
  const png = await locator.screenshot();
  const { width, height, data } = await page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    return { width: pixels.width, height: pixels.height, data: Array.from(pixels.data) };
  }, png.toString('base64'));
  const code = jsQR(Uint8ClampedArray.from(data), width, height);
  assert.ok(code, 'the QR code on the screen decodes');
  return code.data;
}

// Asserts `locator` lies wholly inside the viewport.
async function assertInViewport(page, locator, what) {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize();
  assert.ok(box, `${what} is laid out`);
  const inside =
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.width <= viewport.width &&
    box.y + box.height <= viewport.height;
  assert.ok(inside, `${what} ${JSON.stringify(box)} lies inside ${JSON.stringify(viewport)}`);
}

test('a recharge paid by scanning its Alipay QR code, captioned in Chinese and English, on a desktop and a phone screen', async () => {
  const { context, page, credits, errors } = await signedIn('qr@example.com', {
    locale: 'zh-CN',
    width: 1280,
  });
  await buyPack(page, '支付宝');
  const qr = page.getByRole('img', { name: /^订单 R\d+ 的付款二维码$/ });
  await qr.waitFor();
  const orderNo = (await qr.getAttribute('aria-label')).match(/R\d+/)[0];
  await page.getByText(`等待订单 ${orderNo} 支付…`).waitFor();
  await page.getByText('请使用支付宝扫描二维码付款。', { exact: true }).waitFor();
  await page.getByText(/^请在 .+ 前完成支付。$/).waitFor();
  assert.equal(await page.locator('.pay a').count(), 0, 'a QR order has no link to open');
  await assertInViewport(page, qr, 'the QR code');
  const payload = await scanQr(page, qr);
  assert.match(payload, /^https:\/\/qr\.alipay\.com\/bax0\d{6}$/);
  await screenshot(page, 'pay-qr-1280');

  // On a phone's width the code fits the screen and still scans.
  await page.setViewportSize({ width: 390, height: 844 });
  await qr.scrollIntoViewIfNeeded();
  await assertInViewport(page, qr, 'the QR code at 390 px');
  assert.ok((await qr.boundingBox()).width >= 200, 'the code stays large enough to scan');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  assert.equal(await scanQr(page, qr), payload);
  await screenshot(page, 'pay-qr-390');
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('img', { name: `QR code to pay order ${orderNo}` }).waitFor();
  await page.getByText('Scan the QR code with the Alipay app to pay.', { exact: true }).waitFor();
  await screenshots(page, 'pay-qr-en');

  // The payer scans the code and pays in the app; Alipay notifies creditd.
  const trade = alipay.tradeOfQr(payload);
  assert.equal(trade, orderNo);
  alipay.pay(trade);
  assert.deepEqual(await alipay.notify(trade), [{ status: 200, body: 'success' }]);
  await page.getByText('Paid. Your balance is now 110 credits.').waitFor();
  await credits.filter({ hasText: /^110$/ }).waitFor();
  assert.equal(await qr.count(), 0, 'the code is gone once paid');
  await screenshots(page, 'pay-qr-paid-en');
  assert.deepEqual(errors, []);
  await context.close();
});

// Pays the order whose checkout the panel's link opens: `trade` reads the provider's trade
// number from the checkout's URL, `pay` pays it there and notifies creditd. Returns that URL.
async function payByRedirect(page, { checkout, trade, pay }) {
  const link = page.locator('.pay a');
  await link.waitFor();
  await assertInViewport(page, link, 'the link to the checkout');
  const [tab] = await Promise.all([page.waitForEvent('popup'), link.click()]);
  await tab.waitForLoadState();
  const url = new URL(tab.url());
  assert.equal(`${url.origin}${url.pathname}`, checkout);
  await tab.getByText('收银台').waitFor();
  const orderNo = trade(url);
  assert.match(await page.locator('.pay [role=status]').textContent(), new RegExp(orderNo));
  await pay(orderNo);
  return { tab, url, orderNo };
}

test('a recharge paid by redirect: WeChat Pay at EPay on a desktop, back to the portal from the checkout', async () => {
  const { context, page, credits, errors } = await signedIn('epay@example.com', {
    locale: 'zh-CN',
    width: 1280,
  });
  await buyPack(page, '微信支付');
  const { tab, url, orderNo } = await payByRedirect(page, {
    checkout: `${epay.url}/submit.php`,
    trade: (checkout) => checkout.searchParams.get('out_trade_no'),
    pay: async (orderNo) => {
      epay.pay(orderNo);
      assert.deepEqual(await epay.notify(orderNo), [{ status: 200, body: 'success' }]);
    },
  });
  assert.equal(url.searchParams.get('type'), 'wxpay');
  await page.getByText('支付成功，当前余额 110 积分。').waitFor();
  await credits.filter({ hasText: /^110$/ }).waitFor();
  await screenshots(page, 'pay-redirect');

  // The checkout sends the payer back to the order's page, which shows it paid.
  const back = url.searchParams.get('return_url');
  assert.equal(back, `${server.url}/credit/recharge?order_no=${orderNo}`);
  await tab.goto(back);
  await tab.getByText('支付成功，当前余额 110 积分。').waitFor();
  await tab.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a recharge paid by redirect on a phone: Alipay wap pay, in English', async () => {
  const { context, page, credits, errors } = await signedIn('wap@example.com', {
    locale: 'en-US',
    width: 390,
  });
  await buyPack(page, 'Alipay', false);
  const { tab, url } = await payByRedirect(page, {
    checkout: `${alipay.url}/gateway.do`,
    trade: (checkout) => JSON.parse(checkout.searchParams.get('biz_content')).out_trade_no,
    pay: async (orderNo) => {
      alipay.pay(orderNo);
      assert.deepEqual(await alipay.notify(orderNo), [{ status: 200, body: 'success' }]);
    },
  });
  assert.equal(url.searchParams.get('method'), 'alipay.trade.wap.pay');
  await tab.close();
  await page.getByText('Paid. Your balance is now 110 credits.').waitFor();
  await credits.filter({ hasText: /^110$/ }).waitFor();
  await screenshot(page, 'pay-wap-390');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a recharge paid by scanning its WeChat Pay Native code', async () => {
  // WeChat Pay's own merchant takes `wechat` orders (instead of EPay): a server of its own.
  const wechat = await startFakeWechatpay();
  const dataDir = makeDataDir();
  const own = await startServer({
    dataDir,
    env: { CREDITD_WEB_ROOT: WEB_ROOT, ...wechatpayEnv(wechat, dataDir) },
  });
  try {
    const { context, page, credits, errors } = await signedIn('wechat-qr@example.com', {
      locale: 'zh-CN',
      width: 1280,
      at: own,
    });
    await buyPack(page, '微信支付');
    const qr = page.getByRole('img', { name: /^订单 R\d+ 的付款二维码$/ });
    await qr.waitFor();
    await page.getByText('请使用微信扫一扫，扫描二维码付款。', { exact: true }).waitFor();
    await assertInViewport(page, qr, 'the QR code');
    const payload = await scanQr(page, qr);
    assert.match(payload, /^weixin:\/\/wxpay\/bizpayurl\?pr=wx\d{8}$/);
    await screenshot(page, 'pay-wechat-qr-1280');
    const trade = wechat.tradeOf(payload);
    wechat.pay(trade);
    assert.deepEqual(await wechat.notify(trade), [{ status: 200, body: '' }]);
    await page.getByText('支付成功，当前余额 110 积分。').waitFor();
    await credits.filter({ hasText: /^110$/ }).waitFor();
    assert.equal(await qr.count(), 0, 'the code is gone once paid');
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await own.stop();
    removeDataDir(own.dataDir);
    await wechat.close();
  }
});
