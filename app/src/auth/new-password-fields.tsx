// A new password, asked twice, with the policy hint. The server checks the project's password
// policy; when it refuses, its message is shown at the field.
import { PasswordInput, Stack } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';

export interface NewPasswordValues {
  password: string;
  confirm: string;
}

export const POLICY_HINT = 'Use a long password you do not use anywhere else; the project\u2019s password policy applies.';

export function validateNewPassword(values: NewPasswordValues) {
  return {
    password: values.password ? null : 'Choose a password',
    confirm: values.confirm === values.password ? null : 'The two passwords are not the same; type the same password twice',
  };
}

export function NewPasswordFields<T extends NewPasswordValues>({ form }: { form: UseFormReturnType<T> }) {
  return (
    <Stack>
      <PasswordInput label="New password" description={POLICY_HINT} autoComplete="new-password" required autoFocus {...form.getInputProps('password')} />
      <PasswordInput label="Repeat the password" autoComplete="new-password" required {...form.getInputProps('confirm')} />
    </Stack>
  );
}
