// Which subscriptions give their plan's access now: trialing, active, and past_due (the grace
// period while a failed renewal is retried), as creditd decides.
import type { Subscription } from './api/client';

type Status = NonNullable<Subscription['status']>;

const GRANTS_ACCESS: ReadonlySet<Status> = new Set<Status>(['trialing', 'active', 'past_due']);

export function grantsAccess(subscription: Subscription | null | undefined): boolean {
  const status = subscription?.status;
  return status !== undefined && GRANTS_ACCESS.has(status);
}
