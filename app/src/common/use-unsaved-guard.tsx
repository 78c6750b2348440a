// Leaving a page with unsaved changes asks first: inside the App (react-router's blocker, with a
// confirm dialog) and when closing or reloading the tab (the browser's own prompt).
import { useEffect, useRef } from 'react';
import { useBlocker } from 'react-router';
import { modals } from '@mantine/modals';
import { Text } from '@mantine/core';

export function useUnsavedGuard(dirty: boolean): { allowNextNavigation(): void } {
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const skip = useRef(false);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => {
    if (skip.current) {
      skip.current = false;
      return false;
    }
    return dirtyRef.current && currentLocation.pathname !== nextLocation.pathname;
  });

  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    let decided = false;
    modals.openConfirmModal({
      title: 'Leave without saving?',
      children: <Text>You have unsaved changes on this page. If you leave now, they are lost.</Text>,
      labels: { confirm: 'Leave without saving', cancel: 'Stay on this page' },
      confirmProps: { color: 'red' },
      onConfirm: () => {
        decided = true;
        blocker.proceed?.();
      },
      onCancel: () => {
        decided = true;
        blocker.reset?.();
      },
      // Escape or a click outside: stay.
      onClose: () => {
        if (!decided) blocker.reset?.();
      },
    });
  }, [blocker]);

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  return { allowNextNavigation: () => (skip.current = true) };
}
