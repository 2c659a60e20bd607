// A local fake of WeChat Pay API v3 for the black-box tests (creditd is pointed at it with
// WECHATPAY_API_BASE). Both sides of the keys are made here, and the official
// `wechatpay-axios-plugin` package does the cryptography of every message that crosses:
//   - every request creditd sends is checked as WeChat Pay checks it: the Authorization header's
//     mchid and serial_no, and its signature verified with the SDK's Rsa.verify over
//     Formatter.request(method, path?query, timestamp, nonce, body) with the merchant's public
//     key; a bad one gets WeChat Pay's signed 401 SIGN_ERROR;
//   - every answer and notification is signed with the SDK (Rsa.sign over Formatter.response)
//     with WeChat Pay's key, and checked with Rsa.verify before it leaves;
//   - notification resources are sealed with the SDK's Aes.AesGcm under the APIv3 key.
// pay() marks a trade paid; notification()/refundNotification()/deliver() build and POST
// notifications, which tests repeat, shuffle, drop, corrupt or alter; refunds follow
// out_refund_no like WeChat Pay's.
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import wechatpay from 'wechatpay-axios-plugin';

const { Rsa, Aes, Formatter } = wechatpay;

export const WECHATPAY_MCHID = '1900000001';
export const WECHATPAY_APPID = 'wx0000000000000001';
export const WECHATPAY_SERIAL_NO = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
export const WECHATPAY_KEY_ID = 'PUB_KEY_ID_0119000000012026120300000000000001';

const keyPair = () => generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

// WeChat Pay's times: RFC 3339 in Beijing time.
const wechatTime = (ms = Date.now()) => `${new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 19)}+08:00`;

// Writes the keys creditd needs into `dir` and returns its settings.
export function wechatpayEnv(fake, dir) {
  const privateFile = join(dir, 'wechatpay-apiclient-key.pem');
  const publicFile = join(dir, 'wechatpay-pub-key.pem');
  const apiV3File = join(dir, 'wechatpay-apiv3-key');
  writeFileSync(privateFile, fake.merchantPrivateKey, { mode: 0o600 });
  writeFileSync(publicFile, fake.wechatPublicKey);
  writeFileSync(apiV3File, `${fake.apiV3Key}\n`, { mode: 0o600 });
  return {
    WECHATPAY_MCHID, WECHATPAY_APPID, WECHATPAY_SERIAL_NO, WECHATPAY_PUBLIC_KEY_ID: WECHATPAY_KEY_ID,
    WECHATPAY_PRIVATE_KEY_FILE: privateFile, WECHATPAY_PUBLIC_KEY_FILE: publicFile, WECHATPAY_APIV3_KEY_FILE: apiV3File,
    WECHATPAY_API_BASE: fake.url,
  };
}

// The parameters of a WECHATPAY2-SHA256-RSA2048 Authorization header.
function authorizationOf(header = '') {
  const prefix = 'WECHATPAY2-SHA256-RSA2048 ';
  if (!header.startsWith(prefix)) return null;
  return Object.fromEntries([...header.slice(prefix.length).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

export async function startFakeWechatpay() {
  const merchant = keyPair(); // creditd's merchant API key: creditd signs, WeChat Pay verifies.
  const platform = keyPair(); // WeChat Pay's key: WeChat Pay signs, creditd verifies.
  const apiV3Key = randomBytes(16).toString('hex'); // 32 characters, as the merchant platform takes.

  const requests = [];
  const trades = new Map(); // out_trade_no -> { request, kind, notifyUrl, codeUrl, state, transactionId, refunds: Map }
  let counter = 0;
  let answerMode = 'signed';
  let refundStatus = 'PROCESSING';

  // Headers that sign `body` as WeChat Pay does, checked with the SDK before use.
  function signedHeaders(body, { timestamp = Formatter.timestamp(), serial = WECHATPAY_KEY_ID } = {}) {
    const nonce = Formatter.nonce();
    const signature = Rsa.sign(Formatter.response(timestamp, nonce, body), platform.privateKey);
    assert.ok(Rsa.verify(Formatter.response(timestamp, nonce, body), signature, platform.publicKey), 'the SDK verifies the signature');
    return { 'wechatpay-timestamp': String(timestamp), 'wechatpay-nonce': nonce, 'wechatpay-signature': signature, 'wechatpay-serial': serial };
  }

  function answer(response, status, object) {
    let body = object === undefined ? '' : JSON.stringify(object);
    const headers = signedHeaders(body);
    // A test may have the next answers altered on the way: unsigned, or changed after signing.
    if (answerMode === 'unsigned') delete headers['wechatpay-signature'];
    if (answerMode === 'tampered') body = body.replace('NOTPAY', 'SUCCESS').replace('pr=wx', 'pr=xx');
    response.writeHead(status, { ...(body ? { 'content-type': 'application/json' } : {}), ...headers });
    response.end(body);
  }

  // WeChat Pay's check of a merchant request: who signs, with which certificate, and the SDK's
  // verification of the signature over exactly what was sent.
  function verified(request, uri, body) {
    const auth = authorizationOf(request.headers.authorization);
    return auth !== null && auth.mchid === WECHATPAY_MCHID && auth.serial_no === WECHATPAY_SERIAL_NO &&
      request.headers['wechatpay-serial'] === WECHATPAY_KEY_ID && Boolean(request.headers['user-agent']) &&
      Math.abs(Formatter.timestamp() - Number(auth.timestamp)) < 300 &&
      Rsa.verify(Formatter.request(request.method, uri, auth.timestamp, auth.nonce_str, body), auth.signature, merchant.publicKey);
  }

  const transaction = (outTradeNo, trade) => ({
    appid: WECHATPAY_APPID, mchid: WECHATPAY_MCHID, out_trade_no: outTradeNo,
    ...(trade.transactionId ? { transaction_id: trade.transactionId } : {}),
    trade_type: trade.kind === 'h5' ? 'MWEB' : 'NATIVE', trade_state: trade.state, trade_state_desc: trade.state,
    ...(trade.state === 'SUCCESS' || trade.state === 'REFUND' ? { success_time: wechatTime(), payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } } : {}),
    amount: { total: trade.request.amount.total, payer_total: trade.request.amount.total, currency: 'CNY', payer_currency: 'CNY' },
  });

  function order(kind, request, response) {
    const ok = request.appid === WECHATPAY_APPID && request.mchid === WECHATPAY_MCHID && typeof request.out_trade_no === 'string' &&
      Number.isInteger(request.amount?.total) && request.amount.total > 0 && request.amount.currency === 'CNY' &&
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/.test(request.time_expire) && request.notify_url?.startsWith('http') &&
      request.description?.length > 0 && (kind !== 'h5' || (request.scene_info?.payer_client_ip && request.scene_info?.h5_info?.type === 'Wap'));
    if (!ok) return answer(response, 400, { code: 'PARAM_ERROR', message: '参数错误' });
    if (!trades.has(request.out_trade_no)) {
      counter += 1;
      const prepay = `wx${String(counter).padStart(8, '0')}`;
      trades.set(request.out_trade_no, {
        request, kind, notifyUrl: request.notify_url, state: 'NOTPAY', transactionId: '', refunds: new Map(),
        codeUrl: kind === 'native' ? `weixin://wxpay/bizpayurl?pr=${prepay}` : `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepay}&package=1`,
      });
    }
    const trade = trades.get(request.out_trade_no);
    return answer(response, 200, kind === 'native' ? { code_url: trade.codeUrl } : { h5_url: trade.codeUrl });
  }

  const refundOf = (trade, outTradeNo, refund) => ({
    refund_id: refund.refundId, out_refund_no: refund.outRefundNo, transaction_id: trade.transactionId, out_trade_no: outTradeNo,
    channel: 'ORIGINAL', user_received_account: '支付用户零钱', status: refund.status, create_time: wechatTime(),
    amount: { refund: refund.amount, total: trade.request.amount.total, payer_refund: refund.amount, payer_total: trade.request.amount.total, currency: 'CNY' },
  });

  function refund(request, response) {
    const trade = trades.get(request.out_trade_no);
    if (!trade || (trade.state !== 'SUCCESS' && trade.state !== 'REFUND')) {
      return answer(response, 400, { code: 'INVALID_REQUEST', message: '订单状态不正确' });
    }
    if (!trade.refunds.has(request.out_refund_no)) {
      const refunded = [...trade.refunds.values()].reduce((sum, r) => sum + r.amount, 0);
      if (request.amount?.total !== trade.request.amount.total || !Number.isInteger(request.amount?.refund) ||
          request.amount.refund <= 0 || refunded + request.amount.refund > trade.request.amount.total) {
        return answer(response, 400, { code: 'INVALID_REQUEST', message: '退款金额超限' });
      }
      counter += 1;
      trade.refunds.set(request.out_refund_no, {
        refundId: `50300${String(counter).padStart(24, '0')}`, outRefundNo: request.out_refund_no, amount: request.amount.refund,
        status: refundStatus, notifyUrl: request.notify_url,
      });
      trade.state = 'REFUND';
    }
    return answer(response, 200, refundOf(trade, request.out_trade_no, trade.refunds.get(request.out_refund_no)));
  }

  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(request.url, 'http://fake.wechatpay');
      requests.push({ method: request.method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: body ? JSON.parse(body) : null, headers: request.headers });
      if (!verified(request, request.url, body)) {
        return answer(response, 401, { code: 'SIGN_ERROR', message: '签名错误' });
      }
      const json = body ? JSON.parse(body) : {};
      if (request.method === 'POST' && url.pathname === '/v3/pay/transactions/native') return order('native', json, response);
      if (request.method === 'POST' && url.pathname === '/v3/pay/transactions/h5') return order('h5', json, response);
      if (request.method === 'POST' && url.pathname === '/v3/refund/domestic/refunds') return refund(json, response);
      const close = url.pathname.match(/^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/);
      if (request.method === 'POST' && close && json.mchid === WECHATPAY_MCHID) {
        const trade = trades.get(decodeURIComponent(close[1]));
        if (!trade) return answer(response, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
        if (trade.state !== 'NOTPAY' && trade.state !== 'CLOSED') return answer(response, 400, { code: 'ORDERPAID', message: '订单已支付' });
        trade.state = 'CLOSED';
        return answer(response, 204);
      }
      const refundQuery = url.pathname.match(/^\/v3\/refund\/domestic\/refunds\/([^/]+)$/);
      if (request.method === 'GET' && refundQuery) {
        const outRefundNo = decodeURIComponent(refundQuery[1]);
        for (const [outTradeNo, trade] of trades) {
          if (trade.refunds.has(outRefundNo)) return answer(response, 200, refundOf(trade, outTradeNo, trade.refunds.get(outRefundNo)));
        }
        return answer(response, 404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
      }
      const query = url.pathname.match(/^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/);
      if (request.method === 'GET' && query && url.searchParams.get('mchid') === WECHATPAY_MCHID) {
        const outTradeNo = decodeURIComponent(query[1]);
        const trade = trades.get(outTradeNo);
        if (!trade) return answer(response, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
        return answer(response, 200, transaction(outTradeNo, trade));
      }
      return answer(response, 404, { code: 'NOT_FOUND', message: '无此接口' });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fakeUrl = `http://127.0.0.1:${server.address().port}`;

  // A notification as WeChat Pay sends it: `resource` sealed under `key`, the envelope signed.
  // `timestampOffset` (seconds) moves the signed time, `serial` names another key, `corrupt`
  // replaces headers after signing and `alter` changes the body after signing.
  function envelope(eventType, originalType, resource, { key = apiV3Key, timestampOffset = 0, serial, corrupt = {}, alter } = {}) {
    counter += 1;
    const nonce = randomBytes(6).toString('hex');
    const body = JSON.stringify({
      id: `EV-${Date.now()}-${counter}`, create_time: wechatTime(), resource_type: 'encrypt-resource', event_type: eventType,
      summary: eventType.startsWith('REFUND') ? '退款成功' : '支付成功',
      resource: { original_type: originalType, algorithm: 'AEAD_AES_256_GCM', ciphertext: Aes.AesGcm.encrypt(JSON.stringify(resource), key, nonce, originalType), associated_data: originalType, nonce },
    });
    const headers = signedHeaders(body, { timestamp: Formatter.timestamp() + timestampOffset, serial });
    return { headers: { 'content-type': 'application/json', ...headers, ...corrupt }, body: alter ? alter(body) : body };
  }

  return {
    url: fakeUrl,
    requests,
    trades,
    apiV3Key,
    merchantPrivateKey: merchant.privateKey,
    wechatPublicKey: platform.publicKey,
    // 'signed' (the default), 'unsigned' or 'tampered' for the answers that follow.
    setAnswerMode(mode) { answerMode = mode; },
    // 'PROCESSING' (the default: the refund notification settles it) or 'SUCCESS'.
    setRefundStatus(status) { refundStatus = status; },
    // The payer scans a Native code with WeChat, or opens an H5 page: the trade it was made for.
    tradeOf(url) {
      for (const [outTradeNo, trade] of trades) {
        if (url === trade.codeUrl || url.startsWith(`${trade.codeUrl}&`)) return outTradeNo;
      }
      return assert.fail(`no WeChat Pay trade has the URL ${url}`);
    },
    pay(outTradeNo) {
      const trade = trades.get(outTradeNo);
      assert.ok(trade, `no WeChat Pay trade ${outTradeNo}`);
      assert.notEqual(trade.state, 'CLOSED', 'a closed order cannot be paid');
      counter += 1;
      trade.transactionId = `42000000012026120${String(counter).padStart(11, '0')}`;
      trade.state = 'SUCCESS';
      return trade;
    },
    // TRANSACTION.SUCCESS of a paid trade; `change` alters the resource before sealing.
    notification(outTradeNo, { change = {}, ...options } = {}) {
      const trade = trades.get(outTradeNo);
      return envelope('TRANSACTION.SUCCESS', 'transaction', { ...transaction(outTradeNo, { ...trade, state: 'SUCCESS' }), ...change }, options);
    },
    // The refund (by out_refund_no) ends with `status` at WeChat Pay, without a notification.
    settleRefund(outTradeNo, outRefundNo, status = 'SUCCESS') {
      const refund = trades.get(outTradeNo)?.refunds.get(outRefundNo);
      assert.ok(refund, `no refund ${outRefundNo} of ${outTradeNo}`);
      refund.status = status;
    },
    // REFUND.SUCCESS of one refund (by out_refund_no), which the fake then counts as succeeded.
    refundNotification(outTradeNo, outRefundNo, options = {}) {
      const trade = trades.get(outTradeNo);
      const refund = trade.refunds.get(outRefundNo);
      assert.ok(refund, `no refund ${outRefundNo} of ${outTradeNo}`);
      refund.status = 'SUCCESS';
      const { channel: _channel, user_received_account: _account, create_time: _created, status, ...rest } = refundOf(trade, outTradeNo, refund);
      return envelope('REFUND.SUCCESS', 'refund', { mchid: WECHATPAY_MCHID, ...rest, refund_status: status, success_time: wechatTime() }, options);
    },
    // POSTs notifications to `notifyUrl` in the given order; returns each answer.
    async deliver(notifyUrl, notifications) {
      const answers = [];
      for (const { headers, body } of notifications) {
        const response = await fetch(notifyUrl, { method: 'POST', headers, body });
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
