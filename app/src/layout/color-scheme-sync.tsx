// Light or dark as the person's appearance preference says; "auto" (or none) follows the system,
// unless the project's default appearance says otherwise.
import { useEffect } from 'react';
import { useMantineColorScheme, type MantineColorScheme } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../auth/session';
import { fetchServerInfo } from '../auth/session-api';

export function appearanceToScheme(userAppearance: string | null | undefined, projectDefault: string | null | undefined): MantineColorScheme {
  const pick = (v: string | null | undefined) => (v === 'light' || v === 'dark' || v === 'auto' ? v : null);
  return pick(userAppearance) ?? pick(projectDefault) ?? 'auto';
}

export function ColorSchemeSync() {
  const { me } = useSession();
  const { setColorScheme } = useMantineColorScheme();
  const info = useQuery({ queryKey: ['server-info'], queryFn: fetchServerInfo, staleTime: 5 * 60_000 });
  const scheme = appearanceToScheme(me?.appearance, info.data?.default_appearance);
  useEffect(() => setColorScheme(scheme), [scheme, setColorScheme]);
  return null;
}
