import { useState, type SubmitEventHandler } from 'react';
import { login, register } from '../api/client';
import { ErrorBox, useAction } from '../async';
import { useI18n } from '../i18n';

export function AuthPage() {
  const { t } = useI18n();
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const action = useAction();

  const submit: SubmitEventHandler<HTMLFormElement> = (event) => {
    event.preventDefault();
    void action.run(async () => {
      if (mode === 'login') await login(email, password);
      else await register(email, password, displayName || undefined);
    });
  };

  return (
    <main className="auth">
      <form className="card" onSubmit={submit} aria-labelledby="auth-title">
        <h1 id="auth-title">{mode === 'login' ? t('auth.login') : t('auth.register')}</h1>
        <label>
          {t('auth.email')}
          <input
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          {t('auth.password')}
          <input
            type="password"
            name="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            minLength={8}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {mode === 'register' && (
          <label>
            {t('auth.displayName')}
            <input
              name="display_name"
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
          </label>
        )}
        {action.error && <ErrorBox error={action.error} />}
        <button type="submit" className="primary" disabled={action.busy}>
          {mode === 'login' ? t('auth.login') : t('auth.register')}
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(mode === 'login' ? 'register' : 'login');
            action.clear();
          }}
        >
          {mode === 'login' ? t('auth.switchToRegister') : t('auth.switchToLogin')}
        </button>
      </form>
    </main>
  );
}
