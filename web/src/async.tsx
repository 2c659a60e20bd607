// Loading and error states for every request: useLoad runs a request and keeps its state;
// <Loaded> shows a spinner line, the server's error message with a retry button, or the data;
// useAction runs a user's action (a click, a form) with its busy flag and error.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError } from './api/client';
import { useI18n } from './i18n';

export interface Load<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

export function useLoad<T>(request: () => Promise<T>, deps: unknown[]): Load<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(request, deps);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    run().then(
      (value) => { if (live) { setData(value); setLoading(false); } },
      (failure: unknown) => { if (live) { setError(failure instanceof Error ? failure : new Error(String(failure))); setLoading(false); } },
    );
    return () => { live = false; };
  }, [run, round]);
  return { data, error, loading, reload: () => setRound((n) => n + 1) };
}

export function ErrorBox({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useI18n();
  const reason = error instanceof ApiError ? ` (${error.reason})` : '';
  return (
    <div className="error" role="alert">
      <span>{t('common.error')}: {error.message}{reason}</span>
      {onRetry && <button type="button" onClick={onRetry}>{t('common.retry')}</button>}
    </div>
  );
}

export function Loaded<T>({ load, children }: { load: Load<T>; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  if (load.error) return <ErrorBox error={load.error} onRetry={load.reload} />;
  if (load.loading && load.data === null) return <p className="muted" role="status">{t('common.loading')}</p>;
  return <>{load.data !== null && children(load.data)}</>;
}

export interface Action {
  busy: boolean;
  error: Error | null;
  run: (action: () => Promise<void>) => Promise<void>;
  clear: () => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure instanceof Error ? failure : new Error(String(failure)));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}
