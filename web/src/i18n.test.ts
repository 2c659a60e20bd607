import { describe, expect, it } from 'vitest';
import { browserLang, messages, translate, type MessageKey } from './i18n';

describe('i18n', () => {
  it('formats placeholders in both languages', () => {
    expect(translate('en', 'pay.paid', { credits: 110 })).toBe(
      'Paid. Your balance is now 110 credits.',
    );
    expect(translate('zh', 'pay.paid', { credits: 110 })).toBe('支付成功，当前余额 110 积分。');
  });

  it('leaves an unknown placeholder visible instead of printing undefined', () => {
    expect(translate('en', 'tools.cost', { cost: 2 })).toBe(
      'Cost: 2 credits. Balance: {credits} credits.',
    );
  });

  it('has every English message in Chinese too', () => {
    const missing = (Object.keys(messages.en) as MessageKey[]).filter(
      (key) => !(key in messages.zh),
    );
    expect(missing).toEqual([]);
  });

  it('picks the language from the browser, English when neither matches', () => {
    expect(browserLang(['zh-CN', 'en'])).toBe('zh');
    expect(browserLang(['de-DE', 'en-US'])).toBe('en');
    expect(browserLang(['fr'])).toBe('en');
  });
});
