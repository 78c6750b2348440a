// The centred card the sign-in and account pages share.
import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { fetchServerInfo } from './session-api';

export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  const info = useQuery({ queryKey: ['server-info'], queryFn: fetchServerInfo, staleTime: 5 * 60_000 });
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420} component="main">
        <Stack gap="lg">
          <Stack gap={4}>
            <Text fw={700} c="dimmed" size="sm" tt="uppercase">
              {info.data?.project_name ?? 'Usher'}
            </Text>
            <Title order={1} fz="h2">
              {title}
            </Title>
            {subtitle && <Text c="dimmed">{subtitle}</Text>}
          </Stack>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}

/** Where to go after signing in: only a path inside the App, never another site. */
export function safeRedirect(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/login')) return '/users';
  return value;
}
