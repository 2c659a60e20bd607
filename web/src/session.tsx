// The signed-in user and the header's balance, shared by every page. On start the session is
// restored from the refresh cookie (silent refresh); nothing is kept in localStorage.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { creditApi, onSessionChange, refresh, type Balance, type User } from './api/client';

interface Session {
  user: User | null;
  ready: boolean;  // The first silent refresh has finished.
  balance: Balance | null;
  balanceError: Error | null;  // The last balance request failed (shown in the header).
  reloadBalance: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);
  const [balance, setBalance] = useState<Balance | null>(null);
  const [balanceError, setBalanceError] = useState<Error | null>(null);

  useEffect(() => onSessionChange(setUser), []);
  useEffect(() => {
    void refresh().finally(() => setReady(true));
  }, []);

  const reloadBalance = useCallback(async () => {
    try {
      setBalance(await creditApi.balance());
      setBalanceError(null);
    } catch (failure) {
      setBalanceError(failure instanceof Error ? failure : new Error(String(failure)));
    }
  }, []);
  useEffect(() => {
    if (user) void reloadBalance();
    else {
      setBalance(null);
      setBalanceError(null);
    }
  }, [user, reloadBalance]);

  return <SessionContext.Provider value={{ user, ready, balance, balanceError, reloadBalance }}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
