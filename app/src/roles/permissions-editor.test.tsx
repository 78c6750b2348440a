// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { renderWithProviders } from '../test/render';
import { collectionInfo } from './collections';
import { CustomPermissionModal } from './permissions-editor';

afterEach(cleanup);

const disabled = (el: HTMLElement) => (el as HTMLInputElement | HTMLButtonElement).disabled;

function open(action: 'read' | 'create' | 'delete' = 'read') {
  const onClose = vi.fn();
  const onSaved = vi.fn(async () => undefined);
  renderWithProviders(
    <CustomPermissionModal roleId="r1" collection={collectionInfo('directus_users')!} action={action} rows={[]} onClose={onClose} onSaved={onSaved} />,
  );
  return { onClose, onSaved };
}

const filterBox = () => screen.getByRole('textbox', { name: /Item filter|Validation/ });
const saveButton = () => screen.getByRole('button', { name: 'Save' });

describe('the custom permission dialog', () => {
  it('checks the row filter as it is typed and blocks Save until it is valid', () => {
    open();
    expect(disabled(saveButton())).toBe(false);
    fireEvent.change(filterBox(), { target: { value: '{"status": {"_eq": "active"' } });
    expect(screen.getByText(/^Not valid JSON/)).toBeTruthy();
    expect(disabled(saveButton())).toBe(true);
    fireEvent.change(filterBox(), { target: { value: '{"nickname": {"_eq": "x"}}' } });
    expect(screen.getByText('"nickname" is not a field of users (directus_users).')).toBeTruthy();
    expect(disabled(saveButton())).toBe(true);
    fireEvent.change(filterBox(), { target: { value: '{"status": {"_eq": "active"}}' } });
    expect(screen.queryByText(/is not a field|Not valid JSON/)).toBeNull();
    expect(disabled(saveButton())).toBe(false);
  });

  it('offers every field of the collection, and asks for at least one', () => {
    const { onSaved } = open();
    for (const f of ['email', 'status', 'role', 'tfa_secret', 'theme_dark_overrides']) expect(screen.getByRole('checkbox', { name: f })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Select none' }));
    fireEvent.click(saveButton());
    expect(screen.getByText('Pick at least one field, or choose No access instead.')).toBeTruthy();
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('asks create for a validation filter and delete for no fields', () => {
    open('create');
    expect(screen.getByRole('textbox', { name: /Validation/ })).toBeTruthy();
    cleanup();
    open('delete');
    expect(screen.queryByRole('checkbox', { name: 'email' })).toBeNull();
    expect(screen.getByRole('textbox', { name: /Item filter/ })).toBeTruthy();
  });
});
