// Settings > Roles & Permissions: every role with how many users it has.
import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, Paper, Skeleton, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { ApiError, describeError, fieldMessage } from '../api/errors';
import { useCan } from '../auth/permissions';
import { PageHeader } from '../layout/page-header';
import { RoleIcon } from './role-icon';
import { countUsersInRole, createRole, listRoles } from './roles-api';

export function RolesPage() {
  const can = useCan();
  const roles = useQuery({ queryKey: ['roles', 'list'], queryFn: listRoles });
  const [creating, setCreating] = useState(false);

  return (
    <>
      <PageHeader title="Roles & Permissions">
        {can('directus_roles', 'create') && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            Create Role
          </Button>
        )}
      </PageHeader>
      {roles.isError && (
        <Alert color="red" role="alert" title="The roles could not be loaded">
          {describeError(roles.error)}
        </Alert>
      )}
      <Paper withBorder>
        <Table.ScrollContainer minWidth={560}>
          <Table highlightOnHover verticalSpacing="sm" aria-label="Roles">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Role</Table.Th>
                <Table.Th>Description</Table.Th>
                <Table.Th>Access</Table.Th>
                <Table.Th ta="right">Users</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {roles.isPending && (
                <Table.Tr>
                  <Table.Td colSpan={4}>
                    <Skeleton h={24} />
                  </Table.Td>
                </Table.Tr>
              )}
              {roles.data?.map((role) => (
                <Table.Tr key={role.id}>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <RoleIcon name={role.icon} />
                      <Text component={Link} to={`/settings/roles/${role.id}`} fw={500} size="sm" c="inherit">
                        {role.name}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed" lineClamp={1}>
                      {role.description ?? ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {role.admin_access && <Badge color="violet">Admin</Badge>}
                      {role.app_access && <Badge variant="light">App</Badge>}
                      {role.enforce_tfa && <Badge variant="light" color="teal">2FA required</Badge>}
                    </Group>
                  </Table.Td>
                  <Table.Td ta="right">
                    <UserCount roleId={role.id} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <CreateRoleModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function UserCount({ roleId }: { roleId: string }) {
  const count = useQuery({ queryKey: ['roles', roleId, 'count'], queryFn: () => countUsersInRole(roleId), staleTime: 30_000 });
  if (count.isPending) return <Skeleton h={16} w={24} ml="auto" />;
  return <Text size="sm" aria-label={`${count.data ?? 0} users`}>{count.data ?? '—'}</Text>;
}

function CreateRoleModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useForm({ initialValues: { name: '' }, validate: { name: (v) => (v.trim() ? null : 'Give the role a name') } });
  const [busy, setBusy] = useState(false);
  const submit = form.onSubmit(async ({ name }) => {
    setBusy(true);
    try {
      const role = await createRole({ name: name.trim() });
      notifications.show({ color: 'teal', title: 'Role created', message: `${role.name} was created. Set its permissions next.` });
      await queryClient.invalidateQueries({ queryKey: ['roles'] });
      form.reset();
      onClose();
      navigate(`/settings/roles/${role.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.field === 'name') form.setFieldError('name', fieldMessage(err));
      else notifications.show({ color: 'red', title: 'Could not create the role', message: describeError(err) });
    } finally {
      setBusy(false);
    }
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Create Role">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Name" required data-autofocus maxLength={100} {...form.getInputProps('name')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
