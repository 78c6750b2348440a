// The role's permissions: each collection by action, All / None / Custom. Custom picks the fields
// and a row filter (checked here before it is sent, and by the server again).
import { useState } from 'react';
import { ActionIcon, Alert, Button, Checkbox, Group, JsonInput, Menu, Modal, Paper, SimpleGrid, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAdjustments, IconCheck, IconX } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, describeError } from '../api/errors';
import type { Action, PermissionRow } from '../api/types';
import { COLLECTIONS, type CollectionInfo } from './collections';
import { ACTIONS, allAccessRule, cellState, checkFilter, conditionKey, fieldsValue, rowsFor, selectedFields, type CellState } from './permission-model';
import { createPermission, deletePermission, listPermissions, updatePermission } from './roles-api';

const STATE_LOOK: Record<CellState, { color: string; label: string; Icon: typeof IconCheck }> = {
  all: { color: 'teal', label: 'All access', Icon: IconCheck },
  none: { color: 'gray', label: 'No access', Icon: IconX },
  custom: { color: 'orange', label: 'Custom access', Icon: IconAdjustments },
};

export function PermissionsEditor({ roleId, editable }: { roleId: string; editable: boolean }) {
  const queryClient = useQueryClient();
  const rows = useQuery({ queryKey: ['permissions', 'role', roleId], queryFn: () => listPermissions(roleId) });
  const [custom, setCustom] = useState<{ collection: CollectionInfo; action: Action } | null>(null);

  const reload = () => queryClient.invalidateQueries({ queryKey: ['permissions', 'role', roleId] });

  const setAll = async (collection: CollectionInfo, action: Action) => {
    const existing = rowsFor(rows.data ?? [], collection.name, action);
    try {
      const [first, ...rest] = existing;
      if (first) {
        await updatePermission(first.id, { permissions: {}, validation: null, fields: ['*'] });
        for (const r of rest) await deletePermission(r.id);
      } else {
        await createPermission(allAccessRule(roleId, collection.name, action));
      }
      notifications.show({ color: 'teal', title: 'Permission saved', message: `${collection.label}: ${action} is now allowed on every item and field.` });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not change the permission', message: describeError(err) });
    }
    await reload();
  };

  const setNone = async (collection: CollectionInfo, action: Action) => {
    try {
      for (const r of rowsFor(rows.data ?? [], collection.name, action)) await deletePermission(r.id);
      notifications.show({ color: 'teal', title: 'Permission removed', message: `${collection.label}: ${action} is no longer allowed.` });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not change the permission', message: describeError(err) });
    }
    await reload();
  };

  if (rows.isPending) return <Skeleton h={200} />;
  if (rows.isError) return <Alert color="red">{describeError(rows.error)}</Alert>;

  return (
    <Paper withBorder>
      <Table.ScrollContainer minWidth={520}>
        <Table verticalSpacing="xs" aria-label="Permissions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Collection</Table.Th>
              {ACTIONS.map((a) => (
                <Table.Th key={a} ta="center" tt="capitalize">
                  {a}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {COLLECTIONS.map((collection) => (
              <Table.Tr key={collection.name}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {collection.label}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {collection.name}
                  </Text>
                </Table.Td>
                {ACTIONS.map((action) => {
                  const state = cellState(rows.data, collection.name, action);
                  const look = STATE_LOOK[state];
                  const label = `${collection.label} ${action}: ${look.label}`;
                  return (
                    <Table.Td key={action} ta="center">
                      <Menu position="bottom" withinPortal disabled={!editable}>
                        <Menu.Target>
                          <Tooltip label={label}>
                            <ActionIcon variant="light" color={look.color} aria-label={label} data-state={state} disabled={!editable}>
                              <look.Icon size={18} />
                            </ActionIcon>
                          </Tooltip>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item leftSection={<IconCheck size={16} />} onClick={() => void setAll(collection, action)}>
                            All access
                          </Menu.Item>
                          <Menu.Item leftSection={<IconX size={16} />} onClick={() => void setNone(collection, action)}>
                            No access
                          </Menu.Item>
                          <Menu.Item leftSection={<IconAdjustments size={16} />} onClick={() => setCustom({ collection, action })}>
                            Use custom
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {custom && (
        <CustomPermissionModal
          key={`${custom.collection.name}:${custom.action}`}
          roleId={roleId}
          collection={custom.collection}
          action={custom.action}
          rows={rowsFor(rows.data, custom.collection.name, custom.action)}
          onClose={() => setCustom(null)}
          onSaved={reload}
        />
      )}
    </Paper>
  );
}

export function CustomPermissionModal(props: {
  roleId: string;
  collection: CollectionInfo;
  action: Action;
  rows: PermissionRow[];
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const { roleId, collection, action, rows, onClose, onSaved } = props;
  const first = rows[0];
  const key = conditionKey(action);
  const [fields, setFields] = useState<string[]>(selectedFields(first, collection.fields));
  const existingFilter = first?.[key];
  const [filterText, setFilterText] = useState(existingFilter && Object.keys(existingFilter).length > 0 ? JSON.stringify(existingFilter, null, 2) : '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const check = checkFilter(filterText, collection.name);
  const usesFields = action !== 'delete';

  const save = async () => {
    if (!check.ok) return;
    if (usesFields && fields.length === 0) {
      setError('Pick at least one field, or choose No access instead.');
      return;
    }
    setBusy(true);
    setError(null);
    const body: Partial<PermissionRow> = {
      [key]: check.value ?? {},
      fields: usesFields ? fieldsValue(fields, collection.fields) : ['*'],
    };
    try {
      if (first) {
        await updatePermission(first.id, body);
        for (const r of rows.slice(1)) await deletePermission(r.id);
      } else {
        await createPermission({ role: roleId, collection: collection.name, action, permissions: null, validation: null, presets: null, fields: null, ...body });
      }
      notifications.show({ color: 'teal', title: 'Permission saved', message: `${collection.label}: custom ${action} access saved.` });
      await onSaved();
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? describeError(err) : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={`${collection.label}: custom ${action} access`} size="lg">
      <Stack>
        {usesFields && (
          <Checkbox.Group
            label="Fields"
            description={action === 'read' ? 'The fields this role may see.' : 'The fields this role may set.'}
            value={fields}
            onChange={setFields}
          >
            <Group gap="xs" my="xs">
              <Button size="compact-xs" variant="default" onClick={() => setFields([...collection.fields])}>
                Select all
              </Button>
              <Button size="compact-xs" variant="default" onClick={() => setFields([])}>
                Select none
              </Button>
            </Group>
            <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs">
              {collection.fields.map((f) => (
                <Checkbox key={f} value={f} label={f} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
        )}
        <JsonInput
          label={action === 'create' ? 'Validation (filter the new item must match)' : 'Item filter (which items this applies to)'}
          description='Empty means every item. Example: {"status": {"_eq": "active"}} or {"id": {"_eq": "$CURRENT_USER"}}'
          placeholder='{"status": {"_eq": "active"}}'
          value={filterText}
          onChange={setFilterText}
          autosize
          minRows={4}
          error={check.ok ? undefined : check.error}
          validationError={undefined}
        />
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => void save()} disabled={!check.ok} loading={busy}>
            Save
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
