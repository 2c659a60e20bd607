import { useState } from 'react';
import { creditApi, newIdempotencyKey, type Order, type PaymentMethod } from '../api/client';
import { ErrorBox, Loaded, useLoad } from '../async';
import { useI18n } from '../i18n';
import { MethodPicker, PayOrder, useReturningOrder } from './Pay';

export function RechargePage() {
  const { t } = useI18n();
  const packs = useLoad(() => creditApi.packs(), []);
  const [method, setMethod] = useState<PaymentMethod | null>(null);
  const [created, setOrder] = useState<Order | null>(null);
  const returning = useReturningOrder();
  const order = created ?? returning;
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const buy = async (priceId: number) => {
    if (!method) return;
    setBusy(true);
    setError(null);
    try {
      setOrder(await creditApi.createOrder('recharge', priceId, method, newIdempotencyKey()));
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main>
      <h1>{t('recharge.title')}</h1>
      <MethodPicker value={method} onChange={setMethod} />
      <Loaded load={packs}>
        {(list) => (
          <ul className="cards">
            {list.filter((pack) => pack.is_active).map((pack) => (
              <li key={pack.id} className="card pack">
                <h2>{t('recharge.credits', { amount: pack.amount })}</h2>
                {pack.bonus > 0 && <p className="bonus">{t('recharge.bonus', { bonus: pack.bonus })}</p>}
                <p className="price">{pack.price} {pack.currency}</p>
                <button type="button" className="primary" disabled={busy || !method} onClick={() => void buy(pack.id)}
                  aria-label={`${t('recharge.buy')} ${t('recharge.credits', { amount: pack.amount })}`}>
                  {t('recharge.buy')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      {error && <ErrorBox error={error} />}
      {order && <PayOrder order={order} />}
    </main>
  );
}
