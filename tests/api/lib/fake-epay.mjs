// A local fake of an EPay (易支付) aggregator for the black-box tests (creditd is pointed at it
// with EPAY_API_BASE). EPay publishes no SDK, so the far side follows the published V1 rules
// (../shared/PROTOCOLS-2.md section 1, docs/payments/epay.md) and checks itself against the
// published vectors when loaded:
//   - submit.php checks the pid and the MD5 sign of what creditd sends (wrong: an error page, as
//     EPay shows), and refuses a second submit of an order number with other parameters;
//   - pay() marks an order paid; notify() sends the signed GET notification to the order's
//     notify_url with the amount as PHP prints a float ("1" for 1.00, "9.9" for 9.90), and can
//     repeat, shuffle, drop, corrupt or change (another amount, another merchant) it;
//   - api.php answers act=order (GET, key in the query string, as upstream reads $_GET only) and
//     act=refund (POST form; answers code 0 like the upstream server, so creditd must confirm
//     the refund with act=order).
// Every request is recorded.
import http from 'node:http';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';

export const EPAY_PID = '1001';
export const EPAY_KEY = 'creditd-epay-test-key-0123456789';

// V1 sign: sorted k=v& of the non-empty parameters but sign and sign_type, values raw, the key
// appended; lower-case hex MD5.
export function epaySign(params, key = EPAY_KEY) {
  const content = Object.keys(params)
    .filter((name) => name !== 'sign' && name !== 'sign_type' && params[name] !== '' && params[name] !== undefined)
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
  return createHash('md5').update(content + key, 'utf8').digest('hex');
}

// The published and computed vectors (PROTOCOLS-2.md 1.8): this fake signs as EPay does.
assert.equal(epaySign({ device: 'devicev', money: 'moneyv', sign: 'x', param: '' }, '1234567'), '3854cc9f022e0fb821bd2e002260245d');
const DOC_KEY = '89unJUB8HZ54Hj7x4nUj56HN4nUzUJ8i';
assert.equal(epaySign({
  pid: '1001', type: 'alipay', out_trade_no: '20160806151343349', notify_url: 'http://www.pay.com/notify_url.php',
  return_url: 'http://www.pay.com/return_url.php', name: 'VIP会员', money: '1.00',
}, DOC_KEY), '427724b6656aa612cfdbe7a2262036a3');
assert.equal(epaySign({
  pid: '1001', trade_no: '20160806151343349021', out_trade_no: '20160806151343349', type: 'alipay', name: 'VIP会员',
  money: '1', trade_status: 'TRADE_SUCCESS',
}, DOC_KEY), 'd234c00c90982004526450b6a5e31089');

// PHP's (float) then string conversion of a money string: "1.00" -> "1", "9.90" -> "9.9".
const phpFloat = (money) => String(Number(money));

export const epayEnv = (fake, keyFile) => ({
  EPAY_API_BASE: fake.url, EPAY_PID, ...(keyFile ? { EPAY_KEY_FILE: keyFile } : { EPAY_KEY }),
});

const REQUIRED = ['pid', 'type', 'out_trade_no', 'notify_url', 'return_url', 'name', 'money', 'sign'];

// `merchants`: pid -> key of the merchants the aggregator knows.
export async function startFakeEpay({ merchants = { [EPAY_PID]: EPAY_KEY } } = {}) {
  const requests = [];
  const orders = new Map(); // out_trade_no -> { params, status, tradeNo }
  let tradeCounter = 0;
  let failures = 0;
  let mapiAnswer = null; // When set, what mapi.php answers instead.
  const broken = new Set(); // Order numbers act=order answers nonsense about.

  const json = (response, status, body) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  };
  const page = (response, status, text) => {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>EPay</title><p>${text}</p>`);
  };

  function submit(params, response) {
    for (const name of REQUIRED) {
      if (!params[name]) return page(response, 400, `缺少参数 ${name}`);
    }
    if (!merchants[params.pid]) return page(response, 400, '商户不存在');
    if (params.sign_type !== 'MD5' || params.sign !== epaySign(params, merchants[params.pid])) return page(response, 400, '签名校验失败');
    if (!/^[0-9.]+$/.test(params.money) || !(Number(params.money) > 0)) return page(response, 400, '金额不合法');
    if (!/^[a-zA-Z0-9._\-|]+$/.test(params.out_trade_no)) return page(response, 400, '订单号格式不正确');
    const known = orders.get(params.out_trade_no);
    if (known) {
      if (known.status !== 0) return page(response, 400, '已完成支付，请勿重复发起支付');
      for (const name of ['money', 'name', 'notify_url', 'return_url']) {
        if (known.params[name] !== params[name]) return page(response, 400, '支付参数有变化，请更换订单号');
      }
    } else {
      orders.set(params.out_trade_no, { params, status: 0, tradeNo: '' });
    }
    return page(response, 200, `收银台: ${params.name} ￥${params.money}`);
  }

  // mapi.php: the same checks as submit.php plus the payer's address; answers JSON with a page
  // or, for WeChat Pay on a desktop, a QR code (as aggregators do), or `mapiAnswer` when set.
  function mapi(params, response) {
    for (const name of [...REQUIRED, 'clientip']) {
      if (!params[name]) return json(response, 200, { code: -1, msg: `缺少参数 ${name}` });
    }
    if (!merchants[params.pid]) return json(response, 200, { code: -1, msg: '商户不存在' });
    if (params.sign_type !== 'MD5' || params.sign !== epaySign(params, merchants[params.pid])) return json(response, 200, { code: -1, msg: '签名校验失败' });
    if (mapiAnswer) return json(response, 200, mapiAnswer);
    const known = orders.get(params.out_trade_no);
    if (known) {
      for (const name of ['money', 'name', 'notify_url', 'return_url']) {
        if (known.params[name] !== params[name]) return json(response, 200, { code: -1, msg: '支付参数有变化，请更换订单号' });
      }
    } else {
      tradeCounter += 1;
      orders.set(params.out_trade_no, { params, status: 0, tradeNo: `2026120399${String(tradeCounter).padStart(8, '0')}` });
    }
    const order = orders.get(params.out_trade_no);
    if (params.type === 'wxpay' && params.device === 'pc') {
      return json(response, 200, { code: 1, msg: '', trade_no: order.tradeNo, qrcode: `weixin://wxpay/bizpayurl?pr=epay${order.tradeNo}` });
    }
    return json(response, 200, { code: 1, msg: '', trade_no: order.tradeNo, payurl: `${fakeUrl}/pay/${order.tradeNo}` });
  }

  function api(url, form, response) {
    const params = { ...Object.fromEntries(url.searchParams), ...form };
    if (!merchants[params.pid] || params.key !== merchants[params.pid]) return json(response, 200, { code: -3, msg: 'KEY校验失败' });
    const found = orders.get(params.out_trade_no);
    // Each merchant sees its own orders only.
    const order = found && found.params.pid === params.pid ? found : undefined;
    if (params.act === 'order') {
      if (broken.has(params.out_trade_no)) return json(response, 200, { code: -2, msg: '系统繁忙' });
      if (!order) return json(response, 200, { code: -1, msg: '订单号不存在' });
      return json(response, 200, {
        code: 1, msg: '查询订单号成功！', trade_no: order.tradeNo, out_trade_no: params.out_trade_no, type: order.params.type,
        pid: params.pid, name: order.params.name, money: order.params.money, status: String(order.status),
      });
    }
    if (params.act === 'refund') {
      if (!order || order.status !== 1) return json(response, 200, { code: -1, msg: '订单状态不允许退款' });
      if (params.money !== order.params.money) return json(response, 200, { code: -1, msg: '退款金额与订单金额不一致' });
      order.status = 2;
      return json(response, 200, { code: 0, msg: `退款成功！退款金额￥${params.money}` });
    }
    return json(response, 200, { code: -5, msg: 'No Act!' });
  }

  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url, 'http://fake.epay');
      const body = Buffer.concat(chunks).toString('utf8');
      const form = request.method === 'POST' ? Object.fromEntries(new URLSearchParams(body)) : {};
      requests.push({ method: request.method, path: url.pathname, query: Object.fromEntries(url.searchParams), form });
      if (failures > 0) {
        failures -= 1;
        return json(response, 502, { code: -9, msg: 'bad gateway' });
      }
      if (url.pathname === '/submit.php') return submit({ ...Object.fromEntries(url.searchParams), ...form }, response);
      if (url.pathname === '/api.php') return api(url, form, response);
      if (url.pathname === '/mapi.php' && request.method === 'POST') return mapi(form, response);
      return page(response, 404, 'not found');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fakeUrl = `http://127.0.0.1:${server.address().port}`;

  return {
    url: fakeUrl,
    requests,
    orders,
    failNextRequests(count) { failures = count; },
    // What mapi.php answers from now on (null: a page or a QR code, as an aggregator does).
    setMapiAnswer(answer) { mapiAnswer = answer; },
    // The order a mapi.php page or QR code was made for.
    orderOf(payUrlOrCode) {
      for (const [outTradeNo, order] of orders) {
        if (order.tradeNo && payUrlOrCode.endsWith(order.tradeNo)) return outTradeNo;
      }
      return assert.fail(`no EPay order has ${payUrlOrCode}`);
    },
    // act=order about `outTradeNo` answers an error code until mended.
    breakOrder(outTradeNo, isBroken = true) {
      if (isBroken) broken.add(outTradeNo); else broken.delete(outTradeNo);
    },
    // The parameters creditd's checkout URL carries, after the fake accepted them (submit.php).
    async submit(payUrl) {
      assert.ok(payUrl.startsWith(`${fakeUrl}/submit.php?`), payUrl);
      const response = await fetch(payUrl);
      const text = await response.text();
      assert.equal(response.status, 200, text);
      return Object.fromEntries(new URL(payUrl).searchParams);
    },
    // The payer pays at EPay: the order is paid there (creditd hears of it by notify or query).
    pay(outTradeNo) {
      const order = orders.get(outTradeNo);
      assert.ok(order, `no EPay order ${outTradeNo}`);
      tradeCounter += 1;
      order.status = 1;
      order.tradeNo = `2026120300${String(tradeCounter).padStart(8, '0')}`;
      return order;
    },
    // The signed notification of a paid order, as EPay builds it; `change` alters the values
    // before signing (another money or pid), `corrupt` after (a forged value).
    notification(outTradeNo, { change = {}, corrupt = {} } = {}) {
      const order = orders.get(outTradeNo);
      const params = {
        pid: order.params.pid, trade_no: order.tradeNo, out_trade_no: outTradeNo, type: order.params.type,
        name: order.params.name, money: phpFloat(order.params.money), trade_status: 'TRADE_SUCCESS', ...change,
      };
      // Signed with the key of the merchant that took the order.
      params.sign = epaySign(params, merchants[order.params.pid]);
      params.sign_type = 'MD5';
      return { ...params, ...corrupt };
    },
    // Delivers the notification `times` times (shuffled with others when given several) by GET
    // to the order's notify_url; returns each answer's status and body.
    async notify(outTradeNo, options = {}) {
      const { times = 1 } = options;
      const order = orders.get(outTradeNo);
      const query = new URLSearchParams(this.notification(outTradeNo, options)).toString();
      const answers = [];
      for (let i = 0; i < times; i += 1) {
        const response = await fetch(`${order.params.notify_url}?${query}`);
        answers.push({ status: response.status, body: await response.text() });
      }
      return answers;
    },
    // Sends prepared notifications (from notification()) in the given order.
    async deliver(notifyUrl, notifications) {
      const answers = [];
      for (const params of notifications) {
        const response = await fetch(`${notifyUrl}?${new URLSearchParams(params)}`);
        answers.push({ status: response.status, body: await response.text() });
      }
      return answers;
    },
    close() {
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
