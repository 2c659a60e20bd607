// A local fake of the Creem API (creem.io, merchant of record) for the black-box tests (creditd
// is pointed at it with CREEM_API_BASE). The official npm `creem` SDK checks every message that
// crosses, with its own zod schemas and webhook code:
//   - every request creditd sends needs the fake's x-api-key (else 401), and its body must pass
//     the SDK's inbound schema (CreateCheckoutRequest, CreateRefundRequestEntity) and the
//     checks of creditd's contract (one unit of the fake's product at custom_price 100 to
//     99999999, metadata.order_no = request_id, ...); a bad one gets Creem's 400;
//   - every answer is built in Creem's wire form (snake_case) and must pass the SDK's inbound
//     schema (ProductEntity, CheckoutEntity, RefundResponseEntity) before it is sent;
//   - every notification is signed with Standard Webhooks (webhook-id, webhook-timestamp,
//     webhook-signature: v1,<base64 HMAC-SHA256>), or with the legacy creem-signature (hex
//     HMAC-SHA256 of the body), then verified with the SDK's verifyWebhookSignature and parsed
//     with its parseWebhookEventEntity before it is returned.
// pay() completes a checkout; notification()/refundNotification()/disputeNotification() build
// signed events (async: the SDK verifies with Web Crypto), which deliver() POSTs repeated or
// shuffled; refunds through POST /v1/refunds take what is left of a transaction, as Creem's do.
import http from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import {
  CheckoutEntity$inboundSchema, CreateCheckoutRequest$inboundSchema, CreateRefundRequestEntity$inboundSchema,
  ProductEntity$inboundSchema, RefundResponseEntity$inboundSchema,
} from 'creem/models/components';
import { parseWebhookEventEntity, verifyWebhookSignature } from 'creem/webhooks';

const REASONS = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 503: 'Service Unavailable' };

const iso = (ms = Date.now()) => new Date(ms).toISOString();
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

// `base` with `change` merged in, object by object (a key set to undefined is dropped from the JSON).
function merged(base, change) {
  const out = { ...base };
  for (const [key, value] of Object.entries(change)) out[key] = isObject(value) && isObject(base[key]) ? merged(base[key], value) : value;
  return out;
}

function shuffled(items) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

// `object` as built, once the SDK's schema accepts it.
function sdkValid(schema, object, what) {
  const result = schema.safeParse(object);
  assert.ok(result.success, `the SDK refuses the fake's ${what}: ${result.error?.message}`);
  return object;
}

const issuesOf = (error) => error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);

// Standard Webhooks: keyed by the base64 payload of the whsec_ secret, over "<id>.<timestamp>.<body>".
export function standardSignature(secret, id, timestamp, body) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

// Creem's legacy creem-signature: keyed by the secret's bytes as given, over the body.
export const legacySignature = (secret, body) => createHmac('sha256', secret).update(body).digest('hex');

// The settings creditd takes.
export function creemEnv(fake) {
  return { CREEM_API_KEY: fake.apiKey, CREEM_WEBHOOK_SECRET: fake.webhookSecret, CREEM_PRODUCT_ID: fake.productId, CREEM_API_BASE: fake.url };
}

export async function startFakeCreem({ currency = 'USD', billingType = 'onetime' } = {}) {
  const tag = randomBytes(4).toString('hex'); // In every id: two fakes never name the same checkout.
  const apiKey = `creem_test_${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const productId = `prod_${tag}`;
  const customerId = `cust_${tag}`;
  const started = iso();
  const product = sdkValid(ProductEntity$inboundSchema, {
    id: productId, mode: 'test', object: 'product', name: 'creditd order', description: 'Credits and memberships of creditd', price: 999,
    currency, billing_type: billingType, billing_period: billingType === 'onetime' ? 'once' : 'every-month', status: 'active',
    tax_mode: 'inclusive', tax_category: 'saas', product_url: `https://www.creem.io/test/product/${productId}`, default_success_url: null,
    created_at: started, updated_at: started,
  }, 'product');

  const requests = [];
  const checkouts = new Map(); // id -> { id, requestId, customPrice, successUrl, metadata, checkoutUrl, status, paid, refunds: [] }
  const byRequest = new Map(); // request_id -> the latest checkout made for it
  const byTransaction = new Map(); // tran_… -> checkout id
  let counter = 0;
  let answerMode = 'ok';
  let refundStatus = 'succeeded';
  const next = (prefix) => `${prefix}_${tag}${String((counter += 1)).padStart(4, '0')}`;

  function send(response, status, object) {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(object));
  }
  const fail = (response, status, ...message) => send(response, status, { status, error: REASONS[status], message });
  const answer = (response, schema, object, what) => send(response, 200, sdkValid(schema, object, what));

  const refundedOf = (checkout, upTo = checkout.refunds.length) => checkout.refunds.slice(0, upTo).reduce((sum, r) => sum + r.amount, 0);
  const orderEntity = ({ paid }) => ({
    id: paid.order, mode: 'test', object: 'order', customer: customerId, product: productId, transaction: paid.transaction,
    amount: paid.amount, sub_total: paid.amount, tax_amount: 0, discount_amount: 0, amount_due: paid.amount, amount_paid: paid.amount,
    currency: paid.currency, status: 'paid', type: 'onetime', created_at: iso(paid.at), updated_at: iso(paid.at),
  });
  const checkoutEntity = (checkout) => ({
    id: checkout.id, mode: 'test', object: 'checkout', status: checkout.status, request_id: checkout.requestId, product: productId,
    units: 1, ...(checkout.paid ? { order: orderEntity(checkout), customer: customerId } : {}),
    checkout_url: checkout.checkoutUrl, success_url: checkout.successUrl, metadata: checkout.metadata,
  });
  const customerEntity = () => ({
    id: customerId, mode: 'test', object: 'customer', email: 'payer@example.com', name: 'Payer', country: 'US',
    created_at: started, updated_at: started,
  });
  const transactionEntity = ({ paid }, refunded, status) => ({
    id: paid.transaction, mode: 'test', object: 'transaction', amount: paid.amount, amount_paid: paid.amount, currency: paid.currency,
    type: 'payment', status, refunded_amount: refunded, order: paid.order, customer: customerId, created_at: paid.at,
  });
  const recordRefund = (checkout, amount, status) => {
    const refund = { id: next('ref'), amount, status, at: Date.now() };
    checkout.refunds.push(refund);
    return refund;
  };

  function createCheckout(json, response) {
    const parsed = CreateCheckoutRequest$inboundSchema.safeParse(json);
    if (!parsed.success) return fail(response, 400, ...issuesOf(parsed.error));
    const problems = [
      [typeof json.request_id === 'string' && json.request_id.length > 0, 'request_id must be a non-empty string'],
      [json.product_id === productId, `product_id must be ${productId}`],
      [json.units === 1, 'units must be 1'],
      [Number.isInteger(json.custom_price) && json.custom_price >= 100 && json.custom_price <= 99999999, 'custom_price must be 100-99999999'],
      [billingType === 'onetime', 'custom_price is only supported for one-time payment products'],
      [typeof json.success_url === 'string' && json.success_url.startsWith('http'), 'success_url must be an http(s) URL'],
      [isObject(json.metadata) && json.metadata.order_no === json.request_id, 'metadata.order_no must be the request_id'],
    ].filter(([ok]) => !ok).map(([, message]) => message);
    if (problems.length > 0) return fail(response, 400, ...problems);
    const id = next('ch');
    const checkout = {
      id, requestId: json.request_id, customPrice: json.custom_price, successUrl: json.success_url, metadata: json.metadata,
      checkoutUrl: `${fakeUrl}/checkout/${id}`, status: 'pending', paid: null, refunds: [],
    };
    checkouts.set(id, checkout);
    byRequest.set(checkout.requestId, id);
    return answer(response, CheckoutEntity$inboundSchema, checkoutEntity(checkout), 'checkout');
  }

  // A refund of the whole transaction, or of what a dashboard refund left; a failed one takes nothing.
  function refund(json, response) {
    const parsed = CreateRefundRequestEntity$inboundSchema.safeParse(json);
    if (!parsed.success) return fail(response, 400, ...issuesOf(parsed.error));
    const checkout = checkouts.get(byTransaction.get(json.transaction_id));
    if (!checkout) return fail(response, 400, `no paid transaction ${json.transaction_id}`);
    const left = checkout.paid.amount - refundedOf(checkout);
    if (left <= 0) return fail(response, 400, 'the transaction is already refunded');
    if (refundStatus !== 'failed' && refundStatus !== 'canceled') recordRefund(checkout, left, refundStatus);
    return answer(response, RefundResponseEntity$inboundSchema, { status: refundStatus }, 'refund answer');
  }

  function route(request, url, json, response) {
    const productPath = url.pathname.match(/^\/v1\/products\/([^/]+)$/);
    if (request.method === 'GET' && productPath) {
      if (decodeURIComponent(productPath[1]) !== productId) return fail(response, 404, 'Product not found');
      return answer(response, ProductEntity$inboundSchema, product, 'product');
    }
    if (request.method === 'GET' && url.pathname === '/v1/checkouts') {
      if (!url.searchParams.get('checkout_id')) return fail(response, 400, 'checkout_id should not be empty');
      const checkout = checkouts.get(url.searchParams.get('checkout_id'));
      if (!checkout) return fail(response, 404, 'Checkout not found');
      return answer(response, CheckoutEntity$inboundSchema, checkoutEntity(checkout), 'checkout');
    }
    if (request.method === 'POST' && url.pathname === '/v1/checkouts') return createCheckout(json, response);
    if (request.method === 'POST' && url.pathname === '/v1/refunds') return refund(json, response);
    return fail(response, 404, `Cannot ${request.method} ${url.pathname}`);
  }

  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(request.url, 'http://fake.creem');
      let json;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = text;
      }
      const query = Object.fromEntries(url.searchParams);
      requests.push({ method: request.method, path: url.pathname, query, body: json ?? null, headers: request.headers });
      if (answerMode === 'unavailable') return fail(response, 503, 'Service Unavailable');
      if (answerMode === 'refuse') return fail(response, 400, 'refused by the test');
      if (request.headers['x-api-key'] !== apiKey) return fail(response, 401, 'Invalid API key');
      if (request.method === 'POST' && (!/^application\/json\b/.test(request.headers['content-type'] ?? '') || typeof json === 'string')) {
        return fail(response, 400, 'the body must be JSON (content-type: application/json)');
      }
      return route(request, url, json, response);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fakeUrl = `http://127.0.0.1:${server.address().port}`;

  function paidCheckout(checkoutId) {
    const checkout = checkouts.get(checkoutId);
    assert.ok(checkout?.paid, `no paid Creem checkout ${checkoutId}`);
    return checkout;
  }

  // An event as Creem sends it. `change` is merged into the object before signing; `timestamp`
  // (Unix seconds) is the signed webhook-timestamp and, unless `createdAt` (ms) is given, the
  // event's created_at (the time the legacy scheme's receiver checks); `legacy` signs with
  // creem-signature only; `id` repeats an event id (also the webhook-id).
  async function event(eventType, object, { change = {}, legacy = false, timestamp, createdAt, id = next('evt') } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const signedAt = timestamp ?? now;
    const body = JSON.stringify({ id, eventType, created_at: createdAt ?? signedAt * 1000, object: merged(object, change) });
    const headers = legacy ? { 'creem-signature': legacySignature(webhookSecret, body) }
      : { 'webhook-id': id, 'webhook-timestamp': String(signedAt), 'webhook-signature': standardSignature(webhookSecret, id, signedAt, body) };
    // A signed time off on purpose is verified with room for it: the signature is the fake's, the time the test's.
    const toleranceInSeconds = Math.max(300, Math.abs(now - signedAt) + 60);
    await assert.doesNotReject(verifyWebhookSignature(body, headers, { secret: webhookSecret, toleranceInSeconds }), 'the SDK verifies it');
    assert.equal(parseWebhookEventEntity(body).eventType, eventType, 'the SDK parses the event');
    return { body, headers: { 'content-type': 'application/json', ...headers } };
  }

  return {
    url: fakeUrl,
    apiKey,
    webhookSecret,
    productId,
    product,
    requests,
    checkouts,
    // 'ok' (the default), 'unavailable' (503 to every call) or 'refuse' (400 to every call).
    setAnswerMode(mode) { answerMode = mode; },
    // What POST /v1/refunds answers: 'succeeded' (the default), 'pending', 'failed', ... (failed and canceled refund nothing).
    setRefundStatus(status) { refundStatus = status; },
    // The checkout a payer opens at `payUrl` (the pay_url creditd gave).
    checkoutOf(payUrl) {
      for (const checkout of checkouts.values()) if (payUrl === checkout.checkoutUrl) return checkout.id;
      return assert.fail(`no Creem checkout has the URL ${payUrl}`);
    },
    // The latest checkout made for an order number (request_id).
    checkoutFor(requestId) {
      assert.ok(byRequest.has(requestId), `no Creem checkout for ${requestId}`);
      return byRequest.get(requestId);
    },
    // The payer pays `amount` in `currency` (by default the checkout's price in the product's currency).
    pay(checkoutId, { amount, currency: paidCurrency } = {}) {
      const checkout = checkouts.get(checkoutId);
      assert.ok(checkout, `no Creem checkout ${checkoutId}`);
      assert.equal(checkout.status, 'pending', `Creem checkout ${checkoutId} cannot be paid`);
      checkout.status = 'completed';
      checkout.paid = {
        order: next('ord'), transaction: next('tran'), amount: amount ?? checkout.customPrice, currency: paidCurrency ?? currency, at: Date.now(),
      };
      byTransaction.set(checkout.paid.transaction, checkoutId);
      return checkout;
    },
    expire(checkoutId) {
      const checkout = checkouts.get(checkoutId);
      assert.equal(checkout?.status, 'pending', `Creem checkout ${checkoutId} cannot expire`);
      checkout.status = 'expired';
    },
    // checkout.completed of a paid checkout, its customer expanded as Creem's webhooks have it.
    async notification(checkoutId, options = {}) {
      const checkout = paidCheckout(checkoutId);
      return event('checkout.completed', { ...checkoutEntity(checkout), customer: customerEntity() }, options);
    },
    // refund.created of the checkout's latest refund (made by POST /v1/refunds), which then
    // succeeds; with none yet, or with `amount`, first a dashboard refund of `amount` (by default
    // all that is left). The transaction shows the refunds up to this one.
    async refundNotification(checkoutId, { amount, ...options } = {}) {
      const checkout = paidCheckout(checkoutId);
      let made = amount === undefined ? checkout.refunds.at(-1) : undefined;
      if (!made) {
        const left = checkout.paid.amount - refundedOf(checkout);
        const value = amount ?? left;
        assert.ok(Number.isInteger(value) && value > 0 && value <= left, `cannot refund ${value} of ${checkoutId} (${left} left)`);
        made = recordRefund(checkout, value, 'succeeded');
      }
      made.status = 'succeeded';
      const refunded = refundedOf(checkout, checkout.refunds.indexOf(made) + 1);
      const transaction = transactionEntity(checkout, refunded, refunded < checkout.paid.amount ? 'partialRefund' : 'refunded');
      return event('refund.created', {
        id: made.id, mode: 'test', object: 'refund', status: 'succeeded', refund_amount: made.amount, refund_currency: checkout.paid.currency,
        reason: 'requested_by_customer', transaction,
        checkout: checkoutEntity(checkout), order: orderEntity(checkout), customer: customerId, created_at: made.at,
      }, options);
    },
    // dispute.created (a chargeback) of the whole payment.
    async disputeNotification(checkoutId, options = {}) {
      const checkout = paidCheckout(checkoutId);
      return event('dispute.created', {
        id: next('disp'), mode: 'test', object: 'dispute', amount: checkout.paid.amount, currency: checkout.paid.currency,
        transaction: transactionEntity(checkout, refundedOf(checkout), 'chargedBack'), checkout: checkoutEntity(checkout),
        order: orderEntity(checkout), customer: customerId, created_at: Date.now(),
      }, options);
    },
    // POSTs notifications (or promises of them) to `target`, each `repeat` times, one after another
    // (in random order with `shuffle`); returns each answer's HTTP status.
    async deliver(target, notifications, { shuffle = false, repeat = 1 } = {}) {
      const all = (await Promise.all(notifications)).flatMap((notification) => Array(repeat).fill(notification));
      const statuses = [];
      for (const { body, headers } of shuffle ? shuffled(all) : all) {
        const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      return statuses;
    },
    close() {
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
