// The frame of every signed-in page: header with the account menu, navigation on the left.
import { AppShell, Avatar, Burger, Group, Menu, NavLink, Text, UnstyledButton, Anchor } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconLogout, IconShieldLock, IconUserCircle, IconUsers } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useLocation } from 'react-router';
import { useSession } from '../auth/session';
import { useCan } from '../auth/permissions';
import { canManageSettings } from './require-settings';
import { fetchServerInfo } from '../auth/session-api';
import { avatarName, displayName } from '../api/types';
import { useTrackPage } from './use-track-page';

export function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const { me, signOut } = useSession();
  const can = useCan();
  const location = useLocation();
  const info = useQuery({ queryKey: ['server-info'], queryFn: fetchServerInfo, staleTime: 5 * 60_000 });
  const showSettings = canManageSettings(can);
  const name = me ? displayName(me) : '';
  useTrackPage(location.pathname);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Anchor component={Link} to="/users" underline="never" c="inherit" fw={700} fz="lg">
              {info.data?.project_name ?? 'Usher'}
            </Anchor>
          </Group>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <UnstyledButton aria-label={`Account menu for ${name}`}>
                <Group gap="xs" wrap="nowrap">
                  <Avatar name={me ? avatarName(me) : ""} color="initials" size="sm" />
                  <Text size="sm" visibleFrom="sm">
                    {name}
                  </Text>
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{me?.email}</Menu.Label>
              <Menu.Item component={Link} to={`/users/${me?.id}`} leftSection={<IconUserCircle size={16} />}>
                My account
              </Menu.Item>
              <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <NavLink
          component={Link}
          to="/users"
          label="User Library"
          leftSection={<IconUsers size={18} />}
          active={location.pathname.startsWith('/users')}
          onClick={close}
        />
        {showSettings && (
          <NavLink
            component={Link}
            to="/settings/roles"
            label="Roles & Permissions"
            description="Settings"
            leftSection={<IconShieldLock size={18} />}
            active={location.pathname.startsWith('/settings')}
            onClick={close}
          />
        )}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
