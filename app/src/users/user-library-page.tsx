// The User Library: search, filters, sortable columns and pages, all asked of the API; the state
// lives in the URL. Selecting rows offers Delete User.
import { useEffect, useMemo, useState } from 'react';
import {
  Alert, Avatar, Button, Checkbox, Group, Pagination, Paper, Select, Skeleton, Switch, Table, Text, TextInput, Tooltip, UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronDown, IconChevronUp, IconPlus, IconSearch, IconSelector, IconTrash } from '@tabler/icons-react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { describeError } from '../api/errors';
import { USER_STATUSES, avatarName, displayName } from '../api/types';
import { useCan } from '../auth/permissions';
import { dateTime, plural, relativeTime } from '../common/format';
import { PageHeader } from '../layout/page-header';
import { listRoles } from '../roles/roles-api';
import { NO_ROLE, PAGE_SIZE, parseListState, serializeListState, toggleSort, updateListState, type ListState, type SortColumn } from './list-state';
import { StatusBadge, STATUS_LABELS } from './status-badge';
import { deleteUsers, listUsers } from './users-api';

export function UserLibraryPage() {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseListState(params), [params]);
  const setState = (next: ListState) => setParams(serializeListState(next));
  const can = useCan();
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  // The search box updates the URL after a pause in typing, not on every key.
  const [searchText, setSearchText] = useState(state.search);
  const [debounced] = useDebouncedValue(searchText, 300);
  useEffect(() => setSearchText(state.search), [state.search]);
  useEffect(() => {
    if (debounced !== state.search) setState(updateListState(state, { search: debounced }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);

  const users = useQuery({
    queryKey: ['users', 'list', serializeListState(state).toString()],
    queryFn: ({ signal }) => listUsers(state, signal),
    placeholderData: keepPreviousData,
  });
  const roles = useQuery({ queryKey: ['roles', 'list'], queryFn: listRoles, enabled: can('directus_roles', 'read'), staleTime: 60_000 });

  const [selected, setSelected] = useState<Set<string>>(new Set());
  useEffect(() => setSelected(new Set()), [params]);

  const rows = users.data?.data ?? [];
  const total = users.data?.meta?.filter_count ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const canDelete = can('directus_users', 'delete');
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(r.id));

  const confirmDelete = () => {
    const ids = [...selected];
    const n = ids.length;
    modals.openConfirmModal({
      title: `Delete ${plural(n, 'user')}?`,
      children: (
        <Text>
          This permanently deletes {plural(n, 'user')}. It can't be undone: their sign-ins, sessions and tokens end, and their details are
          gone. To keep someone's history, archive them instead.
        </Text>
      ),
      labels: { confirm: 'Delete', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        try {
          await deleteUsers(ids);
          notifications.show({ color: 'teal', title: 'Deleted', message: `${plural(n, 'user')} deleted.` });
          setSelected(new Set());
          await queryClient.invalidateQueries({ queryKey: ['users'] });
        } catch (err) {
          notifications.show({ color: 'red', title: 'Could not delete', message: describeError(err) });
        }
      },
    });
  };

  const roleOptions = [
    { value: NO_ROLE, label: 'No role' },
    ...(roles.data ?? []).map((r) => ({ value: r.id, label: r.name })),
  ];
  const statusOptions = USER_STATUSES.filter((s) => s !== 'archived' || state.showArchived || state.status === 'archived').map((s) => ({ value: s, label: STATUS_LABELS[s] }));

  return (
    <>
      <PageHeader title="User Library">
        {canDelete && selected.size > 0 && (
          <Button color="red" leftSection={<IconTrash size={16} />} onClick={confirmDelete}>
            Delete User{selected.size > 1 ? ` (${selected.size})` : ''}
          </Button>
        )}
        {can('directus_users', 'create') && (
          <Button component={Link} to="/users/+" leftSection={<IconPlus size={16} />}>
            Create User
          </Button>
        )}
      </PageHeader>

      <Group mb="md" gap="sm" align="flex-end" wrap="wrap">
        <TextInput
          label="Search"
          placeholder="Name, email, title…"
          leftSection={<IconSearch size={16} />}
          value={searchText}
          onChange={(e) => setSearchText(e.currentTarget.value)}
          w={{ base: '100%', sm: 280 }}
          type="search"
        />
        <Select
          label="Status"
          placeholder="Any status"
          data={statusOptions}
          value={state.status}
          onChange={(v) => setState(updateListState(state, { status: (v as ListState['status']) ?? null }))}
          clearable
          w={170}
        />
        {can('directus_roles', 'read') && (
          <Select
            label="Role"
            placeholder="Any role"
            data={roleOptions}
            value={state.role}
            onChange={(v) => setState(updateListState(state, { role: v ?? null }))}
            clearable
            searchable
            w={200}
          />
        )}
        <Switch
          label="Show archived"
          checked={state.showArchived}
          onChange={(e) =>
            setState(
              updateListState(state, {
                showArchived: e.currentTarget.checked,
                status: !e.currentTarget.checked && state.status === 'archived' ? null : state.status,
              }),
            )
          }
          mb={8}
        />
      </Group>

      {users.isError && (
        <Alert color="red" mb="md" role="alert" title="The users could not be loaded">
          {describeError(users.error)}
        </Alert>
      )}

      <Paper withBorder>
        <Table.ScrollContainer minWidth={760}>
          <Table highlightOnHover verticalSpacing="sm" aria-label="Users" aria-busy={users.isFetching}>
            <Table.Thead>
              <Table.Tr>
                {canDelete && (
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label="Select all users on this page"
                      checked={allOnPage}
                      indeterminate={!allOnPage && rows.some((r) => selected.has(r.id))}
                      onChange={() => setSelected(allOnPage ? new Set() : new Set(rows.map((r) => r.id)))}
                    />
                  </Table.Th>
                )}
                <SortHeader column="name" label="Name" state={state} onSort={(c) => setState(toggleSort(state, c))} />
                <SortHeader column="email" label="Email" state={state} onSort={(c) => setState(toggleSort(state, c))} />
                <SortHeader column="role" label="Role" state={state} onSort={(c) => setState(toggleSort(state, c))} />
                <SortHeader column="status" label="Status" state={state} onSort={(c) => setState(toggleSort(state, c))} />
                <SortHeader column="last_access" label="Last access" state={state} onSort={(c) => setState(toggleSort(state, c))} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.isPending &&
                Array.from({ length: 5 }, (_, i) => (
                  <Table.Tr key={i}>
                    <Table.Td colSpan={canDelete ? 6 : 5}>
                      <Skeleton h={24} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              {!users.isPending && rows.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={canDelete ? 6 : 5}>
                    <Text c="dimmed" ta="center" py="lg">
                      No users match. Clear the search or the filters to see more.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {rows.map((user) => {
                const name = displayName(user);
                return (
                  <Table.Tr
                    key={user.id}
                    style={{ cursor: 'pointer' }}
                    onClick={(e) => {
                      if ((e.target as HTMLElement).closest('input,button,a,label')) return;
                      navigate(`/users/${user.id}`);
                    }}
                    bg={selected.has(user.id) ? 'var(--mantine-primary-color-light)' : undefined}
                  >
                    {canDelete && (
                      <Table.Td>
                        <Checkbox
                          aria-label={`Select ${name}`}
                          checked={selected.has(user.id)}
                          onChange={() => {
                            const next = new Set(selected);
                            if (next.has(user.id)) next.delete(user.id);
                            else next.add(user.id);
                            setSelected(next);
                          }}
                        />
                      </Table.Td>
                    )}
                    <Table.Td>
                      <Group gap="sm" wrap="nowrap">
                        <Avatar name={avatarName(user)} color="initials" size="sm" />
                        <Text component={Link} to={`/users/${user.id}`} size="sm" fw={500} c="inherit" td="none" aria-label={name}>
                          {[user.first_name, user.last_name].filter(Boolean).join(' ') || '—'}
                        </Text>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{user.email ?? '—'}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{user.role?.name ?? '—'}</Text>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={user.status} />
                    </Table.Td>
                    <Table.Td>
                      <Tooltip label={dateTime(user.last_access)} disabled={!user.last_access}>
                        <Text size="sm">{relativeTime(user.last_access)}</Text>
                      </Tooltip>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>

      <Group justify="space-between" mt="md" wrap="wrap">
        <Text size="sm" c="dimmed" aria-live="polite">
          {users.data ? `${plural(total, 'user')}${total > PAGE_SIZE ? ` · page ${state.page} of ${pages}` : ''}` : ''}
        </Text>
        {pages > 1 && (
          <Pagination
            total={pages}
            value={Math.min(state.page, pages)}
            onChange={(page) => setState(updateListState(state, { page }))}
            getControlProps={(control) => ({ 'aria-label': control === 'previous' ? 'Previous page' : control === 'next' ? 'Next page' : control })}
            getItemProps={(page) => ({ 'aria-label': `Page ${page}` })}
          />
        )}
      </Group>
    </>
  );
}

function SortHeader({ column, label, state, onSort }: { column: SortColumn; label: string; state: ListState; onSort: (c: SortColumn) => void }) {
  const active = state.sort.column === column;
  const Icon = active ? (state.sort.desc ? IconChevronDown : IconChevronUp) : IconSelector;
  return (
    <Table.Th aria-sort={active ? (state.sort.desc ? 'descending' : 'ascending') : 'none'}>
      <UnstyledButton onClick={() => onSort(column)} aria-label={`Sort by ${label}`}>
        <Group gap={4} wrap="nowrap">
          <Text fw={600} size="sm">
            {label}
          </Text>
          <Icon size={14} aria-hidden />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}
