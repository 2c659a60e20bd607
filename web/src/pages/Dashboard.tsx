import { creditApi, subscriptionApi } from '../api/client';
import { Loaded, useLoad } from '../async';
import { EntryRows } from '../components/EntryRows';
import { UsagePanel } from '../components/Usage';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { useSession } from '../session';
import { grantsAccess } from '../subscription';

export function DashboardPage() {
  const { t, date } = useI18n();
  const { balance } = useSession();
  const subscription = useLoad(() => subscriptionApi.get(), []);
  const recent = useLoad(() => creditApi.transactions(0, 5), [balance?.credits]);
  return (
    <main>
      <h1>{t('nav.dashboard')}</h1>
      <div className="cards">
        <section className="card stat">
          <h2>{t('dash.credits')}</h2>
          <p className="big" data-testid="dashboard-credits">
            {balance?.credits ?? '…'}
          </p>
          <Link href="/credit/recharge">{t('header.recharge')}</Link>
        </section>
        <section className="card stat">
          <h2>{t('dash.member')}</h2>
          <p>
            {balance?.is_member ? (
              <>
                <span className="badge member">{t('header.member')}</span>{' '}
                {t('dash.memberUntil', { date: date(balance.member_expired_at) })}
              </>
            ) : (
              t('dash.notMember')
            )}
          </p>
          <Link href="/credit/membership">{t('nav.membership')}</Link>
        </section>
        <section className="card stat">
          <h2>{t('dash.plan')}</h2>
          <Loaded load={subscription}>
            {(s) => (
              <p>
                {s.plan && <strong>{s.plan.name}</strong>}
                {s.subscription && grantsAccess(s.subscription) && (
                  <>
                    {' '}
                    ·{' '}
                    {s.subscription.cancelAtPeriodEnd
                      ? t('dash.ends', { date: date(s.subscription.currentPeriodEnd) })
                      : t('dash.renews', { date: date(s.subscription.currentPeriodEnd) })}
                  </>
                )}
              </p>
            )}
          </Loaded>
          <Link href="/subscription">{t('nav.subscription')}</Link>
        </section>
      </div>
      <section className="card">
        <h2>{t('dash.recent')}</h2>
        <Loaded load={recent}>
          {(page) =>
            page.items.length === 0 ? (
              <p className="muted">{t('common.none')}</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <tbody>
                    <EntryRows entries={page.items} />
                  </tbody>
                </table>
              </div>
            )
          }
        </Loaded>
        <Link href="/credit/transactions">{t('nav.transactions')}</Link>
      </section>
      <section className="card">
        <h2>{t('dash.usage')}</h2>
        <Loaded load={subscription}>
          {(s) => s.usage && <UsagePanel usage={s.usage} chart={false} />}
        </Loaded>
      </section>
    </main>
  );
}
