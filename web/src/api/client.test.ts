import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  ApiError,
  call,
  creditApi,
  decode,
  login,
  subscriptionApi,
  type Balance,
  type Entry,
  type Order,
} from './client';

const envelope = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('decode', () => {
  it('returns the data of a successful envelope', async () => {
    await expect(
      decode(envelope(200, { code: 0, message: 'success', data: { credits: 5 } })),
    ).resolves.toEqual({ credits: 5 });
  });

  it('turns an error envelope into an ApiError with the reason and field', async () => {
    const failure = await decode(
      envelope(400, {
        code: 400,
        message: 'price_id must be at least 1',
        data: null,
        error: { reason: 'invalid_field', request_id: 'req-1', field: 'price_id' },
      }),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({
      status: 400,
      reason: 'invalid_field',
      field: 'price_id',
      requestId: 'req-1',
      message: 'price_id must be at least 1',
    });
  });

  it('reports an answer that is not JSON', async () => {
    const failure = await decode(new Response('<html>', { status: 502 })).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ status: 502, reason: 'malformed_response' });
  });
});

// A fetch that answers `answers` in turn (as 200 envelopes unless a status is given) and records
// each request.
function fakeFetch(...answers: [number, unknown][]) {
  const requests: Request[] = [];
  // client.ts calls fetch with a path string.
  const fetch = vi.fn((path: string, init?: RequestInit) => {
    requests.push(new Request(new URL(path, 'http://portal.test'), init));
    const answer = answers.shift();
    if (!answer) throw new Error('no answer left');
    return Promise.resolve(envelope(answer[0], answer[1]));
  });
  vi.stubGlobal('fetch', fetch);
  return requests;
}

const ok = (data: unknown): [number, unknown] => [200, { code: 200, message: 'success', data }];
const unauthenticated: [number, unknown] = [
  401,
  {
    code: 401,
    message: 'expired',
    data: null,
    error: { reason: 'token_expired', request_id: 'r' },
  },
];
const session = (token: string) =>
  ok({
    user: { id: 1, email: 'a@b.c', display_name: 'A', role: 'user' },
    access_token: token,
    token_type: 'Bearer',
    expires_in: 900,
  });

describe('call', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('fills the path parameters and the query from its input', async () => {
    const requests = fakeFetch(ok({}), ok({ items: [], total: 0, skip: 20, limit: 10 }));
    await call('get', '/api/v1/credit/orders/{order_no}', { path: { order_no: 'R 1/2' } });
    await creditApi.transactions(20, 10);
    expect(requests.map((request) => request.url)).toEqual([
      'http://portal.test/api/v1/credit/orders/R%201%2F2',
      'http://portal.test/api/v1/credit/transactions?skip=20&limit=10',
    ]);
  });

  it('sends the JSON body and the headers of its input', async () => {
    const requests = fakeFetch(ok({}), ok({}));
    await creditApi.createOrder('membership', 3, 'sandbox', 'key-1');
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('http://portal.test/api/v1/credit/membership');
    expect(request?.headers.get('Idempotency-Key')).toBe('key-1');
    expect(request?.headers.get('X-Creditd-Client')).toBe('web');
    expect(request?.headers.get('Content-Type')).toBe('application/json');
    expect(await request?.json()).toEqual({ price_id: 3, payment_method: 'sandbox' });
    await creditApi.createOrder('recharge', 2, 'alipay', 'key-2', 'mobile');
    expect(await requests[1]?.json()).toEqual({
      price_id: 2,
      payment_method: 'alipay',
      device: 'mobile',
    });
  });

  it('refreshes an expired session once and sends the request again', async () => {
    const requests = fakeFetch(
      session('old'),
      unauthenticated,
      session('new'),
      ok({ credits: 7, is_member: false, member_expired_at: null }),
    );
    await login('a@b.c', 'password');
    await expect(creditApi.balance()).resolves.toMatchObject({ credits: 7 });
    expect(requests.map((request) => new URL(request.url).pathname)).toEqual([
      '/api/v1/auth/login',
      '/api/v1/credit/balance',
      '/api/v1/auth/refresh',
      '/api/v1/credit/balance',
    ]);
    expect(requests[1]?.headers.get('Authorization')).toBe('Bearer old');
    expect(requests[2]?.headers.get('Authorization')).toBeNull();
    expect(requests[3]?.headers.get('Authorization')).toBe('Bearer new');
  });

  // Compile-time checks: `npm run build` type-checks this file.
  it('takes its types from docs/openapi.yaml', () => {
    expectTypeOf(creditApi.balance).returns.resolves.toEqualTypeOf<Balance>();
    expectTypeOf(creditApi.order).returns.resolves.toEqualTypeOf<Order>();
    expectTypeOf(creditApi.transactions).returns.resolves.toHaveProperty('items');
    expectTypeOf<Awaited<ReturnType<typeof creditApi.transactions>>['items']>().toEqualTypeOf<
      Entry[]
    >();
    expectTypeOf(subscriptionApi.checkout).returns.resolves.toEqualTypeOf<{
      checkoutUrl: string;
    }>();
    const mistakes = () => [
      // @ts-expect-error: not a path of the document
      call('get', '/api/v1/nowhere'),
      // @ts-expect-error: {order_no} needs its value
      call('get', '/api/v1/credit/orders/{order_no}'),
      call('post', '/api/v1/credit/recharge', {
        // @ts-expect-error: CreateOrderRequest has no `amount`
        body: { price_id: 1, payment_method: 'sandbox', amount: 5 },
      }),
      // @ts-expect-error: `bank` is not a payment method of the document
      call('post', '/api/v1/credit/recharge', { body: { price_id: 1, payment_method: 'bank' } }),
    ];
    expect(mistakes).toBeTypeOf('function');
  });
});
