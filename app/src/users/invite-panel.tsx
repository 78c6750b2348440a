// An invited user's invitation: when it was sent and by whom, when it expires, whether the mail
// went out; Resend (a fresh link; older links stop working) and Revoke.
import { Alert, Badge, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconMailForward } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../api/client';
import { describeError } from '../api/errors';
import { displayName, type User } from '../api/types';
import { dateTime } from '../common/format';
import { getInvite, inviteUsers, revokeInvite } from './users-api';
import { Panel } from './panel';

const STATUS_COLOR = { pending: 'blue', accepted: 'teal', revoked: 'gray', expired: 'orange' } as const;

export function InvitePanel({ user, roleId }: { user: User; roleId: string | null }) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const invite = useQuery({ queryKey: ['users', user.id, 'invite'], queryFn: () => getInvite(user.id) });
  const inviter = useQuery({
    queryKey: ['users', invite.data?.invited_by, 'name'],
    queryFn: () => get<{ data: User }>(`/users/${invite.data!.invited_by}?fields=first_name,last_name,email`).then((r) => r.data),
    enabled: !!invite.data?.invited_by,
    retry: false,
  });

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['users', user.id] });

  const resend = async () => {
    if (!user.email || !roleId) return;
    setBusy(true);
    try {
      const [result] = await inviteUsers(user.email, roleId);
      notifications.show(
        result?.result === 'skipped'
          ? { color: 'orange', title: 'Not resent', message: `${user.email} was skipped: ${result.reason ?? 'not invited any more'}.` }
          : { color: 'teal', title: 'Invitation resent', message: `A new link is on its way to ${user.email}. Earlier links no longer work.` },
      );
      await refresh();
      // The mail goes out in the background; look again shortly to show whether it was delivered.
      setTimeout(() => void queryClient.invalidateQueries({ queryKey: ['users', user.id, 'invite'] }), 1500);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not resend the invitation', message: describeError(err) });
    } finally {
      setBusy(false);
    }
  };

  const revoke = () =>
    modals.openConfirmModal({
      title: 'Revoke the invitation?',
      children: <Text>The link in the invitation mail stops working. You can send a new one later with Resend.</Text>,
      labels: { confirm: 'Revoke', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        try {
          await revokeInvite(user.id);
          notifications.show({ color: 'teal', title: 'Invitation revoked', message: `The link sent to ${user.email} no longer works.` });
          await refresh();
        } catch (err) {
          notifications.show({ color: 'red', title: 'Could not revoke the invitation', message: describeError(err) });
        }
      },
    });

  const data = invite.data;
  return (
    <Panel title="Invitation" icon={<IconMailForward size={18} />}>
      {invite.isPending && <Loader size="sm" aria-label="Loading the invitation" />}
      {invite.isError && <Alert color="red">{describeError(invite.error)}</Alert>}
      {invite.isSuccess && !data && <Text size="sm">No invitation was sent to this user.</Text>}
      {data && (
        <Stack gap={4} data-testid="invite-details">
          <Group gap="xs">
            <Text size="sm">Status:</Text>
            <Badge color={STATUS_COLOR[data.status]} variant="light">
              {data.status}
            </Badge>
          </Group>
          <Text size="sm">
            Sent {dateTime(data.invited_at)}
            {data.invited_by ? ` by ${inviter.data ? displayName(inviter.data) : 'an admin'}` : ''}
          </Text>
          <Text size="sm">Expires {dateTime(data.expires)}</Text>
          <Text size="sm">
            Delivery:{' '}
            {data.delivery === 'sent'
              ? `delivered to the mail server ${dateTime(data.delivered_at)}`
              : data.delivery === 'failed'
                ? `failed (${data.error ?? 'unknown error'}); check the mail settings, then Resend`
                : data.delivery === 'queued'
                  ? 'being sent'
                  : data.delivery}
          </Text>
        </Stack>
      )}
      {user.status === 'invited' && (
        <Group gap="xs">
          <Button size="xs" variant="light" onClick={() => void resend()} loading={busy} disabled={!roleId || !user.email}>
            Resend
          </Button>
          {data?.status === 'pending' && (
            <Button size="xs" variant="default" color="red" onClick={revoke}>
              Revoke
            </Button>
          )}
        </Group>
      )}
      {user.status === 'invited' && !roleId && <Text size="xs" c="dimmed">Give the user a role to resend the invitation.</Text>}
    </Panel>
  );
}
