// Settings pages are for those who may change roles or permissions; others are told so plainly.
import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import { useCan } from '../auth/permissions';

export function canManageSettings(can: ReturnType<typeof useCan>): boolean {
  return can.admin || can('directus_roles', 'update') || can('directus_roles', 'create') || can('directus_permissions', 'update');
}

export function RequireSettings({ children }: { children: ReactNode }) {
  const can = useCan();
  if (!canManageSettings(can)) {
    return (
      <Alert color="gray" title="Settings are not available to you" role="alert">
        Your role can't manage roles and permissions. Ask an admin if you need a change.
      </Alert>
    );
  }
  return <>{children}</>;
}
