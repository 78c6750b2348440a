// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import { useForm } from '@mantine/form';
import { renderWithProviders } from '../test/render';
import { UserFields } from './user-fields';
import { emptyUserValues, PREFERENCE_FIELDS, type UserFormValues } from './user-form-model';

afterEach(cleanup);

const disabled = (el: HTMLElement) => (el as HTMLInputElement | HTMLButtonElement).disabled;

function Fields(props: { admin: boolean; writable: (f: string) => boolean; showPreferences: boolean }) {
  const form = useForm<UserFormValues>({ initialValues: { ...emptyUserValues(), email: 'ada@example.com', role: 'r1' } });
  return <UserFields form={form} isNew={false} roles={[{ id: 'r1', name: 'Editors' }]} {...props} />;
}

describe('the user fields', () => {
  it('for a non-admin on their own page: status and role disabled with the reason, preferences shown', () => {
    const selfFields = new Set(['first_name', 'last_name', 'email', 'password', 'title', ...PREFERENCE_FIELDS]);
    renderWithProviders(<Fields admin={false} writable={(f) => selfFields.has(f)} showPreferences />);
    expect(disabled(screen.getByRole('textbox', { name: 'First name' }))).toBe(false);
    expect(disabled(screen.getByRole('combobox', { name: 'Status' }))).toBe(true);
    expect(disabled(screen.getByRole('combobox', { name: 'Role' }))).toBe(true);
    expect(screen.getAllByText('Only admins can change this.')).toHaveLength(2);
    expect(screen.getByRole('region', { name: 'Preferences' })).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Provider' })).toBeNull();
  });

  it("for a non-admin on someone else's page: no preferences", () => {
    renderWithProviders(<Fields admin={false} writable={() => false} showPreferences={false} />);
    expect(screen.queryByRole('region', { name: 'Preferences' })).toBeNull();
    expect(disabled(screen.getByRole('textbox', { name: 'First name' }))).toBe(true);
  });

  it('for an admin: everything editable, no reasons, admin fields shown', () => {
    renderWithProviders(<Fields admin writable={() => true} showPreferences />);
    expect(disabled(screen.getByRole('combobox', { name: 'Status' }))).toBe(false);
    expect(disabled(screen.getByRole('combobox', { name: 'Role' }))).toBe(false);
    expect(screen.queryByText('Only admins can change this.')).toBeNull();
    expect(screen.getByRole('textbox', { name: 'Provider' })).toBeTruthy();
  });
});
