import { useState } from 'react';
import { Alert, Anchor, Button, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Link } from 'react-router';
import { describeError } from '../api/errors';
import { AuthCard } from './auth-card';
import { requestPasswordReset } from './session-api';

export function RequestResetPage() {
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: { email: '' },
    validate: { email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter the email address of your account') },
  });
  const submit = form.onSubmit(async ({ email }) => {
    setBusy(true);
    setError(null);
    try {
      await requestPasswordReset(email.trim());
      setSent(email.trim());
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  });
  return (
    <AuthCard title="Reset your password" subtitle={sent ? undefined : 'We will email you a link to choose a new password.'}>
      {sent ? (
        <Stack>
          <Alert color="teal" title="Check your email" role="status">
            If an account uses {sent}, a link to reset its password is on its way. It works for a limited time; open it from the same
            device if you can.
          </Alert>
          <Anchor component={Link} to="/login">
            Back to sign in
          </Anchor>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <TextInput label="Email" type="email" autoComplete="username" required autoFocus {...form.getInputProps('email')} />
            <Button type="submit" loading={busy}>
              Send reset link
            </Button>
            <Anchor component={Link} to="/login" size="sm">
              Back to sign in
            </Anchor>
          </Stack>
        </form>
      )}
    </AuthCard>
  );
}
