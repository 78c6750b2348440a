// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { renderWithProviders } from '../test/render';
import { InviteUsersModal } from './invite-users-modal';

afterEach(cleanup);

describe('the Invite Users dialog', () => {
  it('names the parts that are not addresses and sends nothing', () => {
    const onInvited = vi.fn(async () => undefined);
    renderWithProviders(<InviteUsersModal opened onClose={() => undefined} roleId="r1" roleName="Editors" onInvited={onInvited} />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Email addresses' }), { target: { value: 'ada@example.com, grace, bob@' } });
    fireEvent.click(screen.getByRole('button', { name: 'Invite' }));
    expect(screen.getByText('"grace", "bob@" are not email addresses. Correct or remove them.')).toBeTruthy();
    expect(onInvited).not.toHaveBeenCalled();
  });

  it('asks for at least one address', () => {
    renderWithProviders(<InviteUsersModal opened onClose={() => undefined} roleId="r1" roleName="Editors" onInvited={async () => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Invite' }));
    expect(screen.getByText('Enter at least one email address.')).toBeTruthy();
  });
});
