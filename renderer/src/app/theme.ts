import { createTheme } from '@mantine/core';

/**
 * Bundled faces, so the app looks the same on every clinic PC (and screenshots do not depend on
 * the machine). Colours meet WCAG 2.1 AA contrast (axe runs in the e2e): Mantine's default shade 6
 * puts white text on teal at 2.5:1, so filled colours take shade 9 (teal 9 under white: 5.0:1)
 * and `autoContrast` picks dark text on light fills (yellow, lime). The dimmed grey is darkened in
 * app.css for the same reason.
 */
export const theme = createTheme({
  fontFamily: '"Noto Sans", "Noto Sans Arabic", sans-serif',
  headings: { fontFamily: '"Noto Sans", "Noto Sans Arabic", sans-serif', fontWeight: '600' },
  primaryColor: 'teal',
  primaryShade: { light: 9, dark: 8 },
  autoContrast: true,
  defaultRadius: 'sm',
  respectReducedMotion: true,
});
