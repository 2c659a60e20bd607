// A local fake of Alipay's open-platform gateway for the black-box tests (creditd is pointed at
// it with ALIPAY_GATEWAY). Both sides of the keys are made here, and the official `alipay-sdk`
// package checks every signature that crosses:
//   - the page/wap-pay URL and every API request creditd sends are verified with the SDK as
//     Alipay would (sign_type included, SHA256withRSA with the app's public key); a bad one gets
//     Alipay's error page or answer;
//   - answers (alipay.trade.query, alipay.trade.refund) are signed over the exact text of their
//     <method>_response member, written with Alipay's "\/" escapes, and checked by the SDK's
//     checkResponseSign before they are sent;
//   - notifications are signed as Alipay signs them (everything but sign and sign_type) and
//     checked by the SDK's checkNotifySign from the merchant's side before they are delivered.
// pay() marks a trade paid; notification()/deliver() build and POST notifications, which tests
// repeat, shuffle, drop, corrupt or alter; refunds follow out_request_no like Alipay's.
import http from 'node:http';
import { generateKeyPairSync, createSign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { AlipaySdk } from 'alipay-sdk';

export const ALIPAY_APP_ID = '2021000000000001';
export const ALIPAY_SELLER_ID = '2088000000000001';

const keyPair = () => generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

// Beijing time, as Alipay writes it: "2026-12-03 15:56:25".
export const beijingTime = (ms = Date.now()) => new Date(ms + 8 * 3600 * 1000).toISOString().replace('T', ' ').slice(0, 19);

// Writes the keys creditd needs into `dir` and returns its settings.
export function alipayEnv(fake, dir) {
  const privateFile = join(dir, 'alipay-app-private.pem');
  const publicFile = join(dir, 'alipay-public.pem');
  writeFileSync(privateFile, fake.appPrivateKey, { mode: 0o600 });
  writeFileSync(publicFile, fake.alipayPublicKey);
  return {
    ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY_FILE: privateFile, ALIPAY_PUBLIC_KEY_FILE: publicFile,
    ALIPAY_GATEWAY: `${fake.url}/gateway.do`, ALIPAY_SELLER_ID,
  };
}

export async function startFakeAlipay() {
  const app = keyPair(); // creditd's app key: creditd signs with it, Alipay verifies.
  const platform = keyPair(); // Alipay's key: Alipay signs with it, creditd verifies.
  // Alipay's view: verifies what the app sends.
  const alipaySide = new AlipaySdk({ appId: ALIPAY_APP_ID, keyType: 'PKCS8', privateKey: platform.privateKey, alipayPublicKey: app.publicKey });
  // The merchant's view: what a merchant using the official SDK would accept from Alipay.
  const merchantSide = new AlipaySdk({ appId: ALIPAY_APP_ID, keyType: 'PKCS8', privateKey: app.privateKey, alipayPublicKey: platform.publicKey });

  const requests = [];
  const trades = new Map(); // out_trade_no -> { biz, notifyUrl, tradeNo, status, refunds: Map, refunded }
  let tradeCounter = 0;
  let answerMode = 'signed';
  let qrCounter = 0;

  const signWithPlatform = (text) => createSign('RSA-SHA256').update(text, 'utf8').sign(platform.privateKey, 'base64');

  function answer(response, method, object) {
    const key = `${method.replaceAll('.', '_')}_response`;
    // Alipay escapes '/' in its JSON: the signature covers that text exactly.
    const text = JSON.stringify(object).replaceAll('/', '\\/');
    const sign = signWithPlatform(text);
    let body = `{"${key}":${text},"sign":"${sign}"}`;
    merchantSide.checkResponseSign(body, key, sign, 'fake'); // Throws if the SDK disagrees.
    // A test may have the next answers altered on the way: unsigned, or changed after signing.
    if (answerMode === 'unsigned') body = `{"${key}":${text}}`;
    if (answerMode === 'tampered') body = body.replace('WAIT_BUYER_PAY', 'TRADE_SUCCESS');
    response.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    response.end(body);
  }

  function verified(params) {
    return params.app_id === ALIPAY_APP_ID && alipaySide.checkNotifySign(params, true);
  }

  function page(params, response) {
    if (!verified(params)) {
      response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      return response.end('<p>错误代码 invalid-signature 验签出错</p>');
    }
    const biz = JSON.parse(params.biz_content);
    if (!trades.has(biz.out_trade_no)) {
      trades.set(biz.out_trade_no, { biz, method: params.method, notifyUrl: params.notify_url, tradeNo: '', status: 'WAIT_BUYER_PAY', refunds: new Map(), refunded: 0 });
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return response.end(`<p>支付宝收银台: ${biz.subject} ￥${biz.total_amount}</p>`);
  }

  function api(params, response) {
    if (!verified(params)) {
      return answer(response, params.method ?? 'error', { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature', sub_msg: '验签出错' });
    }
    const biz = JSON.parse(params.biz_content);
    if (params.method === 'alipay.trade.precreate') {
      // 当面付: the trade exists once its QR code is made; the same order gets the same code.
      if (!params.notify_url) {
        return answer(response, params.method, { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.missing-notify-url' });
      }
      if (!trades.has(biz.out_trade_no)) {
        qrCounter += 1;
        trades.set(biz.out_trade_no, {
          biz, method: params.method, notifyUrl: params.notify_url, tradeNo: '', status: 'WAIT_BUYER_PAY', refunds: new Map(), refunded: 0,
          qrCode: `https://qr.alipay.com/bax0${String(qrCounter).padStart(6, '0')}`,
        });
      }
      const made = trades.get(biz.out_trade_no);
      return answer(response, params.method, { code: '10000', msg: 'Success', out_trade_no: biz.out_trade_no, qr_code: made.qrCode });
    }
    const trade = trades.get(biz.out_trade_no);
    if (!trade) {
      return answer(response, params.method, { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST', sub_msg: '交易不存在' });
    }
    if (params.method === 'alipay.trade.query') {
      return answer(response, params.method, {
        code: '10000', msg: 'Success', trade_no: trade.tradeNo, out_trade_no: biz.out_trade_no, trade_status: trade.status,
        total_amount: trade.biz.total_amount, buyer_logon_id: 'pay***@example.com',
      });
    }
    if (params.method === 'alipay.trade.close') {
      if (trade.status !== 'WAIT_BUYER_PAY') {
        return answer(response, params.method, { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_STATUS_ERROR', sub_msg: '交易状态不合法' });
      }
      trade.status = 'TRADE_CLOSED';
      return answer(response, params.method, { code: '10000', msg: 'Success', trade_no: trade.tradeNo, out_trade_no: biz.out_trade_no });
    }
    if (params.method === 'alipay.trade.refund') {
      if (trade.status !== 'TRADE_SUCCESS') {
        return answer(response, params.method, { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_STATUS_ERROR', sub_msg: '交易状态不合法' });
      }
      const cents = Math.round(Number(biz.refund_amount) * 100);
      let fundChange = 'N';
      if (!trade.refunds.has(biz.out_request_no)) {
        if (trade.refunded + cents > Math.round(Number(trade.biz.total_amount) * 100)) {
          return answer(response, params.method, { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', sub_msg: '退款金额超限' });
        }
        trade.refunds.set(biz.out_request_no, cents);
        trade.refunded += cents;
        fundChange = 'Y';
      }
      return answer(response, params.method, {
        code: '10000', msg: 'Success', trade_no: trade.tradeNo, out_trade_no: biz.out_trade_no, fund_change: fundChange,
        refund_fee: (trade.refunded / 100).toFixed(2), buyer_logon_id: 'pay***@example.com',
      });
    }
    return answer(response, params.method, { code: '40004', msg: 'Business Failed', sub_code: 'isv.invalid-method' });
  }

  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url, 'http://fake.alipay');
      const body = Buffer.concat(chunks).toString('utf8');
      const params = request.method === 'POST' ? Object.fromEntries(new URLSearchParams(body)) : Object.fromEntries(url.searchParams);
      requests.push({ method: request.method, path: url.pathname, params });
      if (url.pathname !== '/gateway.do') {
        response.writeHead(404);
        return response.end();
      }
      return request.method === 'GET' ? page(params, response) : api(params, response);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fakeUrl = `http://127.0.0.1:${server.address().port}`;

  return {
    url: fakeUrl,
    requests,
    trades,
    appPrivateKey: app.privateKey,
    alipayPublicKey: platform.publicKey,
    // Opens creditd's checkout URL as the payer's browser would; returns its parameters.
    async open(payUrl) {
      assert.ok(payUrl.startsWith(`${fakeUrl}/gateway.do?`), payUrl);
      const response = await fetch(payUrl);
      const text = await response.text();
      assert.equal(response.status, 200, text);
      return Object.fromEntries(new URL(payUrl).searchParams);
    },
    // 'signed' (the default), 'unsigned' or 'tampered' for the answers that follow.
    setAnswerMode(mode) { answerMode = mode; },
    // The payer scans a QR code with the Alipay app: the trade it was made for.
    tradeOfQr(qrCode) {
      for (const [outTradeNo, trade] of trades) {
        if (trade.qrCode === qrCode) return outTradeNo;
      }
      assert.fail(`no Alipay trade has the QR code ${qrCode}`);
    },
    pay(outTradeNo) {
      const trade = trades.get(outTradeNo);
      assert.ok(trade, `no Alipay trade ${outTradeNo}`);
      assert.notEqual(trade.status, 'TRADE_CLOSED', 'a closed trade cannot be paid');
      tradeCounter += 1;
      trade.tradeNo = `2026120322001400${String(tradeCounter).padStart(12, '0')}`;
      trade.status = 'TRADE_SUCCESS';
      return trade;
    },
    // A notification as Alipay signs it; `change` alters values before signing, `corrupt` after.
    notification(outTradeNo, { change = {}, corrupt = {} } = {}) {
      const trade = trades.get(outTradeNo);
      const params = {
        app_id: ALIPAY_APP_ID, auth_app_id: ALIPAY_APP_ID, charset: 'utf-8', version: '1.0',
        notify_type: 'trade_status_sync', notify_id: `${Date.now()}${Math.random().toString().slice(2, 8)}`,
        notify_time: beijingTime(), gmt_create: beijingTime(), gmt_payment: beijingTime(),
        trade_no: trade.tradeNo, out_trade_no: outTradeNo, trade_status: trade.status,
        total_amount: trade.biz.total_amount, receipt_amount: trade.biz.total_amount, buyer_pay_amount: trade.biz.total_amount,
        subject: trade.biz.subject, seller_id: ALIPAY_SELLER_ID, buyer_id: '2088102534368455',
        ...(trade.refunded > 0 ? { refund_fee: (trade.refunded / 100).toFixed(2), gmt_refund: `${beijingTime()}.000` } : {}),
        ...change,
      };
      const content = Object.keys(params).sort().map((key) => `${key}=${params[key]}`).join('&');
      params.sign = signWithPlatform(content);
      params.sign_type = 'RSA2';
      assert.ok(merchantSide.checkNotifySign(params, true), 'the SDK accepts the notification');
      return { ...params, ...corrupt };
    },
    // POSTs notifications as forms to `notifyUrl`, in the given order; returns each answer.
    async deliver(notifyUrl, notifications) {
      const answers = [];
      for (const params of notifications) {
        const response = await fetch(notifyUrl, {
          method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(params).toString(),
        });
        answers.push({ status: response.status, body: await response.text() });
      }
      return answers;
    },
    async notify(outTradeNo, options = {}) {
      return this.deliver(trades.get(outTradeNo).notifyUrl, [this.notification(outTradeNo, options)]);
    },
    close() {
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
