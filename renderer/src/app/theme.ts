import { createTheme } from '@mantine/core';

/** Bundled faces, so the app looks the same on every clinic PC (and screenshots do not depend on the machine). */
export const theme = createTheme({
  fontFamily: '"Noto Sans", "Noto Sans Arabic", sans-serif',
  headings: { fontFamily: '"Noto Sans", "Noto Sans Arabic", sans-serif', fontWeight: '600' },
  primaryColor: 'teal',
  defaultRadius: 'sm',
  respectReducedMotion: true,
});
