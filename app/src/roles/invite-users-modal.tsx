// Invite Users: one or more addresses separated by commas; after Invite, what happened to each.
import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, Stack, Table, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiError, describeError } from '../api/errors';
import type { InviteResult } from '../api/types';
import { plural } from '../common/format';
import { inviteUsers } from '../users/users-api';
import { parseEmailList } from './parse-emails';

const RESULT = {
  invited: { color: 'teal', label: 'Invited' },
  resent: { color: 'blue', label: 'Invitation resent' },
  skipped: { color: 'gray', label: 'Skipped' },
} as const;

export function InviteUsersModal(props: { opened: boolean; onClose: () => void; roleId: string; roleName: string; onInvited: () => Promise<void> }) {
  const { opened, onClose, roleId, roleName, onInvited } = props;
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<InviteResult[] | null>(null);
  const [busy, setBusy] = useState(false);

  const close = () => {
    setText('');
    setError(null);
    setResults(null);
    onClose();
  };

  const invite = async () => {
    const { emails, invalid } = parseEmailList(text);
    if (invalid.length > 0) {
      setError(`${invalid.map((s) => `"${s}"`).join(', ')} ${invalid.length === 1 ? 'is not an email address' : 'are not email addresses'}. Correct or remove ${invalid.length === 1 ? 'it' : 'them'}.`);
      return;
    }
    if (emails.length === 0) {
      setError('Enter at least one email address.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await inviteUsers(emails.join(','), roleId);
      setResults(answer);
      const sent = answer.filter((r) => r.result !== 'skipped').length;
      notifications.show({
        color: sent > 0 ? 'teal' : 'orange',
        title: sent > 0 ? 'Invitations sent' : 'Nobody was invited',
        message: sent > 0 ? `${plural(sent, 'invitation')} on the way to join ${roleName}.` : 'Every address was skipped; see why in the list.',
      });
      await onInvited();
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'FAILED_VALIDATION' ? `${err.message.replace(/^Validation failed for field "email"\.\s*/, '')} Correct it and try again.` : describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={`Invite users to ${roleName}`} size="lg">
      {results ? (
        <Stack>
          <Table aria-label="Invitation results">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th>Result</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {results.map((r) => (
                <Table.Tr key={r.email}>
                  <Table.Td>{r.email}</Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      <Badge color={RESULT[r.result].color} variant="light">
                        {RESULT[r.result].label}
                      </Badge>
                      {r.reason && (
                        <Text size="sm" c="dimmed">
                          {r.reason}
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => (setResults(null), setText(''))}>
              Invite more
            </Button>
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <Textarea
            label="Email addresses"
            description="Separate several addresses with commas. Each gets an email with a link to set a password."
            placeholder="ada@example.com, grace@example.com"
            autosize
            minRows={3}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={error}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={() => void invite()} loading={busy}>
              Invite
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
