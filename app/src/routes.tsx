// The Directus paths, each page loaded on demand so the first load stays small.
import { createBrowserRouter, Navigate, Outlet } from 'react-router';
import { SessionProvider } from './auth/session';
import { ColorSchemeSync } from './layout/color-scheme-sync';
import { RequireSession } from './layout/require-session';
import { RouteError } from './layout/route-error';
import { FullPageLoader } from './layout/full-page-loader';
import { RequireSettings } from './layout/require-settings';

function SettingsOutlet() {
  return (
    <RequireSettings>
      <Outlet />
    </RequireSettings>
  );
}

function Root() {
  return (
    <SessionProvider>
      <ColorSchemeSync />
      <Outlet />
    </SessionProvider>
  );
}

export const router = createBrowserRouter(
  [
    {
      element: <Root />,
      errorElement: <RouteError />,
      HydrateFallback: FullPageLoader,
      children: [
        { path: 'login', lazy: () => import('./auth/login-page').then((m) => ({ Component: m.LoginPage })) },
        { path: 'request-reset', lazy: () => import('./auth/request-reset-page').then((m) => ({ Component: m.RequestResetPage })) },
        { path: 'reset-password', lazy: () => import('./auth/reset-password-page').then((m) => ({ Component: m.ResetPasswordPage })) },
        { path: 'accept-invite', lazy: () => import('./auth/accept-invite-page').then((m) => ({ Component: m.AcceptInvitePage })) },
        {
          element: <RequireSession allowTfaSetup />,
          children: [{ path: 'tfa-setup', lazy: () => import('./auth/tfa-setup-page').then((m) => ({ Component: m.TfaSetupPage })) }],
        },
        {
          element: <RequireSession />,
          children: [
            {
              lazy: () => import('./layout/shell').then((m) => ({ Component: m.Shell })),
              children: [
                { index: true, element: <Navigate to="/users" replace /> },
                { path: 'users', lazy: () => import('./users/user-library-page').then((m) => ({ Component: m.UserLibraryPage })) },
                { path: 'users/:id', lazy: () => import('./users/user-detail-page').then((m) => ({ Component: m.UserDetailPage })) },
                { path: 'settings', element: <Navigate to="/settings/roles" replace /> },
                {
                  element: <SettingsOutlet />,
                  children: [
                    { path: 'settings/roles', lazy: () => import('./roles/roles-page').then((m) => ({ Component: m.RolesPage })) },
                    { path: 'settings/roles/:id', lazy: () => import('./roles/role-detail-page').then((m) => ({ Component: m.RoleDetailPage })) },
                  ],
                },
                { path: '*', lazy: () => import('./layout/not-found').then((m) => ({ Component: m.NotFound })) },
              ],
            },
          ],
        },
      ],
    },
  ],
  { basename: '/admin' },
);
