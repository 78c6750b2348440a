import { Code, Text, Tooltip } from '@mantine/core';
import { IconId } from '@tabler/icons-react';
import type { User } from '../api/types';
import { dateTime, relativeTime } from '../common/format';
import { Panel } from './panel';

export function AccountPanel({ user }: { user: User }) {
  return (
    <Panel title="Account" icon={<IconId size={18} />}>
      <Text size="sm">
        ID: <Code>{user.id}</Code>
      </Text>
      <Text size="sm">
        Last access:{' '}
        <Tooltip label={dateTime(user.last_access)} disabled={!user.last_access}>
          <span>{relativeTime(user.last_access)}</span>
        </Tooltip>
      </Text>
      {user.last_page && <Text size="sm">Last page: {user.last_page}</Text>}
    </Panel>
  );
}
