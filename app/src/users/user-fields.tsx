// The fields of a user, grouped as Directus groups them. A field the person may not change is
// disabled and says why in one line.
import { Divider, Grid, JsonInput, PasswordInput, Select, Stack, Switch, TagsInput, TextInput, Textarea, Title } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { USER_STATUSES } from '../api/types';
import { STATUS_LABELS } from './status-badge';
import type { UserFormValues } from './user-form-model';

const LANGUAGES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'nl-NL', 'pt-BR', 'pl-PL', 'sv-SE', 'ja-JP', 'zh-CN'];

export interface UserFieldsProps {
  form: UseFormReturnType<UserFormValues>;
  isNew: boolean;
  writable: (field: string) => boolean;
  showPreferences: boolean;
  admin: boolean;
  roles: { id: string; name: string }[];
}

export function UserFields({ form, isNew, writable, showPreferences, admin, roles }: UserFieldsProps) {
  const field = (name: keyof UserFormValues) => ({ ...form.getInputProps(name), disabled: !writable(name) });
  const adminOnly = admin ? undefined : 'Only admins can change this.';
  const languages = Array.from(new Set([...LANGUAGES, ...(form.values.language ? [form.values.language] : [])]));
  const roleOptions = roles.map((r) => ({ value: r.id, label: r.name }));
  if (form.values.role && !roleOptions.some((o) => o.value === form.values.role)) roleOptions.push({ value: form.values.role, label: 'Current role' });

  return (
    <Stack gap="lg">
      <Section title="Profile">
        <Grid>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label="First name" autoComplete="off" maxLength={50} {...field('first_name')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label="Last name" autoComplete="off" maxLength={50} {...field('last_name')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label="Email" type="email" required={isNew} autoComplete="off" maxLength={128} data-autofocus={isNew || undefined} {...field('email')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <PasswordInput
              label="Password"
              autoComplete="new-password"
              placeholder={isNew ? 'No password' : 'Unchanged'}
              description={isNew ? undefined : 'Leave empty to keep the current password.'}
              {...field('password')}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label="Title" maxLength={50} {...field('title')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label="Location" maxLength={255} {...field('location')} />
          </Grid.Col>
          <Grid.Col span={12}>
            <Textarea label="Description" autosize minRows={2} maxRows={8} {...field('description')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TagsInput label="Tags" placeholder="Type a tag, then Enter" clearable {...field('tags')} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput label="Avatar" description="The id of the avatar file" placeholder="File id" {...field('avatar')} />
          </Grid.Col>
        </Grid>
      </Section>

      <Section title="Access">
        <Grid>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <Select
              label="Status"
              data={USER_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
              allowDeselect={false}
              description={adminOnly}
              {...field('status')}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <Select label="Role" data={roleOptions} placeholder="No role" clearable searchable description={adminOnly} {...field('role')} />
          </Grid.Col>
          {admin && (
            <>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput label="Provider" maxLength={128} {...field('provider')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput label="External identifier" maxLength={255} {...field('external_identifier')} />
              </Grid.Col>
            </>
          )}
        </Grid>
      </Section>

      {showPreferences && (
        <Section title="Preferences">
          <Grid>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <Select label="Language" data={languages} placeholder="Project default" clearable searchable {...field('language')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <Select
                label="Appearance"
                data={[
                  { value: 'auto', label: 'Follow the system' },
                  { value: 'light', label: 'Light' },
                  { value: 'dark', label: 'Dark' },
                ]}
                placeholder="Project default"
                clearable
                {...field('appearance')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Theme (light mode)" maxLength={255} placeholder="Default" {...field('theme_light')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Theme (dark mode)" maxLength={255} placeholder="Default" {...field('theme_dark')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <JsonInput label="Theme overrides (light mode)" description="A JSON object of theme values" placeholder='{"primary": "#6644ff"}' autosize minRows={2} maxRows={8} validationError="Enter a JSON object" {...field('theme_light_overrides')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <JsonInput label="Theme overrides (dark mode)" description="A JSON object of theme values" placeholder='{"primary": "#a98bff"}' autosize minRows={2} maxRows={8} validationError="Enter a JSON object" {...field('theme_dark_overrides')} />
            </Grid.Col>
            <Grid.Col span={12}>
              <Switch
                label="Email notifications"
                {...form.getInputProps('email_notifications', { type: 'checkbox' })}
                disabled={!writable('email_notifications')}
              />
            </Grid.Col>
          </Grid>
        </Section>
      )}
    </Stack>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Stack gap="sm" component="section" aria-label={title}>
      <Title order={2} fz="h4">
        {title}
      </Title>
      <Divider />
      {children}
    </Stack>
  );
}
