// The role's Users in Role field: its users, adding existing users, removing them, and inviting
// new ones by email.
import { useState } from 'react';
import { ActionIcon, Avatar, Button, Group, Pagination, Paper, Select, Table, Text, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconMailPlus, IconUserMinus, IconUserPlus } from '@tabler/icons-react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { get } from '../api/client';
import { describeError } from '../api/errors';
import { toQueryString, type ListResponse } from '../api/query';
import { avatarName, displayName, type Role } from '../api/types';
import { useCan } from '../auth/permissions';
import { plural } from '../common/format';
import { StatusBadge } from '../users/status-badge';
import { searchUsers, type UserRow } from '../users/users-api';
import { InviteUsersModal } from './invite-users-modal';
import { updateRole } from './roles-api';

const PAGE = 10;

export function UsersInRole({ role }: { role: Role }) {
  const can = useCan();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [inviting, setInviting] = useState(false);
  const members = useQuery({
    queryKey: ['users', 'in-role', role.id, page],
    queryFn: () =>
      get<ListResponse<UserRow>>(
        `/users${toQueryString({
          fields: ['id', 'first_name', 'last_name', 'email', 'status'],
          filter: { role: { _eq: role.id } },
          sort: ['email'],
          limit: PAGE,
          page,
          meta: ['filter_count'],
        })}`,
      ),
    placeholderData: keepPreviousData,
  });
  const total = members.data?.meta?.filter_count ?? 0;
  const manage = can.admin;

  const changed = async () => {
    await queryClient.invalidateQueries({ queryKey: ['users'] });
    await queryClient.invalidateQueries({ queryKey: ['roles'] });
  };

  const remove = (user: UserRow) =>
    modals.openConfirmModal({
      title: `Remove ${displayName(user)} from ${role.name}?`,
      children: <Text>They keep their account but have no role until you give them one. Their open sessions end.</Text>,
      labels: { confirm: 'Remove', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        try {
          await updateRole(role.id, { users: { delete: [user.id] } });
          notifications.show({ color: 'teal', title: 'Removed from role', message: `${displayName(user)} is no longer in ${role.name}.` });
          await changed();
        } catch (err) {
          notifications.show({ color: 'red', title: 'Could not remove the user', message: describeError(err) });
        }
      },
    });

  return (
    <Paper withBorder p="md">
      {manage && (
        <Group mb="md" align="flex-end" wrap="wrap">
          <AddExistingUser roleId={role.id} roleName={role.name} onAdded={changed} />
          <Button variant="light" leftSection={<IconMailPlus size={16} />} onClick={() => setInviting(true)}>
            Invite Users
          </Button>
        </Group>
      )}
      <Table verticalSpacing="xs" aria-label={`Users in ${role.name}`}>
        <Table.Tbody>
          {members.data?.data.length === 0 && (
            <Table.Tr>
              <Table.Td>
                <Text c="dimmed" size="sm">
                  No users have this role yet.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
          {members.data?.data.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>
                <Group gap="sm" wrap="nowrap">
                  <Avatar name={avatarName(user)} color="initials" size="sm" />
                  <div>
                    <Text component={Link} to={`/users/${user.id}`} size="sm" fw={500} c="inherit">
                      {displayName(user)}
                    </Text>
                    {user.first_name || user.last_name ? (
                      <Text size="xs" c="dimmed">
                        {user.email}
                      </Text>
                    ) : null}
                  </div>
                </Group>
              </Table.Td>
              <Table.Td w={120}>
                <StatusBadge status={user.status} />
              </Table.Td>
              {manage && (
                <Table.Td w={48}>
                  <Tooltip label="Remove from role">
                    <ActionIcon variant="subtle" color="red" aria-label={`Remove ${displayName(user)} from role`} onClick={() => remove(user)}>
                      <IconUserMinus size={18} />
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group justify="space-between" mt="sm">
        <Text size="sm" c="dimmed">
          {members.data ? plural(total, 'user') : ''}
        </Text>
        {total > PAGE && <Pagination size="sm" total={Math.ceil(total / PAGE)} value={page} onChange={setPage} />}
      </Group>
      <InviteUsersModal opened={inviting} onClose={() => setInviting(false)} roleId={role.id} roleName={role.name} onInvited={changed} />
    </Paper>
  );
}

function AddExistingUser({ roleId, roleName, onAdded }: { roleId: string; roleName: string; onAdded: () => Promise<void> }) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [value, setValue] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const candidates = useQuery({ queryKey: ['users', 'pick', roleId, debounced], queryFn: () => searchUsers(debounced, roleId), placeholderData: keepPreviousData });
  const options = (candidates.data ?? []).map((u) => ({
    value: u.id,
    label: `${displayName(u)}${u.first_name || u.last_name ? ` (${u.email})` : ''}${u.role ? ` · ${u.role.name}` : ''}`,
  }));

  const add = async () => {
    if (!value) return;
    const picked = options.find((o) => o.value === value);
    setBusy(true);
    try {
      await updateRole(roleId, { users: { update: [value] } });
      notifications.show({ color: 'teal', title: 'Added to role', message: `${picked?.label.split(' (')[0] ?? 'The user'} is now in ${roleName}.` });
      setValue(null);
      setSearch('');
      await onAdded();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not add the user', message: describeError(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Group gap="xs" align="flex-end" wrap="nowrap">
      <Select
        label="Add an existing user"
        placeholder="Search by name or email"
        data={options}
        value={value}
        onChange={setValue}
        searchable
        searchValue={search}
        onSearchChange={setSearch}
        filter={({ options: o }) => o}
        nothingFoundMessage={candidates.isFetching ? 'Searching…' : 'No matching users outside this role'}
        clearable
        w={{ base: 220, sm: 340 }}
      />
      <Button leftSection={<IconUserPlus size={16} />} onClick={() => void add()} disabled={!value} loading={busy}>
        Add
      </Button>
    </Group>
  );
}
