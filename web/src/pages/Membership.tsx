import { creditApi } from '../api/client';
import { Loaded, useLoad } from '../async';
import { BuyButton, MethodPicker, PurchaseOutcome, usePurchase } from '../components/Pay';
import { useI18n, type MessageKey } from '../i18n';
import { useSession } from '../session';

export function MembershipPage() {
  const { t, date } = useI18n();
  const { balance } = useSession();
  const prices = useLoad(() => creditApi.memberships(), []);
  const status = useLoad(() => creditApi.membershipStatistics(), [balance?.member_expired_at]);
  const { method, setMethod, order, buy, busy, error } = usePurchase('membership');

  const typeName = (type: string) => {
    const key = `membership.type.${type}` as MessageKey;
    const text = t(key);
    return text === key ? type : text;
  };

  return (
    <main>
      <h1>{t('membership.title')}</h1>
      <section className="card">
        <h2>{t('membership.status')}</h2>
        <Loaded load={status}>
          {(s) => (
            <p className="member-status">
              {s.is_member ? (
                <>
                  <span className="badge member">{t('header.member')}</span>{' '}
                  {t('dash.memberUntil', { date: date(s.member_expired_at) })} ·{' '}
                  {t('membership.daysLeft', { days: s.days_left })}
                </>
              ) : (
                t('dash.notMember')
              )}
            </p>
          )}
        </Loaded>
        <p className="muted">{t('membership.benefit')}</p>
      </section>
      <MethodPicker value={method} onChange={setMethod} />
      <Loaded load={prices}>
        {(list) => (
          <ul className="cards">
            {list
              .filter((price) => price.is_active !== false)
              .map((price) => (
                <li key={price.id} className="card plan">
                  <h2>{typeName(price.membership_type)}</h2>
                  <p className="muted">{t('membership.days', { days: price.duration_days })}</p>
                  <p className="price">
                    <s className="original" aria-label="original price">
                      {price.original_price}
                    </s>{' '}
                    {price.price} {price.currency}
                  </p>
                  <p className="per-month">
                    {t('membership.perMonth', {
                      price: `${price.monthly_price ?? price.price} ${price.currency}`,
                    })}
                  </p>
                  <BuyButton
                    label={typeName(price.membership_type)}
                    disabled={busy}
                    onBuy={() => void buy(price.id)}
                  />
                </li>
              ))}
          </ul>
        )}
      </Loaded>
      <PurchaseOutcome error={error} order={order} />
    </main>
  );
}
