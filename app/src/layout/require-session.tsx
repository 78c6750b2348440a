// Pages behind the session: wait for the check, send the signed-out to the login page (coming
// back here afterwards), and send those whose role enforces 2FA to set it up first.
import { Navigate, Outlet, useLocation } from 'react-router';
import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { useSession } from '../auth/session';
import { isTfaSetupRequired } from '../auth/session-api';
import { FullPageLoader } from './full-page-loader';
import { describeError } from '../api/errors';

export function RequireSession({ allowTfaSetup = false }: { allowTfaSetup?: boolean }) {
  const { status, endReason, me, meError, retryMe, permissionsSettled, signOut } = useSession();
  const location = useLocation();
  if (status === 'checking') return <FullPageLoader label="Checking your session" />;
  if (status === 'signed-out') {
    if (endReason === 'signed-out') return <Navigate to="/login" replace />;
    const back = location.pathname + location.search;
    return <Navigate to={`/login?redirect=${encodeURIComponent(back)}`} replace />;
  }
  if (!me && meError) {
    return (
      <Center h="100vh" p="md">
        <Stack align="center" maw={420}>
          <Title order={2}>Your account could not be loaded</Title>
          <Text ta="center">{describeError(meError)}</Text>
          <Button onClick={retryMe}>Try again</Button>
        </Stack>
      </Center>
    );
  }
  if (!me) return <FullPageLoader label="Loading your account" />;
  const mustSetUpTfa = isTfaSetupRequired(me);
  if (mustSetUpTfa && !allowTfaSetup) return <Navigate to="/tfa-setup" replace />;
  if (!mustSetUpTfa && allowTfaSetup) return <Navigate to="/users" replace />;
  if (!me.role?.app_access && !me.role?.admin_access) {
    return (
      <Center h="100vh" p="md">
        <Stack align="center" maw={420}>
          <Title order={2}>No access to the App</Title>
          <Text ta="center">Your role does not include access to the Usher App. Ask an admin to give your role App access.</Text>
          <Button onClick={() => void signOut()}>Sign out</Button>
        </Stack>
      </Center>
    );
  }
  if (!allowTfaSetup && !permissionsSettled) return <FullPageLoader label="Loading your permissions" />;
  return <Outlet />;
}
