import jsQR from 'jsqr';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Order } from '../api/client';
import { I18nProvider } from '../i18n';
import { SessionProvider } from '../session';
import { PayOrder, safeLink } from './Pay';
import { drawQr, type QrDrawing } from './QrCode';

const RUN = /M(\d+) (\d+)h(\d+)v1h-\3z/g;

// Paints `drawing` black on white at `scale` pixels a module, as a browser would, and reads it
// back with a QR decoder the way a payer's phone does.
function scan(drawing: QrDrawing, scale = 4): string | undefined {
  expect(drawing.path.replace(RUN, ''), 'the path is only runs of modules').toBe('');
  const width = drawing.size * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [, x, y, run] of drawing.path.matchAll(RUN)) {
    for (let row = Number(y) * scale; row < (Number(y) + 1) * scale; row += 1) {
      const start = (row * width + Number(x) * scale) * 4;
      pixels.fill(0, start, start + Number(run) * scale * 4);
      for (let i = start + 3; i < start + Number(run) * scale * 4; i += 4) pixels[i] = 255;
    }
  }
  return jsQR(pixels, width, width)?.data;
}

describe('drawQr', () => {
  it('draws codes that decode to their payload, with the quiet zone around them', () => {
    for (const payload of [
      'https://qr.alipay.com/bax00000001',
      'weixin://wxpay/bizpayurl?pr=AbCdEfGhI',
      `https://qr.alipay.com/${'x'.repeat(300)}`,
    ]) {
      const drawing = drawQr(payload);
      expect(drawing).not.toBeNull();
      if (!drawing) continue;
      expect(scan(drawing)).toBe(payload);
      const used = [...drawing.path.matchAll(RUN)].flatMap(([, x, y, run]) => [
        Number(x),
        Number(y),
        Number(x) + Number(run) - 1,
      ]);
      expect(Math.min(...used)).toBe(4);
      expect(Math.max(...used)).toBe(drawing.size - 5);
    }
  });

  it('is null for a payload no QR code holds', () => {
    expect(drawQr('x'.repeat(5000))).toBeNull();
  });
});

const order = (fields: Partial<Order>): Order => ({
  id: 1,
  order_no: 'R20261203000001',
  order_type: 'recharge',
  price_id: 2,
  price: '10.00',
  currency: 'CNY',
  payment_method: 'alipay',
  payment_status: 'pending',
  pay_url: 'https://qr.alipay.com/bax00000001',
  pay_kind: 'qr',
  refunded_amount: '0.00',
  created_at: '2026-12-03T08:00:00Z',
  expires_at: '2026-12-03T08:30:00Z',
  paid_at: null,
  ...fields,
});

// PayOrder as a browser in `language` first shows it (before its first poll).
function render(shown: Order, language = 'en-GB'): string {
  vi.stubGlobal('navigator', { language, languages: [language] });
  return renderToStaticMarkup(
    <I18nProvider>
      <SessionProvider>
        <PayOrder order={shown} />
      </SessionProvider>
    </I18nProvider>,
  );
}

describe('PayOrder', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('shows a qr order as a QR code with a caption for its app, and no link', () => {
    const html = render(order({}));
    expect(html).toContain('<svg role="img" aria-label="QR code to pay order R20261203000001"');
    expect(html).toContain('<figcaption><p>Scan the QR code with the Alipay app to pay.</p>');
    expect(html).toContain('The code can be paid until ');
    expect(html).not.toContain('<a ');
    expect(html).not.toContain('qr.alipay.com');
    expect(render(order({ payment_method: 'wechat' }), 'zh-CN')).toContain(
      '<figcaption><p>请使用微信扫一扫，扫描二维码付款。</p>',
    );
    expect(render(order({}), 'zh-CN')).toContain('请使用支付宝扫描二维码付款。');
  });

  it('links to a redirect order’s payment page in a new tab', () => {
    const url = 'https://pay.example.com/submit.php?out_trade_no=R1&amp;sign=x';
    const html = render(order({ pay_kind: 'redirect', pay_url: url.replace('&amp;', '&') }));
    expect(html).toContain(`href="${url}" target="_blank"`);
    expect(html).toContain('Open the payment page');
    expect(html).not.toContain('<svg');
  });

  it('falls back to the link when the payload is too long for a QR code', () => {
    const html = render(order({ pay_url: `https://qr.alipay.com/${'x'.repeat(5000)}` }));
    expect(html).not.toContain('<svg');
    expect(html).toContain('Open the payment page');
  });

  it('shows a paid, expired or failed order’s outcome without a code', () => {
    expect(render(order({ payment_status: 'expired' }))).toContain(
      'The payment did not go through (order expired).',
    );
    expect(render(order({ payment_status: 'failed' }), 'zh-CN')).toContain(
      '支付未完成（订单失败）。',
    );
    expect(render(order({ payment_status: 'paid' }))).toContain('Paid. Your balance is now');
    for (const status of ['paid', 'expired', 'failed'] as const)
      expect(render(order({ payment_status: status }))).not.toContain('<svg');
  });
});

describe('safeLink', () => {
  it('opens web pages and the payment apps, never script or data URLs', () => {
    expect(safeLink('https://openapi.alipay.com/gateway.do?a=1')).toBe(
      'https://openapi.alipay.com/gateway.do?a=1',
    );
    expect(safeLink('http://127.0.0.1:8080/sandbox/checkout/R1')).toBe(
      'http://127.0.0.1:8080/sandbox/checkout/R1',
    );
    expect(safeLink('weixin://wxpay/bizpayurl?pr=abc')).toBe('weixin://wxpay/bizpayurl?pr=abc');
    expect(safeLink('javascript:alert(1)')).toBeUndefined();
    expect(safeLink('data:text/html,<b>x</b>')).toBeUndefined();
    expect(safeLink('not a url')).toBeUndefined();
  });
});
