// Sign in: email and password, then the one-time code when the account has 2FA on.
import { useState } from 'react';
import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { ApiError, describeError } from '../api/errors';
import { AuthCard, safeRedirect } from './auth-card';
import { login } from './session-api';
import { useSession } from './session';

export function LoginPage() {
  const { status, signedIn } = useSession();
  const [params] = useSearchParams();
  const [step, setStep] = useState<'password' | 'otp'>('password');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: { email: '', password: '', otp: '' },
    validate: {
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter the email address of your account'),
      password: (v) => (v ? null : 'Enter your password'),
      otp: (v) => (step === 'otp' && !v.trim() ? 'Enter the code from your authenticator app' : null),
    },
  });

  if (status === 'signed-in') return <Navigate to={safeRedirect(params.get('redirect'))} replace />;

  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setError(null);
    try {
      const grant = await login(values.email.trim(), values.password, step === 'otp' ? values.otp.trim() : undefined);
      signedIn(grant);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'INVALID_OTP' && step === 'password') {
        // The password was right; the account has 2FA on: ask for the code.
        setStep('otp');
      } else {
        setError(describeError(err));
        if (step === 'otp') form.setFieldValue('otp', '');
      }
    } finally {
      setBusy(false);
    }
  });

  return (
    <AuthCard
      title={step === 'otp' ? 'Enter your one-time code' : 'Sign in'}
      subtitle={step === 'otp' ? 'Open your authenticator app and enter the 6-digit code, or use one of your recovery codes.' : undefined}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {error && (
            <Alert color="red" icon={<IconAlertCircle />} role="alert" title="Sign-in failed">
              {error}
            </Alert>
          )}
          {step === 'password' ? (
            <>
              <TextInput label="Email" type="email" autoComplete="username" required data-autofocus autoFocus {...form.getInputProps('email')} />
              <PasswordInput label="Password" autoComplete="current-password" required {...form.getInputProps('password')} />
            </>
          ) : (
            <TextInput
              label="One-time code"
              autoComplete="one-time-code"
              inputMode="text"
              required
              autoFocus
              description="6 digits from the app, or a recovery code"
              {...form.getInputProps('otp')}
            />
          )}
          <Button type="submit" loading={busy} fullWidth>
            {step === 'otp' ? 'Verify and sign in' : 'Sign in'}
          </Button>
          {step === 'otp' ? (
            <Anchor component="button" type="button" size="sm" onClick={() => (setStep('password'), setError(null), form.setFieldValue('otp', ''))}>
              Back to email and password
            </Anchor>
          ) : (
            <Anchor component={Link} to="/request-reset" size="sm">
              Forgot your password?
            </Anchor>
          )}
        </Stack>
      </form>
    </AuthCard>
  );
}
