// Two-factor setup: confirm the password, scan the QR code, confirm one code, then keep the
// recovery codes (shown this once).
import { useEffect, useState } from 'react';
import { Alert, Button, Code, CopyButton, Group, Image, PasswordInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import QRCode from 'qrcode';
import { post } from '../api/client';
import { ApiError, describeError } from '../api/errors';

type Step = { name: 'password' } | { name: 'scan'; secret: string; url: string; qr: string } | { name: 'codes'; codes: string[] };

export function TfaSetup({ onDone, onCancel }: { onDone: () => void; onCancel?: () => void }) {
  const [step, setStep] = useState<Step>({ name: 'password' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const passwordForm = useForm({ initialValues: { password: '' }, validate: { password: (v) => (v ? null : 'Enter your password') } });
  const codeForm = useForm({
    initialValues: { otp: '' },
    validate: { otp: (v) => (/^\d{6}$/.test(v.trim()) ? null : 'Enter the 6-digit code your app shows') },
  });

  const generate = passwordForm.onSubmit(async ({ password }) => {
    setBusy(true);
    setError(null);
    try {
      const { data } = await post<{ data: { secret: string; otpauth_url: string } }>('/users/me/tfa/generate', { password });
      const qr = await QRCode.toDataURL(data.otpauth_url, { margin: 1, width: 220 });
      setStep({ name: 'scan', secret: data.secret, url: data.otpauth_url, qr });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'INVALID_CREDENTIALS') passwordForm.setFieldError('password', 'Wrong password; enter the password you sign in with');
      else setError(describeError(err));
    } finally {
      setBusy(false);
    }
  });

  const enable = codeForm.onSubmit(async ({ otp }) => {
    if (step.name !== 'scan') return;
    setBusy(true);
    setError(null);
    try {
      const { data } = await post<{ data: { recovery_codes: string[] } }>('/users/me/tfa/enable', { secret: step.secret, otp: otp.trim() });
      setStep({ name: 'codes', codes: data.recovery_codes });
      notifications.show({ color: 'teal', title: 'Two-factor authentication is on', message: 'From now on, signing in asks for a code from your app.' });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'INVALID_PAYLOAD') codeForm.setFieldError('otp', 'That code is not right; enter the code your app shows now');
      else setError(describeError(err));
    } finally {
      setBusy(false);
    }
  });

  return (
    <Stack>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {step.name === 'password' && (
        <form onSubmit={generate} noValidate>
          <Stack>
            <Text>Confirm your password to start setting up two-factor authentication.</Text>
            <PasswordInput label="Your password" autoComplete="current-password" required autoFocus {...passwordForm.getInputProps('password')} />
            <Group>
              <Button type="submit" loading={busy}>
                Continue
              </Button>
              {onCancel && (
                <Button variant="default" onClick={onCancel}>
                  Cancel
                </Button>
              )}
            </Group>
          </Stack>
        </form>
      )}
      {step.name === 'scan' && (
        <form onSubmit={enable} noValidate>
          <Stack>
            <Text>Scan this QR code with your authenticator app (or enter the key by hand), then type the code it shows.</Text>
            <Image src={step.qr} alt="QR code for your authenticator app" w={220} h={220} radius="sm" bg="white" />
            <Text size="sm">
              Key: <Code data-testid="tfa-secret">{step.secret}</Code>
            </Text>
            <TextInput label="Code from the app" autoComplete="one-time-code" inputMode="numeric" required autoFocus {...codeForm.getInputProps('otp')} />
            <Group>
              <Button type="submit" loading={busy}>
                Turn on two-factor authentication
              </Button>
              {onCancel && (
                <Button variant="default" onClick={onCancel}>
                  Cancel
                </Button>
              )}
            </Group>
          </Stack>
        </form>
      )}
      {step.name === 'codes' && <RecoveryCodes codes={step.codes} onDone={onDone} />}
    </Stack>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => setCopied(false), [codes]);
  return (
    <Stack>
      <Alert color="yellow" title="Save your recovery codes now">
        Each code signs you in once if you lose your phone. They are shown only this once: copy them somewhere safe.
      </Alert>
      <SimpleGrid cols={2} spacing="xs" data-testid="recovery-codes">
        {codes.map((c) => (
          <Code key={c} fz="md">
            {c}
          </Code>
        ))}
      </SimpleGrid>
      <Group>
        <CopyButton value={codes.join('\n')}>
          {({ copied: justCopied, copy }) => (
            <Button variant="light" onClick={() => (copy(), setCopied(true))}>
              {justCopied ? 'Copied' : 'Copy codes'}
            </Button>
          )}
        </CopyButton>
        <Button onClick={onDone}>{copied ? 'Done' : 'I have saved them'}</Button>
      </Group>
    </Stack>
  );
}
