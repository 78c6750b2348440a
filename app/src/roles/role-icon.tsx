// Roles carry a Material icon name (Directus's convention); the App draws a close Tabler match.
import { IconBriefcase, IconCode, IconCrown, IconEye, IconPencil, IconShield, IconShieldCheck, IconUser, IconUsers, IconUsersGroup } from '@tabler/icons-react';

const ICONS: Record<string, typeof IconUser> = {
  verified: IconShieldCheck,
  verified_user: IconShieldCheck,
  admin_panel_settings: IconShield,
  supervised_user_circle: IconUsersGroup,
  group: IconUsers,
  groups: IconUsers,
  person: IconUser,
  account_circle: IconUser,
  edit: IconPencil,
  visibility: IconEye,
  work: IconBriefcase,
  code: IconCode,
  star: IconCrown,
};

export const ICON_CHOICES = Object.keys(ICONS);

export function RoleIcon({ name, size = 18 }: { name: string | null | undefined; size?: number }) {
  const Icon = (name && ICONS[name]) || IconUsersGroup;
  return <Icon size={size} aria-hidden />;
}
