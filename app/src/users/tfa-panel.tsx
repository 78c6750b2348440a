// Two-factor authentication on a user page: your own (set up, turn off with a code) or, for an
// admin, someone else's (turn it off for them, e.g. after a lost phone).
import { useState } from 'react';
import { Badge, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconShieldCheck } from '@tabler/icons-react';
import { ApiError, describeError } from '../api/errors';
import { TfaSetup } from '../auth/tfa-setup';
import { disableOwnTfa, resetUserTfa } from './users-api';
import { Panel } from './panel';

export function TfaPanel({ userId, enabled, self, admin, onChanged }: { userId: string; enabled: boolean; self: boolean; admin: boolean; onChanged: () => void }) {
  const [setupOpen, setSetupOpen] = useState(false);
  const [disableOpen, setDisableOpen] = useState(false);
  const form = useForm({ initialValues: { otp: '' }, validate: { otp: (v) => (v.trim() ? null : 'Enter a code from your app or a recovery code') } });

  const disableOwn = form.onSubmit(async ({ otp }) => {
    try {
      await disableOwnTfa(otp.trim());
      setDisableOpen(false);
      form.reset();
      notifications.show({ color: 'teal', title: 'Two-factor authentication is off', message: 'Signing in now asks only for your password.' });
      onChanged();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'INVALID_PAYLOAD') form.setFieldError('otp', 'That code is not right; enter the code your app shows now');
      else notifications.show({ color: 'red', title: 'Could not turn off 2FA', message: describeError(err) });
    }
  });

  const resetOther = () =>
    modals.openConfirmModal({
      title: 'Turn off two-factor authentication for this user?',
      children: <Text>They can sign in with their password alone until they set it up again.</Text>,
      labels: { confirm: 'Turn off', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        try {
          await resetUserTfa(userId);
          notifications.show({ color: 'teal', title: 'Two-factor authentication turned off', message: 'The user can set it up again from their page.' });
          onChanged();
        } catch (err) {
          notifications.show({ color: 'red', title: 'Could not turn off 2FA', message: describeError(err) });
        }
      },
    });

  if (!self && !admin) return null;
  return (
    <Panel title="Two-factor authentication" icon={<IconShieldCheck size={18} />}>
      <Group gap="xs">
        <Text size="sm">Status:</Text>
        <Badge color={enabled ? 'teal' : 'gray'} variant="light" data-testid="tfa-state">
          {enabled ? 'On' : 'Off'}
        </Badge>
      </Group>
      {self && !enabled && (
        <Button size="xs" variant="light" onClick={() => setSetupOpen(true)} w="fit-content">
          Set up 2FA
        </Button>
      )}
      {self && enabled && (
        <Button size="xs" variant="default" onClick={() => setDisableOpen(true)} w="fit-content">
          Turn off 2FA
        </Button>
      )}
      {!self && admin && enabled && (
        <Button size="xs" variant="default" onClick={resetOther} w="fit-content">
          Turn off 2FA for this user
        </Button>
      )}
      <Modal opened={setupOpen} onClose={() => setSetupOpen(false)} title="Set up two-factor authentication" size="md" closeOnClickOutside={false}>
        <TfaSetup
          onCancel={() => setSetupOpen(false)}
          onDone={() => {
            setSetupOpen(false);
            onChanged();
          }}
        />
      </Modal>
      <Modal opened={disableOpen} onClose={() => setDisableOpen(false)} title="Turn off two-factor authentication">
        <form onSubmit={disableOwn} noValidate>
          <Stack>
            <Text size="sm">Enter a code from your authenticator app (or a recovery code) to confirm.</Text>
            <TextInput label="Code" autoComplete="one-time-code" required data-autofocus {...form.getInputProps('otp')} />
            <Group>
              <Button type="submit" color="red">
                Turn off
              </Button>
              <Button variant="default" onClick={() => setDisableOpen(false)}>
                Cancel
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Panel>
  );
}
