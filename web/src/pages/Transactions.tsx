import { useState } from 'react';
import { creditApi, type EntryType, type Order } from '../api/client';
import { ErrorBox, Loaded, useLoad } from '../async';
import { EntryRows } from '../components/EntryRows';
import { useI18n } from '../i18n';

const TYPES: EntryType[] = ['RECHARGE', 'CONSUME', 'REFUND', 'REWARD', 'EXPIRE', 'ADJUST', 'GRANT'];
const PAGE = 10;

function OrderDetails({ orderId, onClose }: { orderId: number; onClose: () => void }) {
  const { t, date } = useI18n();
  const order = useLoad(async (): Promise<Order | undefined> => {
    const [recharges, memberships] = await Promise.all([
      creditApi.orders('recharge'),
      creditApi.orders('membership'),
    ]);
    return [...recharges.items, ...memberships.items].find((o) => o.id === orderId);
  }, [orderId]);
  return (
    <section className="card details" aria-label={t('tx.order')}>
      <h2>{t('tx.order')}</h2>
      <Loaded load={order}>
        {(o) =>
          o ? (
            <dl>
              <dt>{t('order.no')}</dt>
              <dd>{o.order_no}</dd>
              <dt>{t('order.status')}</dt>
              <dd>{t(`status.${o.payment_status}`)}</dd>
              <dt>{t('order.price')}</dt>
              <dd>
                {o.price} {o.currency}
              </dd>
              <dt>{t('order.method')}</dt>
              <dd>{t(`method.${o.payment_method}`)}</dd>
              <dt>{t('order.paidAt')}</dt>
              <dd>{date(o.paid_at)}</dd>
            </dl>
          ) : (
            <p>{t('common.none')}</p>
          )
        }
      </Loaded>
      <button type="button" onClick={onClose}>
        {t('common.close')}
      </button>
    </section>
  );
}

export function TransactionsPage() {
  const { t } = useI18n();
  const [type, setType] = useState<EntryType | ''>('');
  const [skip, setSkip] = useState(0);
  const [orderId, setOrderId] = useState<number | null>(null);
  const page = useLoad(() => creditApi.transactions(skip, PAGE, type || undefined), [skip, type]);
  return (
    <main>
      <h1>{t('tx.title')}</h1>
      <label className="inline">
        {t('tx.type')}
        <select
          value={type}
          onChange={(e) => {
            setType(e.target.value as EntryType | '');
            setSkip(0);
          }}
        >
          <option value="">{t('tx.all')}</option>
          {TYPES.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      {page.error && <ErrorBox error={page.error} onRetry={page.reload} />}
      <Loaded load={page}>
        {(p) => (
          <>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>{t('tx.type')}</th>
                    <th>{t('tx.amount')}</th>
                    <th>{t('tx.balance')}</th>
                    <th>{t('tx.description')}</th>
                    <th>{t('tx.time')}</th>
                  </tr>
                </thead>
                <tbody>
                  <EntryRows
                    entries={p.items}
                    onOrder={(entry) => setOrderId(entry.related_order_id ?? null)}
                  />
                </tbody>
              </table>
            </div>
            <nav className="pager" aria-label="pagination">
              <button
                type="button"
                disabled={skip === 0}
                onClick={() => setSkip(Math.max(0, skip - PAGE))}
              >
                {t('common.prev')}
              </button>
              <span>{t('tx.total', { total: p.total })}</span>
              <button
                type="button"
                disabled={skip + PAGE >= p.total}
                onClick={() => setSkip(skip + PAGE)}
              >
                {t('common.next')}
              </button>
            </nav>
          </>
        )}
      </Loaded>
      {orderId !== null && <OrderDetails orderId={orderId} onClose={() => setOrderId(null)} />}
    </main>
  );
}
