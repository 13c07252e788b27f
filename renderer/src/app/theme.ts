import { createTheme, type MantineColorsTuple } from '@mantine/core';

/**
 * Tabib's teal: Mantine's teal with shades 6 to 9 darkened so that teal text and fills meet WCAG
 * 2.1 AA contrast (axe runs in the e2e). Mantine uses shade 6 for filled buttons (white text),
 * for the text of light variants (badges, the active navigation link, light buttons) on a 10 %
 * tint of itself, and for links and outlines: its own teal 6 gives 2.5:1 under white; #066649
 * gives 7.0:1 under white and 6.0:1 on its tint.
 */
const teal: MantineColorsTuple = [
  '#e6fcf5',
  '#c3fae8',
  '#96f2d7',
  '#63e6be',
  '#38d9a9',
  '#12b886',
  '#066649',
  '#055a40',
  '#044d37',
  '#03402e',
];

/**
 * Bundled faces, so the app looks the same on every clinic PC (and screenshots do not depend on
 * the machine). `autoContrast` picks dark text on light fills (yellow, lime); the dimmed grey is
 * darkened in app.css for the same reason.
 */
export const theme = createTheme({
  fontFamily: '"Noto Sans", "Noto Sans Arabic", sans-serif',
  headings: { fontFamily: '"Noto Sans", "Noto Sans Arabic", sans-serif', fontWeight: '600' },
  colors: { teal },
  primaryColor: 'teal',
  autoContrast: true,
  defaultRadius: 'sm',
  respectReducedMotion: true,
});
