// A local fake of Stripe's API for the black-box tests (creditd is pointed at it with
// STRIPE_API_BASE). Every answer is built from Stripe's own example objects
// (tests/fixtures/stripe/objects.json, from stripe/openapi's fixtures3.json) with the fields of
// the request filled in, so creditd is tested against the shapes Stripe returns. Every request
// is recorded with its method, path, headers and decoded form, and checked the way Stripe
// checks it: the secret key (401 otherwise), and an Idempotency-Key on a POST replays the
// first answer. Webhook events are built from the same fixtures and signed by the official
// `stripe` package.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';

const FIXTURES = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/stripe/objects.json', import.meta.url)), 'utf8'));
export const SECRET_KEY = 'sk_test_creditd_fake';
export const WEBHOOK_SECRET = 'whsec_test_creditd_fake';
export const API_VERSION = '2025-03-31.basil';

// The settings that point creditd at the running `fake`: its keys and its URL.
export const stripeEnv = (fake) => ({
  STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: fake.url,
});
const stripe = new Stripe(SECRET_KEY);

export const fixture = (name) => structuredClone(FIXTURES[name]);

// A subscription object in the pinned API version: the period on its single item.
export function subscriptionObject({ id, customer, price, status = 'active', start, end, cancelAtPeriodEnd = false, accountId }) {
  const object = fixture('subscription');
  Object.assign(object, {
    id, customer, status, cancel_at_period_end: cancelAtPeriodEnd,
    metadata: accountId === undefined ? {} : { account_id: String(accountId) },
    cancel_at: cancelAtPeriodEnd ? end : null, canceled_at: null, ended_at: null, trial_start: null, trial_end: null,
  });
  const item = object.items.data[0];
  Object.assign(item, { id: `si_${id.slice(4)}`, subscription: id, current_period_start: start, current_period_end: end });
  item.price.id = price;
  object.items.data = [item];
  object.items.url = `/v1/subscription_items?subscription=${id}`;
  return object;
}

// An invoice of a subscription: one subscription line for [start, end) at `price`, or the
// proration lines of a plan change ([{price, amount, start, end}]).
export function invoiceObject({ id, customer, subscription, price, start, end, amountPaid, billingReason = 'subscription_cycle', prorations }) {
  const object = fixture('invoice');
  const template = object.lines.data[0];
  const line = ({ linePrice, amount, from, to, proration }) => {
    const copy = structuredClone(template);
    Object.assign(copy, { id: `il_${Math.random().toString(36).slice(2, 12)}`, invoice: id, amount, period: { start: from, end: to } });
    copy.parent = {
      type: 'subscription_item_details', invoice_item_details: null,
      subscription_item_details: { invoice_item: null, proration, proration_details: { credited_items: null }, subscription, subscription_item: `si_${subscription.slice(4)}` },
    };
    copy.pricing = { type: 'price_details', unit_amount_decimal: String(amount), price_details: { price: linePrice, product: 'prod_creditd' } };
    return copy;
  };
  object.lines.data = prorations
    ? prorations.map((p) => line({ linePrice: p.price, amount: p.amount, from: p.start, to: p.end, proration: true }))
    : [line({ linePrice: price, amount: amountPaid, from: start, to: end, proration: false })];
  Object.assign(object, {
    id, customer, status: 'paid', billing_reason: billingReason, amount_paid: amountPaid, amount_due: amountPaid,
    amount_remaining: 0, total: amountPaid, subtotal: amountPaid, currency: 'usd', subscription: null,
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: null, subscription } },
  });
  object.lines.url = `/v1/invoices/${id}/lines`;
  return object;
}

export function checkoutSessionObject({ id, customer, subscription, accountId, paymentStatus = 'paid' }) {
  const object = fixture('checkout.session');
  Object.assign(object, {
    id, mode: 'subscription', customer, subscription, client_reference_id: String(accountId),
    payment_status: paymentStatus, status: 'complete', payment_intent: null, metadata: { account_id: String(accountId) },
  });
  return object;
}

export function chargeObject({ id, paymentIntent, customer, amount, amountRefunded }) {
  const object = fixture('charge');
  Object.assign(object, { id, payment_intent: paymentIntent, customer, amount, amount_captured: amount, amount_refunded: amountRefunded, refunded: amountRefunded >= amount, captured: true });
  return object;
}

export function disputeObject({ id, charge, paymentIntent, amount }) {
  const object = fixture('dispute');
  Object.assign(object, { id, charge, payment_intent: paymentIntent, amount, status: 'needs_response' });
  return object;
}

let eventCounter = 0;
// An event (Stripe's event fixture) carrying `object`; `created` in Unix seconds.
export function eventObject(type, object, created) {
  const event = fixture('event');
  eventCounter += 1;
  Object.assign(event, {
    id: `evt_test_${Date.now().toString(36)}_${eventCounter}`, type, created, api_version: API_VERSION,
    data: { object }, livemode: false,
  });
  return event;
}

// The body and Stripe-Signature header of an event, signed with the official package.
export function signedDelivery(event, { secret = WEBHOOK_SECRET, timestamp } = {}) {
  const payload = JSON.stringify(event);
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });
  return { payload, header };
}

// Stripe's nested form encoding, decoded into a flat map of keys like "line_items[0][price]".
function decodeForm(text) {
  const out = {};
  for (const [key, value] of new URLSearchParams(text)) {
    out[key] = value;
  }
  return out;
}

function stripeError(status, type, message, extra = {}) {
  return { status, body: { error: { type, message, ...extra } } };
}

export async function startFakeStripe() {
  const requests = [];
  const subscriptions = new Map();  // id -> subscription object (what GET answers).
  const invoicePayments = new Map();  // payment intent -> invoice id.
  const invoices = new Map();  // subscription id -> invoice objects (what listing answers).
  const idempotent = new Map();  // key -> answer.
  const sessions = new Map();  // payment-mode checkout session id -> session object.
  const payments = new Map();  // payment intent -> { amount, refunded, currency, charge }.
  let failNext = 0;  // Answer the next N requests with 500 (retry tests).
  let counter = 0;
  const next = (prefix) => `${prefix}_test${++counter}`;

  const handle = (method, path, form, query) => {
    let match;
    if (method === 'POST' && path === '/v1/customers') {
      const customer = fixture('customer');
      Object.assign(customer, { id: next('cus'), email: form.email ?? null, metadata: { account_id: form['metadata[account_id]'] } });
      return { status: 200, body: customer };
    }
    if (method === 'POST' && path === '/v1/checkout/sessions' && form.mode === 'payment') {
      // Payment mode with an inline price, as creditd sends for orders; Stripe's own rules.
      const missing = ['line_items[0][price_data][currency]', 'line_items[0][price_data][unit_amount]', 'line_items[0][price_data][product_data][name]', 'success_url']
        .find((key) => !form[key]);
      if (missing) {
        return stripeError(400, 'invalid_request_error', `Missing required param: ${missing}.`, { param: missing });
      }
      const now = Math.floor(Date.now() / 1000);
      const expiresAt = Number(form.expires_at ?? now + 86400);
      if (!(expiresAt >= now + 30 * 60 - 5 && expiresAt <= now + 86400)) {
        return stripeError(400, 'invalid_request_error', 'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.', { param: 'expires_at' });
      }
      const session = fixture('checkout.session');
      const id = next('cs');
      const amount = Number(form['line_items[0][price_data][unit_amount]']);
      Object.assign(session, {
        id, mode: 'payment', customer: null, client_reference_id: form.client_reference_id ?? null,
        success_url: form.success_url, cancel_url: form.cancel_url, status: 'open', payment_status: 'unpaid',
        payment_intent: null, url: `https://checkout.stripe.com/c/pay/${id}`, expires_at: expiresAt,
        amount_subtotal: amount, amount_total: amount, currency: form['line_items[0][price_data][currency]'],
        metadata: { order_no: form['metadata[order_no]'], account_id: form['metadata[account_id]'] },
      });
      sessions.set(id, session);
      return { status: 200, body: session };
    }
    if (method === 'GET' && (match = path.match(/^\/v1\/checkout\/sessions\/([^/]+)$/))) {
      const session = sessions.get(decodeURIComponent(match[1]));
      if (!session) {
        return stripeError(404, 'invalid_request_error', `No such checkout.session: '${match[1]}'`, { code: 'resource_missing', param: 'session' });
      }
      return { status: 200, body: session };
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const paymentIntent = form.payment_intent;
      const paid = payments.get(paymentIntent);
      if (!paid) {
        return stripeError(400, 'invalid_request_error', `No such payment_intent: '${paymentIntent}'`, { code: 'resource_missing', param: 'payment_intent' });
      }
      const left = paid.amount - paid.refunded;
      const amount = form.amount === undefined ? left : Number(form.amount);
      if (!(amount > 0 && amount <= left)) {
        return stripeError(400, 'invalid_request_error', `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, { code: 'amount_too_large', param: 'amount' });
      }
      paid.refunded += amount;
      const refund = fixture('refund');
      Object.assign(refund, { id: next('re'), amount, currency: paid.currency, payment_intent: paymentIntent, charge: paid.charge, status: 'succeeded' });
      return { status: 200, body: refund };
    }
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      if (!form['line_items[0][price]']) {
        return stripeError(400, 'invalid_request_error', 'Missing required param: line_items[0][price].', { param: 'line_items[0][price]' });
      }
      if (form['line_items[0][price]'].startsWith('price_archived')) {
        return stripeError(400, 'invalid_request_error', `No such price: '${form['line_items[0][price]']}'`, { code: 'resource_missing', param: 'line_items[0][price]' });
      }
      const session = fixture('checkout.session');
      const id = next('cs');
      Object.assign(session, {
        id, mode: form.mode, customer: form.customer, client_reference_id: form.client_reference_id ?? null,
        success_url: form.success_url, cancel_url: form.cancel_url, status: 'open', payment_status: 'unpaid',
        payment_intent: null, url: `https://checkout.stripe.com/c/pay/${id}`,
        metadata: { account_id: form['metadata[account_id]'] },
      });
      return { status: 200, body: session };
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      const session = fixture('billing_portal.session');
      const id = next('bps');
      Object.assign(session, { id, customer: form.customer, return_url: form.return_url, url: `https://billing.stripe.com/p/session/${id}` });
      return { status: 200, body: session };
    }
    if ((match = path.match(/^\/v1\/subscriptions\/([^/]+)$/))) {
      const id = decodeURIComponent(match[1]);
      const current = subscriptions.get(id);
      if (!current) {
        return stripeError(404, 'invalid_request_error', `No such subscription: '${id}'`, { code: 'resource_missing', param: 'id' });
      }
      if (method === 'GET') {
        return { status: 200, body: current };
      }
      if (method === 'DELETE') {
        Object.assign(current, { status: 'canceled', canceled_at: Math.floor(Date.now() / 1000), ended_at: Math.floor(Date.now() / 1000) });
        return { status: 200, body: current };
      }
      if (method === 'POST') {
        if (form.cancel_at_period_end !== undefined) {
          current.cancel_at_period_end = form.cancel_at_period_end === 'true';
          current.cancel_at = current.cancel_at_period_end ? current.items.data[0].current_period_end : null;
        }
        if (form['items[0][price]']) {
          if (form['items[0][id]'] !== current.items.data[0].id) {
            return stripeError(400, 'invalid_request_error', 'No such subscription item', { param: 'items[0][id]' });
          }
          current.items.data[0].price.id = form['items[0][price]'];
        }
        return { status: 200, body: current };
      }
    }
    if (method === 'GET' && path === '/v1/subscriptions') {
      const data = [...subscriptions.values()].filter((sub) => sub.customer === query.get('customer'));
      return { status: 200, body: { object: 'list', url: '/v1/subscriptions', has_more: false, data } };
    }
    if (method === 'GET' && path === '/v1/invoices') {
      const data = (invoices.get(query.get('subscription')) ?? []).filter((invoice) => invoice.status === query.get('status'));
      return { status: 200, body: { object: 'list', url: '/v1/invoices', has_more: false, data } };
    }
    if (method === 'GET' && path === '/v1/invoice_payments') {
      const invoice = invoicePayments.get(query.get('payment[payment_intent]'));
      const list = { object: 'list', url: '/v1/invoice_payments', has_more: false, data: [] };
      if (invoice) {
        const payment = fixture('invoice_payment');
        Object.assign(payment, { id: next('inpay'), invoice, status: 'paid', payment: { type: 'payment_intent', payment_intent: query.get('payment[payment_intent]') } });
        list.data.push(payment);
      }
      return { status: 200, body: list };
    }
    return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const url = new URL(req.url, 'http://fake');
      const form = decodeForm(body);
      const record = {
        method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), form, raw: body,
        idempotencyKey: req.headers['idempotency-key'], version: req.headers['stripe-version'], authorization: req.headers.authorization,
      };
      requests.push(record);
      const send = ({ status, body: answer }) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${counter}` });
        res.end(JSON.stringify(answer));
      };
      if (failNext > 0) {
        failNext -= 1;
        send(stripeError(500, 'api_error', 'Something went wrong on Stripe\'s end.'));
        return;
      }
      if (req.headers.authorization !== `Bearer ${SECRET_KEY}`) {
        send(stripeError(401, 'invalid_request_error', 'Invalid API Key provided.'));
        return;
      }
      const key = req.headers['idempotency-key'];
      if (req.method === 'POST' && key && idempotent.has(key)) {
        const first = idempotent.get(key);
        if (first.raw !== body || first.path !== url.pathname) {
          send(stripeError(400, 'idempotency_error', 'Keys for idempotent requests can only be used with the same parameters they were first used with.'));
        } else {
          send(first.answer);
        }
        return;
      }
      const answer = handle(req.method, url.pathname, form, url.searchParams);
      if (req.method === 'POST' && key) {
        idempotent.set(key, { raw: body, path: url.pathname, answer });
      }
      send(answer);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    subscriptions,
    invoicePayments,
    invoices,
    sessions,
    payments,
    // The payer completes a payment-mode checkout: the session becomes complete and paid with a
    // payment intent and charge that refunds then refer to. Returns the session object.
    payCheckout(id, { amount } = {}) {
      const session = sessions.get(id);
      const paymentIntent = next('pi');
      Object.assign(session, { status: 'complete', payment_status: 'paid', payment_intent: paymentIntent });
      if (amount !== undefined) {
        Object.assign(session, { amount_total: amount, amount_subtotal: amount });
      }
      payments.set(paymentIntent, { amount: session.amount_total, refunded: 0, currency: session.currency, charge: next('ch') });
      return structuredClone(session);
    },
    failNextRequests(count) { failNext = count; },
    requestsTo(method, path) { return requests.filter((r) => r.method === method && r.path === path); },
    close() { return new Promise((resolve) => server.close(resolve)); },
  };
}
