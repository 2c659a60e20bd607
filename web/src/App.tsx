import type { ReactElement } from 'react';
import { logout } from './api/client';
import { useI18n, type Lang } from './i18n';
import { AuthPage } from './pages/Auth';
import { DashboardPage } from './pages/Dashboard';
import { MembershipPage } from './pages/Membership';
import { RechargePage } from './pages/Recharge';
import { SubscriptionPage } from './pages/Subscription';
import { ToolsPage } from './pages/Tools';
import { TransactionsPage } from './pages/Transactions';
import { Link, usePath } from './router';
import { useSession } from './session';

const PAGES: {
  path: string;
  key:
    | 'nav.dashboard'
    | 'nav.recharge'
    | 'nav.membership'
    | 'nav.transactions'
    | 'nav.subscription'
    | 'nav.tools';
  page: () => ReactElement;
}[] = [
  { path: '/', key: 'nav.dashboard', page: DashboardPage },
  { path: '/credit/recharge', key: 'nav.recharge', page: RechargePage },
  { path: '/credit/membership', key: 'nav.membership', page: MembershipPage },
  { path: '/credit/transactions', key: 'nav.transactions', page: TransactionsPage },
  { path: '/subscription', key: 'nav.subscription', page: SubscriptionPage },
  { path: '/tools', key: 'nav.tools', page: ToolsPage },
];

function Header() {
  const { t, lang, setLang } = useI18n();
  const { user, balance, balanceError, reloadBalance } = useSession();
  const path = usePath();
  return (
    <header className="top">
      <div className="brand">
        <Link href="/">creditd</Link>
      </div>
      {user && (
        <nav aria-label="main">
          {PAGES.map((page) => (
            <Link
              key={page.path}
              href={page.path}
              aria-current={path === page.path ? 'page' : undefined}
            >
              {t(page.key)}
            </Link>
          ))}
        </nav>
      )}
      <div className="account">
        {user && balance?.is_member && (
          <span className="badge member" data-testid="member-badge">
            {t('header.member')}
          </span>
        )}
        {user && (
          <span className="credits" aria-label={t('header.credits')}>
            {t('header.credits')}:{' '}
            <strong data-testid="header-credits">{balance?.credits ?? '…'}</strong>
          </span>
        )}
        {user && balanceError && (
          <button
            type="button"
            className="link error"
            title={balanceError.message}
            onClick={() => void reloadBalance()}
          >
            {t('common.retry')}
          </button>
        )}
        {user && (
          <Link className="button" href="/credit/recharge">
            {t('header.recharge')}
          </Link>
        )}
        <label className="lang">
          <span className="sr-only">{t('header.language')}</span>
          <select
            value={lang}
            onChange={(e) => setLang(e.target.value as Lang)}
            aria-label={t('header.language')}
          >
            <option value="zh">中文</option>
            <option value="en">English</option>
          </select>
        </label>
        {user && (
          <button type="button" onClick={() => void logout()}>
            {t('header.logout')}
          </button>
        )}
      </div>
    </header>
  );
}

export function App() {
  const { user, ready } = useSession();
  const { t } = useI18n();
  const path = usePath();
  const Page = PAGES.find((page) => page.path === path)?.page ?? DashboardPage;
  return (
    <>
      <Header />
      {!ready ? (
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      ) : user ? (
        <Page />
      ) : (
        <AuthPage />
      )}
    </>
  );
}
