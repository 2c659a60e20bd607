// Chinese and English. The language starts from the browser's and is switched in the header;
// every visible string goes through t(). A key missing in one language falls back to English.
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

export type Lang = 'zh' | 'en';

const en = {
  'nav.dashboard': 'Dashboard',
  'nav.recharge': 'Recharge',
  'nav.membership': 'Membership',
  'nav.transactions': 'Transactions',
  'nav.subscription': 'Subscription',
  'nav.tools': 'AI tools',
  'header.credits': 'Credits',
  'header.member': 'Member',
  'header.recharge': 'Recharge',
  'header.logout': 'Log out',
  'header.language': 'Language',
  'auth.login': 'Log in',
  'auth.register': 'Create account',
  'auth.email': 'E-mail',
  'auth.password': 'Password',
  'auth.displayName': 'Display name (optional)',
  'auth.switchToRegister': 'No account yet? Create one',
  'auth.switchToLogin': 'Have an account? Log in',
  'common.loading': 'Loading…',
  'common.retry': 'Retry',
  'common.error': 'Something went wrong',
  'common.prev': 'Previous',
  'common.next': 'Next',
  'common.close': 'Close',
  'common.none': 'None yet',
  'dash.credits': 'Credits',
  'dash.member': 'Membership',
  'dash.memberUntil': 'Member until {date}',
  'dash.notMember': 'Not a member',
  'dash.plan': 'Plan',
  'dash.renews': 'Renews on {date}',
  'dash.ends': 'Ends on {date}',
  'dash.recent': 'Recent transactions',
  'dash.usage': 'Usage this month',
  'recharge.title': 'Recharge credits',
  'recharge.bonus': '+{bonus} bonus',
  'recharge.credits': '{amount} credits',
  'recharge.method': 'Payment method',
  'recharge.buy': 'Buy',
  'pay.pending': 'Waiting for payment of order {no}…',
  'pay.open': 'Open the payment page',
  'pay.qr': 'QR code to pay order {no}',
  'pay.scan': 'Scan the QR code with your payment app to pay.',
  'pay.scanAlipay': 'Scan the QR code with the Alipay app to pay.',
  'pay.scanWechat': 'Scan the QR code with WeChat to pay.',
  'pay.qrUntil': 'The code can be paid until {date}.',
  'pay.paid': 'Paid. Your balance is now {credits} credits.',
  'pay.paidMembership': 'Paid. You are a member until {date}.',
  'pay.failed': 'The payment did not go through (order {status}).',
  'method.sandbox': 'Sandbox (test)',
  'method.alipay': 'Alipay',
  'method.wechat': 'WeChat Pay',
  'method.stripe': 'Card (Stripe)',
  'method.creem': 'Card (Creem)',
  'membership.title': 'Membership',
  'membership.status': 'Status',
  'membership.daysLeft': '{days} days left',
  'membership.perMonth': '{price} / month',
  'membership.days': '{days} days',
  'membership.type.monthly': 'Monthly',
  'membership.type.quarterly': 'Quarterly',
  'membership.type.yearly': 'Yearly',
  'membership.benefit': 'Members run every AI tool for free',
  'tx.title': 'Transactions',
  'tx.type': 'Type',
  'tx.all': 'All',
  'tx.amount': 'Amount',
  'tx.balance': 'Balance after',
  'tx.description': 'Description',
  'tx.time': 'Time',
  'tx.order': 'Order details',
  'tx.total': '{total} entries',
  'order.no': 'Order number',
  'order.status': 'Status',
  'order.price': 'Price',
  'order.method': 'Payment method',
  'order.paidAt': 'Paid at',
  'sub.title': 'Subscription',
  'sub.current': 'Current plan',
  'sub.status': 'Status',
  'sub.periodEnd': 'Current period ends {date}',
  'sub.cancelNotice': 'Cancels at the end of the period ({date}); the plan stays until then.',
  'sub.pending': 'Changes to {plan} when the period ends.',
  'sub.manage': 'Manage billing',
  'sub.cancel': 'Cancel subscription',
  'sub.cancelled': 'The subscription will end with the current period.',
  'sub.monthly': 'Monthly',
  'sub.yearly': 'Yearly',
  'sub.perMonth': '{price} / month',
  'sub.perYear': '{price} / year',
  'sub.creditsPerMonth': '{credits} credits per month',
  'sub.choose': 'Choose',
  'sub.upgrade': 'Switch to this plan',
  'sub.currentBadge': 'Current plan',
  'sub.notOffered': 'Not offered',
  'sub.usage': 'Usage this month',
  'sub.overLimit': 'Over the limit for {resource}: upgrade for a higher quota.',
  'sub.unlimited': 'unlimited',
  'sub.ofQuota': '% of quota used',
  'tools.title': 'AI tools',
  'tools.price': '{credits} credits / {unit}',
  'tools.prompt': 'Prompt',
  'tools.run': 'Run',
  'tools.fail': 'Simulate a failure',
  'tools.result': 'Result',
  'tools.cost': 'Cost: {cost} credits. Balance: {credits} credits.',
  'tools.failed': 'The run failed ({error}); its credits came back. Balance: {credits} credits.',
  'tools.history': 'Run history',
  'tools.imageUnavailable': 'The image could not be loaded.',
  'tools.needs': 'Needs the {feature} feature',
  'status.pending': 'pending',
  'status.paid': 'paid',
  'status.failed': 'failed',
  'status.expired': 'expired',
  'status.succeeded': 'succeeded',
  'status.running': 'running',
};

export type MessageKey = keyof typeof en;

const zh: Partial<Record<MessageKey, string>> = {
  'nav.dashboard': '概览',
  'nav.recharge': '充值',
  'nav.membership': '会员',
  'nav.transactions': '交易记录',
  'nav.subscription': '订阅',
  'nav.tools': 'AI 工具',
  'header.credits': '积分',
  'header.member': '会员',
  'header.recharge': '充值',
  'header.logout': '退出登录',
  'header.language': '语言',
  'auth.login': '登录',
  'auth.register': '注册',
  'auth.email': '邮箱',
  'auth.password': '密码',
  'auth.displayName': '昵称（可选）',
  'auth.switchToRegister': '还没有账号？立即注册',
  'auth.switchToLogin': '已有账号？登录',
  'common.loading': '加载中…',
  'common.retry': '重试',
  'common.error': '出错了',
  'common.prev': '上一页',
  'common.next': '下一页',
  'common.close': '关闭',
  'common.none': '暂无',
  'dash.credits': '积分余额',
  'dash.member': '会员',
  'dash.memberUntil': '会员有效期至 {date}',
  'dash.notMember': '非会员',
  'dash.plan': '套餐',
  'dash.renews': '{date} 续订',
  'dash.ends': '{date} 结束',
  'dash.recent': '最近交易',
  'dash.usage': '本月用量',
  'recharge.title': '积分充值',
  'recharge.bonus': '赠送 {bonus}',
  'recharge.credits': '{amount} 积分',
  'recharge.method': '支付方式',
  'recharge.buy': '购买',
  'pay.pending': '等待订单 {no} 支付…',
  'pay.open': '打开支付页面',
  'pay.qr': '订单 {no} 的付款二维码',
  'pay.scan': '请使用支付应用扫描二维码付款。',
  'pay.scanAlipay': '请使用支付宝扫描二维码付款。',
  'pay.scanWechat': '请使用微信扫一扫，扫描二维码付款。',
  'pay.qrUntil': '请在 {date} 前完成支付。',
  'pay.paid': '支付成功，当前余额 {credits} 积分。',
  'pay.paidMembership': '支付成功，会员有效期至 {date}。',
  'pay.failed': '支付未完成（订单{status}）。',
  'method.sandbox': '沙箱（测试）',
  'method.alipay': '支付宝',
  'method.wechat': '微信支付',
  'method.stripe': '银行卡（Stripe）',
  'method.creem': '银行卡（Creem）',
  'membership.title': '会员中心',
  'membership.status': '会员状态',
  'membership.daysLeft': '剩余 {days} 天',
  'membership.perMonth': '{price} / 月',
  'membership.days': '{days} 天',
  'membership.type.monthly': '月度会员',
  'membership.type.quarterly': '季度会员',
  'membership.type.yearly': '年度会员',
  'membership.benefit': '会员免费使用所有 AI 工具',
  'tx.title': '交易记录',
  'tx.type': '类型',
  'tx.all': '全部',
  'tx.amount': '数量',
  'tx.balance': '余额',
  'tx.description': '说明',
  'tx.time': '时间',
  'tx.order': '订单详情',
  'tx.total': '共 {total} 条',
  'order.no': '订单号',
  'order.status': '状态',
  'order.price': '金额',
  'order.method': '支付方式',
  'order.paidAt': '支付时间',
  'sub.title': '订阅',
  'sub.current': '当前套餐',
  'sub.status': '状态',
  'sub.periodEnd': '本期 {date} 结束',
  'sub.cancelNotice': '将于本期结束时（{date}）取消，在此之前套餐保持不变。',
  'sub.pending': '本期结束后变更为 {plan}。',
  'sub.manage': '管理账单',
  'sub.cancel': '取消订阅',
  'sub.cancelled': '订阅将在本期结束时终止。',
  'sub.monthly': '按月',
  'sub.yearly': '按年',
  'sub.perMonth': '{price} / 月',
  'sub.perYear': '{price} / 年',
  'sub.creditsPerMonth': '每月 {credits} 积分',
  'sub.choose': '选择',
  'sub.upgrade': '切换到此套餐',
  'sub.currentBadge': '当前套餐',
  'sub.notOffered': '暂未开放',
  'sub.usage': '本月用量',
  'sub.overLimit': '{resource} 已超出配额，升级可获得更高配额。',
  'sub.unlimited': '不限',
  'sub.ofQuota': '配额使用率 %',
  'tools.title': 'AI 工具',
  'tools.price': '{credits} 积分 / {unit}',
  'tools.prompt': '提示词',
  'tools.run': '生成',
  'tools.fail': '模拟失败',
  'tools.result': '结果',
  'tools.cost': '消耗 {cost} 积分，余额 {credits} 积分。',
  'tools.failed': '生成失败（{error}），积分已退回。余额 {credits} 积分。',
  'tools.history': '生成记录',
  'tools.imageUnavailable': '图片加载失败。',
  'tools.needs': '需要 {feature} 功能',
  'status.pending': '待支付',
  'status.paid': '已支付',
  'status.failed': '失败',
  'status.expired': '已过期',
  'status.succeeded': '成功',
  'status.running': '进行中',
};

export const messages: Record<Lang, Partial<Record<MessageKey, string>>> = { en, zh };

// Formats `key` in `lang` with {name} placeholders.
export function translate(
  lang: Lang,
  key: MessageKey,
  values: Record<string, string | number> = {},
): string {
  const template = messages[lang][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

export function browserLang(languages: readonly string[]): Lang {
  for (const language of languages) {
    const lower = language.toLowerCase();
    if (lower.startsWith('zh')) return 'zh';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, values?: Record<string, string | number>) => string;
  date: (iso: string | null | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(() =>
    browserLang(navigator.languages.length > 0 ? navigator.languages : [navigator.language]),
  );
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang: (next) => {
        document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
        setLang(next);
      },
      t: (key, values) => translate(lang, key, values),
      date: (iso) =>
        iso
          ? new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', {
              dateStyle: 'medium',
              timeStyle: 'short',
            })
          : '—',
    }),
    [lang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
