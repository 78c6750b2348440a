import { Badge } from '@mantine/core';
import type { UserStatus } from '../api/types';

const COLORS: Record<UserStatus, string> = {
  active: 'teal',
  invited: 'blue',
  draft: 'gray',
  unverified: 'yellow',
  suspended: 'red',
  archived: 'orange',
};

export const STATUS_LABELS: Record<UserStatus, string> = {
  active: 'Active',
  invited: 'Invited',
  draft: 'Draft',
  unverified: 'Unverified',
  suspended: 'Suspended',
  archived: 'Archived',
};

export function StatusBadge({ status }: { status: UserStatus }) {
  return (
    <Badge color={COLORS[status] ?? 'gray'} variant="light">
      {STATUS_LABELS[status] ?? status}
    </Badge>
  );
}
