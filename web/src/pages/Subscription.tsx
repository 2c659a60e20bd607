import { useState } from 'react';
import { subscriptionApi, type PlanOffer } from '../api/client';
import { ErrorBox, Loaded, useAction, useLoad } from '../async';
import { UsagePanel } from '../components/Usage';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { grantsAccess } from '../subscription';

export function SubscriptionPage() {
  const { t, date } = useI18n();
  const { reloadBalance } = useSession();
  const state = useLoad(() => subscriptionApi.get(), []);
  const plans = useLoad(() => subscriptionApi.plans(), []);
  const [yearly, setYearly] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  const act = action.run;
  const busy = action.busy;
  const subscribed = grantsAccess(state.data?.subscription);

  const choose = (plan: PlanOffer) =>
    act(async () => {
      const priceId = yearly ? plan.priceIds.yearly : plan.priceIds.monthly;
      if (!priceId) return;
      if (subscribed) {
        await subscriptionApi.upgrade(priceId);
        state.reload();
        await reloadBalance();
      } else {
        const { checkoutUrl } = await subscriptionApi.checkout(priceId);
        window.location.assign(checkoutUrl);
      }
    });

  return (
    <main>
      <h1>{t('sub.title')}</h1>
      {action.error && <ErrorBox error={action.error} />}
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      <Loaded load={state}>
        {(s) => (
          <>
            <section className="card current-plan" aria-label={t('sub.current')}>
              <h2>
                {t('sub.current')}: {s.plan?.name ?? '—'}
              </h2>
              {s.subscription && (
                <>
                  <p>
                    {t('sub.status')}:{' '}
                    <span className={`status status-${s.subscription.status}`}>
                      {s.subscription.status}
                    </span>
                  </p>
                  <p>{t('sub.periodEnd', { date: date(s.subscription.currentPeriodEnd) })}</p>
                  {s.subscription.cancelAtPeriodEnd && (
                    <p className="warning">
                      {t('sub.cancelNotice', { date: date(s.subscription.currentPeriodEnd) })}
                    </p>
                  )}
                  {s.subscription.pendingPlan && (
                    <p className="muted">
                      {t('sub.pending', { plan: s.subscription.pendingPlan })}
                    </p>
                  )}
                  <div className="actions">
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() =>
                        void act(async () => {
                          window.location.assign((await subscriptionApi.portal()).portalUrl);
                        })
                      }
                    >
                      {t('sub.manage')}
                    </button>
                    {subscribed && !s.subscription.cancelAtPeriodEnd && (
                      <button
                        type="button"
                        className="danger"
                        disabled={busy}
                        onClick={() =>
                          void act(async () => {
                            await subscriptionApi.cancel();
                            setNotice(t('sub.cancelled'));
                            state.reload();
                          })
                        }
                      >
                        {t('sub.cancel')}
                      </button>
                    )}
                  </div>
                </>
              )}
            </section>
            {s.usage && (
              <section className="card">
                <h2>{t('sub.usage')}</h2>
                <UsagePanel usage={s.usage} />
              </section>
            )}
          </>
        )}
      </Loaded>
      <div className="switch" role="group" aria-label="billing interval">
        <button type="button" aria-pressed={!yearly} onClick={() => setYearly(false)}>
          {t('sub.monthly')}
        </button>
        <button type="button" aria-pressed={yearly} onClick={() => setYearly(true)}>
          {t('sub.yearly')}
        </button>
      </div>
      <Loaded load={plans}>
        {(p) => (
          <ul className="cards">
            {p.plans.map((plan) => {
              const priceId = yearly ? plan.priceIds.yearly : plan.priceIds.monthly;
              const isCurrent = state.data?.plan?.key === plan.key;
              return (
                <li key={plan.key} className={isCurrent ? 'card plan current' : 'card plan'}>
                  <h2>{plan.name}</h2>
                  {isCurrent && <span className="badge">{t('sub.currentBadge')}</span>}
                  <p className="price">
                    {yearly
                      ? t('sub.perYear', { price: `${plan.yearlyPrice} ${plan.currency}` })
                      : t('sub.perMonth', { price: `${plan.monthlyPrice} ${plan.currency}` })}
                  </p>
                  <p>{t('sub.creditsPerMonth', { credits: plan.monthlyCredits })}</p>
                  <ul className="features">
                    {plan.features.map((feature) => (
                      <li key={feature}>{feature}</li>
                    ))}
                  </ul>
                  {!isCurrent &&
                    (priceId ? (
                      <button
                        type="button"
                        className="primary"
                        disabled={busy}
                        onClick={() => void choose(plan)}
                      >
                        {subscribed ? t('sub.upgrade') : t('sub.choose')}
                      </button>
                    ) : (
                      plan.key !== 'free' && <p className="muted">{t('sub.notOffered')}</p>
                    ))}
                </li>
              );
            })}
          </ul>
        )}
      </Loaded>
    </main>
  );
}
