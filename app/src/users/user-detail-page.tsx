// User Detail (/users/:id) and Create User (/users/+): every field of the user, the API's
// validation errors at the field, and beside the form the token, 2FA, invitation and activity.
import { useEffect, useMemo, useState } from 'react';
import { Alert, Avatar, Button, Grid, Group, Loader, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconArchive, IconArrowBackUp, IconDeviceFloppy } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { get } from '../api/client';
import { ApiError, describeError, fieldMessage } from '../api/errors';
import { avatarName, displayName, roleId, type User } from '../api/types';
import { fieldIn, useCan } from '../auth/permissions';
import { useSession } from '../auth/session';
import { useUnsavedGuard } from '../common/use-unsaved-guard';
import { PageHeader } from '../layout/page-header';
import { listRoles } from '../roles/roles-api';
import { ActivityPanel } from './activity-panel';
import { InvitePanel } from './invite-panel';
import { TfaPanel } from './tfa-panel';
import { TokenPanel } from './token-panel';
import { StatusBadge } from './status-badge';
import { UserFields } from './user-fields';
import { ADMIN_ONLY_FIELDS, emptyUserValues, toFormValues, toPayload, validateEmail, validateJsonObject, type UserFormValues } from './user-form-model';
import { createUser, getUser, updateUser } from './users-api';
import { AccountPanel } from './account-panel';

export function UserDetailPage() {
  const { id = '' } = useParams();
  if (id === '+') return <UserEditor key="+" user={null} />;
  return <ExistingUser key={id} id={id} />;
}

function ExistingUser({ id }: { id: string }) {
  const user = useQuery({ queryKey: ['users', id, 'detail'], queryFn: () => getUser(id) });
  if (user.isPending) return <Loader aria-label="Loading the user" />;
  if (user.isError) {
    const forbidden = user.error instanceof ApiError && user.error.code === 'FORBIDDEN';
    return (
      <Alert color="red" title={forbidden ? 'This user does not exist, or you may not see them' : 'The user could not be loaded'} role="alert">
        {forbidden ? 'Check the link, or go back to the User Library.' : describeError(user.error)}
      </Alert>
    );
  }
  return <UserEditor user={user.data} />;
}

function UserEditor({ user }: { user: User | null }) {
  const isNew = user === null;
  const can = useCan();
  const { me } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const self = !!user && user.id === me?.id;
  const admin = can.admin;
  const [saving, setSaving] = useState(false);

  const itemAccess = useQuery({
    queryKey: ['permissions', 'me', 'directus_users', user?.id],
    queryFn: () => get<{ data: { update: { access: boolean }; delete: { access: boolean } } }>(`/permissions/me/directus_users/${user!.id}`).then((r) => r.data),
    enabled: !isNew && !admin,
  });
  const roles = useQuery({ queryKey: ['roles', 'list'], queryFn: listRoles, enabled: admin, staleTime: 60_000 });

  const action = isNew ? 'create' : 'update';
  const allowedFields = can.fields('directus_users', action);
  const mayWriteRow = isNew ? can('directus_users', 'create') : admin || !!itemAccess.data?.update.access;
  const writable = (field: string) => {
    if (admin) return true;
    if (!mayWriteRow) return false;
    if ((ADMIN_ONLY_FIELDS as readonly string[]).includes(field)) return false;
    return fieldIn(allowedFields, field);
  };

  const initial = useMemo(() => (user ? toFormValues(user) : emptyUserValues()), [user]);
  const form = useForm<UserFormValues>({
    initialValues: initial,
    validate: { email: (v) => validateEmail(v, isNew), theme_light_overrides: validateJsonObject, theme_dark_overrides: validateJsonObject },
  });

  // A fresh read from the server (after a save, archive or role change) becomes the new baseline,
  // unless the person is in the middle of editing.
  useEffect(() => {
    if (!form.isDirty()) {
      form.setInitialValues(initial);
      form.setValues(initial);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial]);

  const dirty = form.isDirty();
  const guard = useUnsavedGuard(dirty && !saving);

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['users'] });
    if (self) await queryClient.invalidateQueries({ queryKey: ['me'] });
  };

  const save = form.onSubmit(async (values) => {
    const payload = toPayload(values, isNew ? null : form.getInitialValues(), writable);
    if (!isNew && Object.keys(payload).length === 0) {
      notifications.show({ color: 'blue', title: 'Nothing to save', message: 'Change a field first, then save.' });
      return;
    }
    setSaving(true);
    try {
      if (isNew) {
        const created = await createUser(payload);
        notifications.show({ color: 'teal', title: 'User created', message: `${values.email.trim()} was added.` });
        await queryClient.invalidateQueries({ queryKey: ['users'] });
        guard.allowNextNavigation();
        navigate(created?.id ? `/users/${created.id}` : '/users', { replace: true });
        return;
      }
      const saved = await updateUser(user.id, payload);
      const next = saved ? toFormValues(saved) : { ...values, password: '' };
      form.setInitialValues(next);
      form.setValues(next);
      notifications.show({ color: 'teal', title: 'Saved', message: `${displayName(saved ?? user)} was updated.` });
      await refresh();
    } catch (err) {
      if (err instanceof ApiError && err.field && err.field in values) form.setFieldError(err.field, fieldMessage(err));
      notifications.show({ color: 'red', title: 'Could not save', message: describeError(err) });
    } finally {
      setSaving(false);
    }
  });

  const setStatus = async (status: 'archived' | 'draft') => {
    if (!user) return;
    try {
      await updateUser(user.id, { status });
      form.setInitialValues({ ...form.getInitialValues(), status });
      form.setFieldValue('status', status);
      notifications.show(
        status === 'archived'
          ? { color: 'teal', title: 'User archived', message: `${displayName(user)} can no longer sign in and is hidden from the User Library.` }
          : { color: 'teal', title: 'User unarchived', message: `${displayName(user)} is now a draft; set the status to Active to let them sign in.` },
      );
      await refresh();
    } catch (err) {
      notifications.show({ color: 'red', title: status === 'archived' ? 'Could not archive' : 'Could not unarchive', message: describeError(err) });
    }
  };

  const confirmArchive = () =>
    modals.openConfirmModal({
      title: 'Archive this user?',
      children: (
        <Text>
          {user ? displayName(user) : 'The user'} can no longer sign in, their sessions end, and they are hidden from the User Library. Nothing
          is deleted: you can unarchive them later.
        </Text>
      ),
      labels: { confirm: 'Archive', cancel: 'Cancel' },
      confirmProps: { color: 'orange' },
      onConfirm: () => void setStatus('archived'),
    });

  const title = isNew ? 'Create User' : displayName(user);
  const archived = user?.status === 'archived';
  const anyWritable = admin || mayWriteRow;

  return (
    <>
      <PageHeader title={title} icon={isNew ? undefined : <Avatar name={avatarName(user)} color="initials" />}>
        {!isNew && user && <StatusBadge status={user.status} />}
        {!isNew && admin && !archived && (
          <Button color="orange" variant="light" leftSection={<IconArchive size={16} />} onClick={confirmArchive}>
            Archive User
          </Button>
        )}
        {!isNew && admin && archived && (
          <Button color="orange" variant="light" leftSection={<IconArrowBackUp size={16} />} onClick={() => void setStatus('draft')}>
            Unarchive
          </Button>
        )}
        {anyWritable && (
          <Button type="submit" form="user-form" leftSection={<IconDeviceFloppy size={16} />} loading={saving} disabled={!isNew && !dirty}>
            {isNew ? 'Create' : 'Save'}
          </Button>
        )}
      </PageHeader>
      {isNew && !anyWritable && (
        <Alert color="gray" mb="md" role="alert">
          Your role can't create users. Ask an admin to create the user, or to give your role that permission.
        </Alert>
      )}
      {!anyWritable && !isNew && (
        <Alert color="gray" mb="md">
          You can view this user but not change them.
        </Alert>
      )}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          {/* Only the fields are inside the form: the side panels' dialogs have forms of their own. */}
          <form id="user-form" onSubmit={save} noValidate aria-label={isNew ? 'New user' : `User ${title}`}>
          <UserFields
            form={form}
            isNew={isNew}
            writable={writable}
            showPreferences={isNew || self || admin}
            admin={admin}
            roles={roles.data ?? (user && typeof user.role === 'object' && user.role ? [user.role] : [])}
          />
          </form>
        </Grid.Col>
        {!isNew && user && (
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <Stack>
              <AccountPanel user={user} />
              {admin && user.status === 'invited' && <InvitePanel user={user} roleId={roleId(user.role)} />}
              {admin && <TokenPanel userId={user.id} hasToken={!!user.token} onChanged={() => void refresh()} />}
              <TfaPanel userId={user.id} enabled={!!user.tfa_secret} self={self} admin={admin} onChanged={() => void refresh()} />
              <ActivityPanel userId={user.id} />
            </Stack>
          </Grid.Col>
        )}
      </Grid>
      {isNew && (
        <Group mt="md">
          <Text size="sm" c="dimmed">
            Only the email is required. Without a password, the user can't sign in until one is set or they are invited.
          </Text>
        </Group>
      )}
    </>
  );
}
