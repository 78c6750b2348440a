// An invitation's link: shows whose invitation it is, asks for a password twice, then signs in.
import { useState } from 'react';
import { Alert, Anchor, Button, Loader, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { Link, Navigate, useSearchParams } from 'react-router';
import { ApiError, describeError, fieldMessage } from '../api/errors';
import { AuthCard } from './auth-card';
import { NewPasswordFields, policyError, validateNewPassword } from './new-password-fields';
import { usePasswordPolicy } from './password-policy';
import { acceptInvite, inspectInvite, login } from './session-api';
import { useSession } from './session';

export function AcceptInvitePage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { status, signedIn } = useSession();
  const [accepted, setAccepted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const invite = useQuery({ queryKey: ['invite', token], queryFn: () => inspectInvite(token), enabled: token !== '', retry: false });
  const form = useForm({ initialValues: { password: '', confirm: '' }, validate: validateNewPassword });
  const policy = usePasswordPolicy();

  if (accepted && status === 'signed-in') return <Navigate to="/users" replace />;

  const submit = form.onSubmit(async ({ password }) => {
    if (!invite.data) return;
    const refused = policyError(policy, password);
    if (refused) return form.setFieldError('password', refused);
    setBusy(true);
    setError(null);
    try {
      await acceptInvite(token, password);
      setAccepted(true);
      notifications.show({ color: 'teal', title: 'Welcome', message: 'Your password is set and your account is active.' });
      signedIn(await login(invite.data.email, password));
    } catch (err) {
      if (err instanceof ApiError && err.field === 'password') form.setFieldError('password', fieldMessage(err));
      else setError(describeError(err));
    } finally {
      setBusy(false);
    }
  });

  if (!token || invite.isError) {
    return (
      <AuthCard title="Accept your invitation">
        <Alert color="red" role="alert" title="This invitation link does not work">
          {invite.error ? describeError(invite.error) : 'The link is incomplete.'} Ask the person who invited you to send a new invitation.
        </Alert>
        <Anchor component={Link} to="/login">
          Go to sign in
        </Anchor>
      </AuthCard>
    );
  }
  if (invite.isPending) {
    return (
      <AuthCard title="Accept your invitation">
        <Loader aria-label="Checking the invitation" />
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Accept your invitation" subtitle="Choose a password to activate your account.">
      <form onSubmit={submit} noValidate>
        <Stack>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <TextInput label="Email" value={invite.data.email} readOnly autoComplete="username" />
          <NewPasswordFields form={form} policy={policy} />
          <Button type="submit" loading={busy}>
            Set password and sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
