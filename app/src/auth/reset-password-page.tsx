import { useState } from 'react';
import { Alert, Anchor, Button, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, describeError, fieldMessage } from '../api/errors';
import { AuthCard } from './auth-card';
import { NewPasswordFields, policyError, validateNewPassword } from './new-password-fields';
import { usePasswordPolicy } from './password-policy';
import { resetPassword } from './session-api';

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({ initialValues: { password: '', confirm: '' }, validate: validateNewPassword });
  const policy = usePasswordPolicy();

  const submit = form.onSubmit(async ({ password }) => {
    const refused = policyError(policy, password);
    if (refused) return form.setFieldError('password', refused);
    setBusy(true);
    setError(null);
    try {
      await resetPassword(token, password);
      notifications.show({ color: 'teal', title: 'Password changed', message: 'Sign in with your new password.' });
      navigate('/login', { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.field === 'password') form.setFieldError('password', fieldMessage(err));
      else setError(describeError(err));
    } finally {
      setBusy(false);
    }
  });

  if (!token) {
    return (
      <AuthCard title="Choose a new password">
        <Alert color="red" role="alert">
          This page needs the link from your reset email. Open the link from the email again, or ask for a new one.
        </Alert>
        <Anchor component={Link} to="/request-reset">
          Ask for a new reset link
        </Anchor>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose a new password">
      <form onSubmit={submit} noValidate>
        <Stack>
          {error && (
            <Alert color="red" role="alert">
              {error}{' '}
              <Anchor component={Link} to="/request-reset">
                Ask for a new link
              </Anchor>
            </Alert>
          )}
          <NewPasswordFields form={form} policy={policy} />
          <Button type="submit" loading={busy}>
            Set new password
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
