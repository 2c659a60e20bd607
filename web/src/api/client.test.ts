import { describe, expect, it } from 'vitest';
import { ApiError, decode } from './client';

const envelope = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('decode', () => {
  it('returns the data of a successful envelope', async () => {
    await expect(decode(envelope(200, { code: 0, message: 'success', data: { credits: 5 } }))).resolves.toEqual({ credits: 5 });
  });

  it('turns an error envelope into an ApiError with the reason and field', async () => {
    const failure = await decode(envelope(400, {
      code: 400, message: 'price_id must be at least 1', data: null,
      error: { reason: 'invalid_field', request_id: 'req-1', field: 'price_id' },
    })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 400, reason: 'invalid_field', field: 'price_id', requestId: 'req-1', message: 'price_id must be at least 1' });
  });

  it('reports an answer that is not JSON', async () => {
    const failure = await decode(new Response('<html>', { status: 502 })).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, reason: 'malformed_response' });
  });
});
