// Records the page the person is on as their `last_page` (as Directus's App does), a moment after
// they arrive, so admins see where someone last was. Best effort: a failure changes nothing.
import { useEffect } from 'react';
import { api } from '../api/client';

export function useTrackPage(pathname: string): void {
  useEffect(() => {
    const timer = setTimeout(() => {
      // Without the /admin prefix, as Directus stores it ("/users/…").
      void api('/users/me/track/page', { method: 'PATCH', body: { last_page: pathname.slice(0, 255) }, public: true }).catch(() => undefined);
    }, 1500);
    return () => clearTimeout(timer);
  }, [pathname]);
}
