// Forced setup: the person's role requires 2FA and they have none yet. Until they set it up, the
// API answers only this flow, so the App shows nothing else.
import { Anchor, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { AuthCard } from './auth-card';
import { TfaSetup } from './tfa-setup';
import { useSession } from './session';

export function TfaSetupPage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { signOut } = useSession();
  return (
    <AuthCard title="Set up two-factor authentication" subtitle="Your role requires a second factor before you can use Usher.">
      <TfaSetup
        onDone={async () => {
          await queryClient.invalidateQueries({ queryKey: ['me'] });
          await queryClient.invalidateQueries({ queryKey: ['permissions', 'me'] });
          navigate('/users', { replace: true });
        }}
      />
      <Text size="sm" c="dimmed">
        Not now?{' '}
        <Anchor component="button" type="button" onClick={() => void signOut()}>
          Sign out
        </Anchor>
      </Text>
    </AuthCard>
  );
}
