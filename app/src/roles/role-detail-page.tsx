// A role's page: its settings, the users in it, and its permissions.
import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Grid, Loader, Paper, Select, Stack, Switch, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy, IconTrash } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { ApiError, describeError, fieldMessage } from '../api/errors';
import type { Role } from '../api/types';
import { useCan } from '../auth/permissions';
import { useUnsavedGuard } from '../common/use-unsaved-guard';
import { PageHeader } from '../layout/page-header';
import { PermissionsEditor } from './permissions-editor';
import { ICON_CHOICES, RoleIcon } from './role-icon';
import { deleteRole, getRole, updateRole } from './roles-api';
import { UsersInRole } from './users-in-role';

export function RoleDetailPage() {
  const { id = '' } = useParams();
  const role = useQuery({ queryKey: ['roles', id, 'detail'], queryFn: () => getRole(id) });
  if (role.isPending) return <Loader aria-label="Loading the role" />;
  if (role.isError) {
    return (
      <Alert color="red" role="alert" title="The role could not be loaded">
        {role.error instanceof ApiError && role.error.code === 'FORBIDDEN' ? 'It does not exist, or you may not see it.' : describeError(role.error)}
      </Alert>
    );
  }
  return <RoleEditor key={id} role={role.data} />;
}

interface RoleValues {
  name: string;
  icon: string;
  description: string;
  admin_access: boolean;
  app_access: boolean;
  enforce_tfa: boolean;
  ip_access: string[];
}

function toValues(role: Role): RoleValues {
  const ip = Array.isArray(role.ip_access) ? role.ip_access : typeof role.ip_access === 'string' && role.ip_access ? role.ip_access.split(',') : [];
  return {
    name: role.name,
    icon: role.icon,
    description: role.description ?? '',
    admin_access: role.admin_access,
    app_access: role.app_access,
    enforce_tfa: role.enforce_tfa,
    ip_access: ip.map((s) => s.trim()).filter(Boolean),
  };
}

export function rolePayload(values: RoleValues, initial: RoleValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const norm = (k: keyof RoleValues, v: RoleValues[keyof RoleValues]) =>
    k === 'description' ? ((v as string).trim() === '' ? null : (v as string).trim()) : k === 'ip_access' ? ((v as string[]).length ? v : null) : k === 'name' ? (v as string).trim() : v;
  for (const k of Object.keys(values) as (keyof RoleValues)[]) {
    const a = norm(k, values[k]);
    if (JSON.stringify(a) !== JSON.stringify(norm(k, initial[k]))) out[k] = a;
  }
  return out;
}

function RoleEditor({ role }: { role: Role }) {
  const can = useCan();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [saving, setSaving] = useState(false);
  const editable = can('directus_roles', 'update');
  const initial = useMemo(() => toValues(role), [role]);
  const form = useForm<RoleValues>({ initialValues: initial, validate: { name: (v) => (v.trim() ? null : 'Give the role a name') } });
  useEffect(() => {
    if (!form.isDirty()) {
      form.setInitialValues(initial);
      form.setValues(initial);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial]);
  const guard = useUnsavedGuard(form.isDirty() && !saving);

  const save = form.onSubmit(async (values) => {
    const payload = rolePayload(values, form.getInitialValues());
    if (Object.keys(payload).length === 0) return;
    setSaving(true);
    try {
      const saved = await updateRole(role.id, payload);
      const next = saved ? toValues(saved) : values;
      form.setInitialValues(next);
      form.setValues(next);
      notifications.show({ color: 'teal', title: 'Role saved', message: `${values.name.trim()} was updated.` });
      await queryClient.invalidateQueries({ queryKey: ['roles'] });
      await queryClient.invalidateQueries({ queryKey: ['me'] });
    } catch (err) {
      if (err instanceof ApiError && err.field && err.field in values) form.setFieldError(err.field, fieldMessage(err));
      notifications.show({ color: 'red', title: 'Could not save the role', message: describeError(err) });
    } finally {
      setSaving(false);
    }
  });

  const confirmDelete = () =>
    modals.openConfirmModal({
      title: `Delete the role ${role.name}?`,
      children: <Text>This permanently deletes the role and its permissions. Its users keep their accounts but have no role.</Text>,
      labels: { confirm: 'Delete', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        try {
          await deleteRole(role.id);
          notifications.show({ color: 'teal', title: 'Role deleted', message: `${role.name} was deleted.` });
          await queryClient.invalidateQueries({ queryKey: ['roles'] });
          guard.allowNextNavigation();
          navigate('/settings/roles');
        } catch (err) {
          notifications.show({ color: 'red', title: 'Could not delete the role', message: describeError(err) });
        }
      },
    });

  const adminOnly = can.admin ? undefined : 'Only admins can change this.';
  return (
    <>
      <PageHeader title={role.name} icon={<RoleIcon name={role.icon} size={28} />}>
        {can('directus_roles', 'delete') && (
          <Button color="red" variant="light" leftSection={<IconTrash size={16} />} onClick={confirmDelete}>
            Delete Role
          </Button>
        )}
        {editable && (
          <Button type="submit" form="role-form" leftSection={<IconDeviceFloppy size={16} />} loading={saving} disabled={!form.isDirty()}>
            Save
          </Button>
        )}
      </PageHeader>
      <Stack gap="xl">
        <form id="role-form" onSubmit={save} noValidate aria-label="Role settings">
          <Paper withBorder p="md">
            <Grid>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput label="Name" required maxLength={100} disabled={!editable} {...form.getInputProps('name')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <Select
                  label="Icon"
                  data={Array.from(new Set([...ICON_CHOICES, form.values.icon]))}
                  allowDeselect={false}
                  searchable
                  leftSection={<RoleIcon name={form.values.icon} />}
                  disabled={!editable}
                  {...form.getInputProps('icon')}
                />
              </Grid.Col>
              <Grid.Col span={12}>
                <Textarea label="Description" autosize minRows={2} disabled={!editable} {...form.getInputProps('description')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <Switch
                  label="Admin access"
                  description={adminOnly ?? 'Full access to everything; permissions do not apply.'}
                  disabled={!can.admin}
                  {...form.getInputProps('admin_access', { type: 'checkbox' })}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <Switch label="App access" description="May sign in to this App." disabled={!editable} {...form.getInputProps('app_access', { type: 'checkbox' })} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <Switch
                  label="Require 2FA"
                  description="Users must set up two-factor authentication."
                  disabled={!editable}
                  {...form.getInputProps('enforce_tfa', { type: 'checkbox' })}
                />
              </Grid.Col>
              <Grid.Col span={12}>
                <TagsInput
                  label="IP access"
                  description="Addresses, ranges (10.0.0.1-10.0.0.9) or CIDR blocks allowed to use this role. Empty allows any address."
                  placeholder="Type an address, then Enter"
                  disabled={!editable}
                  splitChars={[',', ' ']}
                  {...form.getInputProps('ip_access')}
                />
              </Grid.Col>
            </Grid>
          </Paper>
        </form>

        <Stack gap="sm">
          <Title order={2} fz="h3">
            Users in Role
          </Title>
          <UsersInRole role={role} />
        </Stack>

        <Stack gap="sm">
          <Title order={2} fz="h3">
            Permissions
          </Title>
          {role.admin_access ? (
            <Alert color="violet">Admins have full access to everything; permissions do not apply to this role.</Alert>
          ) : (
            <PermissionsEditor roleId={role.id} editable={can('directus_permissions', 'update') && can('directus_permissions', 'create')} />
          )}
        </Stack>
      </Stack>
    </>
  );
}
