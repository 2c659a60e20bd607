// Paying an order: a `redirect` order's payment page opens in a new tab (the sandbox page,
// Stripe Checkout, Alipay's page or wap pay, EPay's checkout); a `qr` order's payload is shown as
// a QR code to scan with the app (Alipay 当面付, WeChat Pay Native). This panel polls the order
// until it is paid, failed or expired, then shows the outcome and refreshes the header's balance.
import { useEffect, useMemo, useRef, useState } from 'react';
import { creditApi, newIdempotencyKey, type Order, type PaymentMethod } from '../api/client';
import { asError, ErrorBox, useAction, useLoad, type Action } from '../async';
import { useI18n, type MessageKey } from '../i18n';
import { useSession } from '../session';
import { drawQr, QrCode } from './QrCode';

export function MethodPicker({
  value,
  onChange,
}: {
  value: PaymentMethod | null;
  onChange: (method: PaymentMethod) => void;
}) {
  const { t } = useI18n();
  const methods = useLoad(() => creditApi.paymentMethods(), []);
  useEffect(() => {
    const first = methods.data?.methods[0];
    if (!value && first) onChange(first);
  }, [methods.data, value, onChange]);
  if (methods.error) return <ErrorBox error={methods.error} onRetry={methods.reload} />;
  return (
    <fieldset className="methods">
      <legend>{t('recharge.method')}</legend>
      {(methods.data?.methods ?? []).map((method) => (
        <label key={method} className="method">
          <input
            type="radio"
            name="payment_method"
            value={method}
            checked={value === method}
            onChange={() => onChange(method)}
          />
          {t(`method.${method}` as const)}
        </label>
      ))}
    </fieldset>
  );
}

// A phone-sized screen pays on the provider's mobile page (Alipay's wap pay).
function payerDevice(): 'desktop' | 'mobile' {
  const narrow =
    typeof window.matchMedia === 'function' && window.matchMedia('(max-width: 640px)').matches;
  return narrow ? 'mobile' : 'desktop';
}

// Buying a pack or a membership: the chosen method, the order being paid (the one just created,
// or the one a payer comes back to from a provider's checkout) and the buy action.
export function usePurchase(kind: 'recharge' | 'membership') {
  const [method, setMethod] = useState<PaymentMethod | null>(null);
  const [created, setCreated] = useState<Order | null>(null);
  const returning = useReturningOrder();
  const action: Action = useAction();
  const buy = (priceId: number) =>
    action.run(async () => {
      if (method)
        setCreated(
          await creditApi.createOrder(kind, priceId, method, newIdempotencyKey(), payerDevice()),
        );
    });
  return {
    method,
    setMethod,
    order: created ?? returning,
    buy,
    busy: action.busy || !method,
    error: action.error,
  };
}

// The order a payer comes back to from a provider's checkout (?order_no=... on the page's URL).
function useReturningOrder(): Order | null {
  const [order, setOrder] = useState<Order | null>(null);
  useEffect(() => {
    const orderNo = new URLSearchParams(window.location.search).get('order_no');
    if (orderNo) creditApi.order(orderNo).then(setOrder, () => setOrder(null));
  }, []);
  return order;
}

// The buy button of a card: `label` names what it buys, for screen readers.
export function BuyButton({
  label,
  disabled,
  onBuy,
}: {
  label: string;
  disabled: boolean;
  onBuy: () => void;
}) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      className="primary"
      disabled={disabled}
      onClick={onBuy}
      aria-label={`${t('recharge.buy')} ${label}`}
    >
      {t('recharge.buy')}
    </button>
  );
}

// What a purchase came to: its error, or the order being paid.
export function PurchaseOutcome({ error, order }: { error: Error | null; order: Order | null }) {
  return (
    <>
      {error && <ErrorBox error={error} />}
      {order && <PayOrder key={order.order_no} order={order} />}
    </>
  );
}

// Polls `created` until it is paid, failed or expired. A new order mounts a new PayOrder (its key).
export function PayOrder({ order: created }: { order: Order }) {
  const { t, date } = useI18n();
  const { balance, reloadBalance } = useSession();
  const [order, setOrder] = useState<Order>(created);
  const [error, setError] = useState<Error | null>(null);
  const panel = useRef<HTMLElement>(null);
  // The panel comes after the cards: on a phone it starts below the fold, with the QR code.
  useEffect(() => {
    panel.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  // A payload no QR code holds falls back to the link: opened on a phone, it starts the app too.
  const qr = useMemo(
    () => (order.pay_kind === 'qr' ? drawQr(order.pay_url) : null),
    [order.pay_kind, order.pay_url],
  );

  useEffect(() => {
    if (created.payment_status !== 'pending') return;
    let live = true;
    const poll = async () => {
      try {
        const next = await creditApi.order(created.order_no);
        if (!live) return;
        setOrder(next);
        setError(null);
        if (next.payment_status === 'pending') timer = window.setTimeout(poll, 1000);
        else if (next.payment_status === 'paid') await reloadBalance();
      } catch (failure) {
        if (!live) return;
        setError(asError(failure));
        timer = window.setTimeout(poll, 3000);
      }
    };
    let timer = window.setTimeout(poll, 1000);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [created, reloadBalance]);

  return (
    <section ref={panel} className="card pay" aria-live="polite">
      {order.payment_status === 'pending' && (
        <>
          <p role="status">{t('pay.pending', { no: order.order_no })}</p>
          {qr ? (
            <figure className="qr">
              <QrCode drawing={qr} label={t('pay.qr', { no: order.order_no })} />
              <figcaption>
                <p>{t(scanCaption(order.payment_method))}</p>
                <p className="muted">{t('pay.qrUntil', { date: date(order.expires_at) })}</p>
              </figcaption>
            </figure>
          ) : (
            <a
              className="button primary"
              href={safeLink(order.pay_url)}
              target="_blank"
              rel="noopener"
            >
              {t('pay.open')}
            </a>
          )}
        </>
      )}
      {order.payment_status === 'paid' && (
        <p className="success" role="status">
          {order.order_type === 'membership'
            ? t('pay.paidMembership', { date: date(order.end_date ?? balance?.member_expired_at) })
            : t('pay.paid', { credits: balance?.credits ?? '…' })}
        </p>
      )}
      {(order.payment_status === 'failed' || order.payment_status === 'expired') && (
        <p className="error" role="alert">
          {t('pay.failed', { status: t(`status.${order.payment_status}`) })}
        </p>
      )}
      {error && <ErrorBox error={error} />}
    </section>
  );
}

// Only web pages and the payment apps' own links are opened: never a javascript: or data: URL.
const LINK_SCHEMES = ['https:', 'http:', 'weixin:', 'alipays:', 'alipay:'];
export function safeLink(url: string): string | undefined {
  try {
    return LINK_SCHEMES.includes(new URL(url).protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

// What a QR code's caption tells the payer to scan it with.
function scanCaption(method: PaymentMethod): MessageKey {
  if (method === 'alipay') return 'pay.scanAlipay';
  if (method === 'wechat') return 'pay.scanWechat';
  return 'pay.scan';
}
