import { creditApi } from '../api/client';
import { Loaded, useLoad } from '../async';
import { BuyButton, MethodPicker, PurchaseOutcome, usePurchase } from '../components/Pay';
import { useI18n } from '../i18n';

export function RechargePage() {
  const { t } = useI18n();
  const packs = useLoad(() => creditApi.packs(), []);
  const { method, setMethod, order, buy, busy, error } = usePurchase('recharge');

  return (
    <main>
      <h1>{t('recharge.title')}</h1>
      <MethodPicker value={method} onChange={setMethod} />
      <Loaded load={packs}>
        {(list) => (
          <ul className="cards">
            {list
              .filter((pack) => pack.is_active)
              .map((pack) => (
                <li key={pack.id} className="card pack">
                  <h2>{t('recharge.credits', { amount: pack.amount })}</h2>
                  {pack.bonus > 0 && (
                    <p className="bonus">{t('recharge.bonus', { bonus: pack.bonus })}</p>
                  )}
                  <p className="price">
                    {pack.price} {pack.currency}
                  </p>
                  <BuyButton
                    label={t('recharge.credits', { amount: pack.amount })}
                    disabled={busy}
                    onBuy={() => void buy(pack.id)}
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
