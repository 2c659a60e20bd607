// The signed-in user and the header's balance, shared by every page. On start the session is
// restored from the refresh cookie (silent refresh); nothing is kept in localStorage.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { creditApi, onSessionChange, refresh, type Balance, type User } from './api/client';
import { asError } from './async';

interface Session {
  user: User | null;
  ready: boolean; // The first silent refresh has finished.
  balance: Balance | null;
  balanceError: Error | null; // The last balance request failed (shown in the header).
  reloadBalance: () => Promise<void>;
}

// The last balance answer for the user `userId`: the balance, or the failure of the last try.
interface LoadedBalance {
  userId: number;
  balance: Balance | null;
  error: Error | null;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);
  const [loaded, setLoaded] = useState<LoadedBalance | null>(null);

  useEffect(() => onSessionChange(setUser), []);
  useEffect(() => {
    void refresh().finally(() => {
      setReady(true);
    });
  }, []);

  const loadBalance = useCallback(async (userId: number) => {
    try {
      const balance = await creditApi.balance();
      setLoaded({ userId, balance, error: null });
    } catch (failure) {
      setLoaded((previous) => ({
        userId,
        balance: previous?.userId === userId ? previous.balance : null,
        error: asError(failure),
      }));
    }
  }, []);
  // Each new session (a sign-in, a refresh) loads the balance again.
  useEffect(() => {
    if (user) void loadBalance(user.id);
  }, [user, loadBalance]);
  const userId = user?.id;
  const reloadBalance = useCallback(
    () => (userId === undefined ? Promise.resolve() : loadBalance(userId)),
    [userId, loadBalance],
  );

  const mine = loaded !== null && loaded.userId === userId;
  const value: Session = {
    user,
    ready,
    balance: mine ? loaded.balance : null,
    balanceError: mine ? loaded.error : null,
    reloadBalance,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
