import { Group, Title, type GroupProps } from '@mantine/core';
import type { ReactNode } from 'react';

/** A page's title with its actions on the right (Directus's header bar). */
export function PageHeader({ title, icon, children, ...rest }: { title: ReactNode; icon?: ReactNode; children?: ReactNode } & GroupProps) {
  return (
    <Group justify="space-between" align="center" mb="md" wrap="wrap" gap="sm" {...rest}>
      <Group gap="sm" wrap="nowrap" miw={0} style={{ flex: '1 1 280px' }}>
        {icon}
        <Title order={1} fz="h2" style={{ overflowWrap: 'anywhere' }}>
          {title}
        </Title>
      </Group>
      <Group gap="sm">{children}</Group>
    </Group>
  );
}
