// The signed-in session: checked once on load (by refreshing the session cookie, which also tells
// when it expires), refreshed again shortly before it expires, and ended on any 401 from the API
// (signed out elsewhere, suspended by an admin, expired) by sending the person back to the login.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate } from 'react-router';
import { notifications } from '@mantine/notifications';
import { setSessionEndedListener } from '../api/client';
import type { MyPermissions } from '../api/types';
import { fetchMe, fetchMyPermissions, isTfaSetupRequired, logout, refreshSession, type Me, type SessionGrant } from './session-api';
import { refreshDelay } from './refresh-delay';

export type SessionStatus = 'checking' | 'signed-in' | 'signed-out';

export interface Session {
  status: SessionStatus;
  /** Why the last session ended: on purpose (sign out) or not (expired, suspended...). */
  endReason: 'ended' | 'signed-out' | null;
  me: Me | undefined;
  /** Reading the signed-in user failed (not because the session ended). */
  meError: unknown;
  retryMe(): void;
  permissions: MyPermissions | undefined;
  /** The permissions were asked for and answered (or failed): the App can decide what to show. */
  permissionsSettled: boolean;
  /** Call after a successful POST /auth/login (mode session). */
  signedIn(grant: SessionGrant): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

// What this browser knows of its session (not a credential: the session cookie is httpOnly): when
// it expires and how long it lasts. A page load inside that time goes straight in (the first API
// answer confirms it), a first visit does not ask the server about a session that cannot exist,
// and open tabs share what the last refresh learned.
const HINT = 'usher.session';
interface Known {
  expiresAt: number;
  ttl: number;
}
const hint = {
  get: (): Known | null => {
    try {
      const v = JSON.parse(localStorage.getItem(HINT) ?? 'null') as Known | null;
      return v && typeof v.expiresAt === 'number' && typeof v.ttl === 'number' ? v : null;
    } catch {
      return null;
    }
  },
  set: (known: Known | null) => {
    try {
      if (known) localStorage.setItem(HINT, JSON.stringify(known));
      else localStorage.removeItem(HINT);
    } catch {
      // storage disabled: every load then asks the server
    }
  },
};

/** Pages that work without a session: the provider does not send anyone away from these. */
export const PUBLIC_PATHS = ['/login', '/accept-invite', '/reset-password', '/request-reset'];

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionStatus>('checking');
  const [endReason, setEndReason] = useState<'ended' | 'signed-out' | null>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshAt = useRef<number>(0);
  const locationRef = useRef(location);
  locationRef.current = location;

  const clearTimer = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };

  const endSession = useCallback(
    (why: 'ended' | 'signed-out') => {
      clearTimer();
      hint.set(null);
      setEndReason(why);
      setStatus((prev) => {
        if (prev === 'signed-in' && why === 'ended') {
          notifications.show({
            id: 'session-ended',
            color: 'orange',
            title: 'Your session ended',
            message: 'You were signed out (your access changed, or the session expired). Sign in again to continue.',
          });
        }
        return 'signed-out';
      });
      queryClient.clear();
      const here = locationRef.current;
      if (!PUBLIC_PATHS.includes(here.pathname)) {
        // An ended session comes back to where the person was; signing out on purpose starts afresh.
        const back = why === 'ended' ? here.pathname + here.search : '';
        navigate(`/login${back && back !== '/' ? `?redirect=${encodeURIComponent(back)}` : ''}`, { replace: true });
      }
    },
    [navigate, queryClient],
  );

  const scheduleAt = useCallback(
    (at: number) => {
      clearTimer();
      refreshAt.current = at;
      timer.current = setTimeout(() => void doRefreshRef.current(), Math.max(0, at - Date.now()));
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  const schedule = useCallback(
    (grant: SessionGrant) => {
      const now = Date.now();
      hint.set({ expiresAt: now + grant.expires, ttl: grant.expires });
      scheduleAt(now + refreshDelay(grant.expires));
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  const doRefresh = useCallback(async () => {
    try {
      schedule(await refreshSession());
    } catch (err) {
      // The network may be down for a moment; the session may still be valid. Only an answer from
      // the server that the session is gone ends it.
      const code = (err as { code?: string }).code;
      if (code === 'NETWORK_ERROR') {
        timer.current = setTimeout(() => void doRefreshRef.current(), 15_000);
        return;
      }
      endSession('ended');
    }
  }, [endSession, schedule]);
  const doRefreshRef = useRef(doRefresh);
  doRefreshRef.current = doRefresh;

  // On load: a session known to be current is used at once; one near its end (or of unknown age)
  // is refreshed first, which also says whether it still exists.
  useEffect(() => {
    let cancelled = false;
    const known = hint.get();
    if (!known) {
      setStatus('signed-out');
      return;
    }
    const due = known.expiresAt - known.ttl + refreshDelay(known.ttl);
    if (Date.now() < due) {
      scheduleAt(due);
      setStatus('signed-in');
      return;
    }
    refreshSession()
      .then((grant) => {
        if (cancelled) return;
        schedule(grant);
        setStatus('signed-in');
      })
      .catch(() => {
        if (cancelled) return;
        hint.set(null);
        setStatus('signed-out');
      });
    return () => {
      cancelled = true;
    };
  }, [schedule, scheduleAt]);

  // A laptop waking from sleep: timers ran late, so check the clock when the page shows again.
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible' && status === 'signed-in' && Date.now() >= refreshAt.current) void doRefresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [doRefresh, status]);

  useEffect(() => {
    setSessionEndedListener(() => endSession('ended'));
    return () => setSessionEndedListener(null);
  }, [endSession]);

  useEffect(() => clearTimer, []);

  const signedIn = status === 'signed-in';
  const meQuery = useQuery({ queryKey: ['me'], queryFn: fetchMe, enabled: signedIn, staleTime: 60_000 });
  // Asked together with the user (not after): only someone who must still set up 2FA is refused it.
  const tfaPending = meQuery.data ? isTfaSetupRequired(meQuery.data) : false;
  const permissionsQuery = useQuery({
    queryKey: ['permissions', 'me'],
    queryFn: fetchMyPermissions,
    enabled: signedIn && !tfaPending,
    staleTime: 60_000,
  });

  const value = useMemo<Session>(
    () => ({
      status,
      endReason,
      me: meQuery.data,
      meError: meQuery.error,
      retryMe: () => void meQuery.refetch(),
      permissions: permissionsQuery.data,
      permissionsSettled: permissionsQuery.isSuccess || permissionsQuery.isError,
      signedIn: (grant) => {
        queryClient.clear();
        setEndReason(null);
        schedule(grant);
        setStatus('signed-in');
      },
      signOut: async () => {
        await logout();
        endSession('signed-out');
        notifications.show({ color: 'teal', title: 'Signed out', message: 'You have signed out of Usher.' });
      },
    }),
    [status, endReason, meQuery.data, meQuery.error, meQuery.refetch, permissionsQuery.data, permissionsQuery.isSuccess, permissionsQuery.isError, queryClient, schedule, endSession],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
