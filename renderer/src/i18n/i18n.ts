/** i18next with the three interface languages; French is the default, Arabic is right-to-left. */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../../main/contract/types';
import ar from './locales/ar.json';
import en from './locales/en.json';
import fr from './locales/fr.json';

export const resources = {
  fr: { translation: fr },
  ar: { translation: ar },
  en: { translation: en },
} as const;

export function directionOf(language: Language): 'rtl' | 'ltr' {
  return language === 'ar' ? 'rtl' : 'ltr';
}

export async function initI18n(language: Language = 'fr'): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  applyDocumentLanguage(language);
  return i18next;
}

/** `lang` and `dir` on <html>: screen readers, fonts and the mirrored layout follow them. */
export function applyDocumentLanguage(language: Language): void {
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
}

export async function changeLanguage(language: Language): Promise<void> {
  await i18next.changeLanguage(language);
  applyDocumentLanguage(language);
}
