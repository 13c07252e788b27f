/**
 * @mantine/dates in the interface's language and the country's calendar: weeks start on Monday,
 * the weekend is Saturday–Sunday (Morocco, Tunisia) or Friday–Saturday (Algeria). The Arabic
 * locales are the Maghreb ones (ar-ma, ar-dz, ar-tn), which write Latin digits as these countries
 * do (dayjs's plain `ar` would write Arabic-Indic ones).
 */
import '@mantine/dates/styles.css';
import 'dayjs/locale/fr';
import 'dayjs/locale/ar-ma';
import 'dayjs/locale/ar-dz';
import 'dayjs/locale/ar-tn';
import { DatesProvider } from '@mantine/dates';
import type { ReactNode } from 'react';
import type { Country, Language } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';

const weekend: Record<Country, (0 | 5 | 6)[]> = { MA: [6, 0], DZ: [5, 6], TN: [6, 0] };

export function datesLocale(language: Language, country: Country): string {
  if (language === 'ar') return `ar-${country.toLowerCase()}`;
  return language;
}

export function CareDates({ children }: { children: ReactNode }) {
  const { config } = useConfig();
  return (
    <DatesProvider
      settings={{
        locale: datesLocale(config.language, config.country),
        firstDayOfWeek: 1,
        weekendDays: weekend[config.country],
        consistentWeeks: true,
      }}
    >
      {children}
    </DatesProvider>
  );
}
