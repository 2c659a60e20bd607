import { describe, expect, it } from 'vitest';
import type { Subscription } from './api/client';
import { grantsAccess } from './subscription';

describe('grantsAccess', () => {
  it('is true while trialing, active or past due', () => {
    const statuses: Subscription['status'][] = ['trialing', 'active', 'past_due'];
    for (const status of statuses) expect(grantsAccess({ status })).toBe(true);
  });

  it('is false for every other status, a missing one and no subscription', () => {
    const statuses: Subscription['status'][] = ['canceled', 'unpaid', 'incomplete', undefined];
    for (const status of statuses) expect(grantsAccess({ status })).toBe(false);
    expect(grantsAccess(null)).toBe(false);
  });
});
