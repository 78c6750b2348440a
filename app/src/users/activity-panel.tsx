import { Loader, Stack, Text, Timeline, Tooltip } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { describeError } from '../api/errors';
import { displayName, type Activity } from '../api/types';
import { dateTime, relativeTime } from '../common/format';
import { userActivity } from './users-api';
import { Panel } from './panel';

const VERBS: Record<string, string> = {
  create: 'created', update: 'updated', delete: 'deleted', login: 'signed in', invite: 'invited', accept: 'accepted the invitation',
};

function describe(a: Activity, userId: string): string {
  const who = a.user ? (a.user.id === userId ? 'This user' : displayName(a.user)) : 'Someone';
  const verb = VERBS[a.action] ?? a.action;
  if (a.action === 'login' || a.action === 'accept') return `${who} ${verb}`;
  const what = a.collection === 'directus_users' ? (a.item === userId ? 'this user' : 'a user') : a.collection.replace('directus_', 'a ').replace(/s$/, '');
  return `${who} ${verb} ${what}`;
}

export function ActivityPanel({ userId }: { userId: string }) {
  const activity = useQuery({ queryKey: ['users', userId, 'activity'], queryFn: () => userActivity(userId) });
  return (
    <Panel title="Recent activity" icon={<IconHistory size={18} />}>
      {activity.isPending && <Loader size="sm" aria-label="Loading activity" />}
      {activity.isError && <Text size="sm" c="red">{describeError(activity.error)}</Text>}
      {activity.data?.length === 0 && <Text size="sm" c="dimmed">Nothing recorded yet.</Text>}
      {activity.data && activity.data.length > 0 && (
        <Timeline bulletSize={12} lineWidth={2}>
          {activity.data.map((a) => (
            <Timeline.Item key={a.id}>
              <Stack gap={0}>
                <Text size="sm">{describe(a, userId)}</Text>
                <Tooltip label={dateTime(a.timestamp)}>
                  <Text size="xs" c="dimmed" w="fit-content">
                    {relativeTime(a.timestamp)}
                  </Text>
                </Tooltip>
              </Stack>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Panel>
  );
}
