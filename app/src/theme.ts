import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'violet',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  // Focus rings for keyboard users only, and always visible when they tab.
  focusRing: 'auto',
  cursorType: 'pointer',
  // People who ask their system for less motion get no transitions.
  respectReducedMotion: true,
});
