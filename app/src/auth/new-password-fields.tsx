// A new password, asked twice, with what the project's password policy asks for, checked as it is
// typed. The server checks the policy again; when it refuses, its message is shown at the field.
import { PasswordInput, Stack } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { PasswordPolicy } from './password-policy';

export interface NewPasswordValues {
  password: string;
  confirm: string;
}

export function validateNewPassword(values: NewPasswordValues) {
  return {
    password: values.password ? null : 'Choose a password',
    confirm: values.confirm === values.password ? null : 'The two passwords are not the same; type the same password twice',
  };
}

/** Before the request: a password the policy refuses gets the policy's words at the field. */
export function policyError(policy: PasswordPolicy, password: string): string | null {
  return policy.check(password) ? null : `This password doesn't meet the password policy. ${policy.hint}`;
}

export function NewPasswordFields<T extends NewPasswordValues>({ form, policy }: { form: UseFormReturnType<T>; policy: PasswordPolicy }) {
  return (
    <Stack>
      <PasswordInput label="New password" description={policy.hint} autoComplete="new-password" required autoFocus {...form.getInputProps('password')} />
      <PasswordInput label="Repeat the password" autoComplete="new-password" required {...form.getInputProps('confirm')} />
    </Stack>
  );
}
