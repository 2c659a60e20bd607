// Loading and error states for every request: useLoad runs a request and keeps its state;
// <Loaded> shows a spinner line, the server's error message with a retry button, or the data;
// useAction runs a user's action (a click, a form) with its busy flag and error.
import { useCallback, useEffect, useEffectEvent, useState, type ReactNode } from 'react';
import { ApiError } from './api/client';
import { useI18n } from './i18n';

export interface Load<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

// What a request's deps may hold: values that compare by value.
type Dep = string | number | boolean | null | undefined;

// The outcome of the request made for `key`.
interface Settled<T> {
  key: string;
  data: T | null;
  error: Error | null;
}

export function asError(failure: unknown): Error {
  return failure instanceof Error ? failure : new Error(String(failure));
}

// Runs `request` now and again whenever `deps` change or reload() is called. While a request
// runs, the data of the previous one stays (and `loading` is true); a failure keeps it too.
export function useLoad<T>(request: () => Promise<T>, deps: readonly Dep[]): Load<T> {
  const [round, setRound] = useState(0);
  const key = JSON.stringify([round, ...deps]);
  const [settled, setSettled] = useState<Settled<T> | null>(null);
  const start = useEffectEvent(request);
  useEffect(() => {
    let live = true;
    start().then(
      (data) => {
        if (live) setSettled({ key, data, error: null });
      },
      (failure: unknown) => {
        if (live) {
          setSettled((previous) => ({
            key,
            data: previous?.data ?? null,
            error: asError(failure),
          }));
        }
      },
    );
    return () => {
      live = false;
    };
  }, [key]);
  const current = settled?.key === key;
  return {
    data: settled?.data ?? null,
    error: current ? settled.error : null,
    loading: !current,
    reload: () => setRound((n) => n + 1),
  };
}

export function ErrorBox({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useI18n();
  const reason = error instanceof ApiError ? ` (${error.reason})` : '';
  return (
    <div className="error" role="alert">
      <span>
        {t('common.error')}: {error.message}
        {reason}
      </span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Loaded<T>({ load, children }: { load: Load<T>; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  if (load.error) return <ErrorBox error={load.error} onRetry={load.reload} />;
  if (load.loading && load.data === null)
    return (
      <p className="muted" role="status">
        {t('common.loading')}
      </p>
    );
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
      setError(asError(failure));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}
