// A user's static token (admins only): generate a secure one, shown once to copy, or clear it.
// The API stores only its hash, so the App can say whether one is set, never what it is.
import { useState } from 'react';
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconCopy, IconKey } from '@tabler/icons-react';
import { describeError } from '../api/errors';
import { generateToken } from './generate-token';
import { updateUser } from './users-api';
import { Panel } from './panel';

export function TokenPanel({ userId, hasToken, onChanged }: { userId: string; hasToken: boolean; onChanged: () => void }) {
  const [shown, setShown] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (token: string | null) => {
    setBusy(true);
    try {
      await updateUser(userId, { token });
      onChanged();
      if (token) {
        setShown(token);
        notifications.show({ color: 'teal', title: 'Token saved', message: 'Copy the token now: it is shown only once.' });
      } else {
        notifications.show({ color: 'teal', title: 'Token cleared', message: 'Requests with the old token are refused from now on.' });
      }
    } catch (err) {
      notifications.show({ color: 'red', title: token ? 'Could not save the token' : 'Could not clear the token', message: describeError(err) });
    } finally {
      setBusy(false);
    }
  };

  const generate = () => {
    if (!hasToken) return void save(generateToken());
    modals.openConfirmModal({
      title: 'Replace the token?',
      children: <Text>Anything that uses the current token stops working once the new one is saved.</Text>,
      labels: { confirm: 'Generate new token', cancel: 'Cancel' },
      onConfirm: () => void save(generateToken()),
    });
  };

  const clear = () =>
    modals.openConfirmModal({
      title: 'Clear the token?',
      children: <Text>Anything that uses this token stops working.</Text>,
      labels: { confirm: 'Clear', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => void save(null),
    });

  return (
    <Panel title="Token" icon={<IconKey size={18} />}>
      <Text size="sm" c="dimmed">
        A static token lets a script act as this user. Only its hash is stored.
      </Text>
      <Text size="sm" data-testid="token-state">
        {hasToken ? 'A token is set.' : 'No token is set.'}
      </Text>
      <Group gap="xs">
        <Button size="xs" variant="light" onClick={generate} loading={busy}>
          Generate
        </Button>
        {hasToken && (
          <Button size="xs" variant="default" onClick={clear} disabled={busy}>
            Clear
          </Button>
        )}
      </Group>
      <Modal opened={shown !== null} onClose={() => setShown(null)} title="Copy the new token" size="lg">
        <Stack>
          <Alert color="yellow">This is the only time the token is shown. Copy it now and keep it somewhere safe.</Alert>
          <Code block data-testid="new-token" style={{ wordBreak: 'break-all' }}>
            {shown}
          </Code>
          <Group>
            <CopyButton value={shown ?? ''}>
              {({ copied, copy }) => (
                <Button
                  leftSection={<IconCopy size={16} />}
                  color={copied ? 'teal' : undefined}
                  onClick={() => {
                    copy();
                    notifications.show({ color: 'teal', title: 'Copied', message: 'The token is on your clipboard. Keep it somewhere safe.' });
                  }}
                >
                  {copied ? 'Copied' : 'Copy token'}
                </Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={() => setShown(null)}>
              Done
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Panel>
  );
}
