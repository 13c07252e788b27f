/** i18next with the three interface languages; French is the default, Arabic is right-to-left. */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../../main/contract/types';
import ar from './locales/ar.json';
import en from './locales/en.json';
import fr from './locales/fr.json';
import authFr from './locales/features/auth/fr.json';
import authAr from './locales/features/auth/ar.json';
import authEn from './locales/features/auth/en.json';
import registrationFr from './locales/features/registration/fr.json';
import registrationAr from './locales/features/registration/ar.json';
import registrationEn from './locales/features/registration/en.json';
import chartFr from './locales/features/chart/fr.json';
import chartAr from './locales/features/chart/ar.json';
import chartEn from './locales/features/chart/en.json';
import medicationFr from './locales/features/medication/fr.json';
import medicationAr from './locales/features/medication/ar.json';
import medicationEn from './locales/features/medication/en.json';
import careFr from './locales/features/care/fr.json';
import careAr from './locales/features/care/ar.json';
import careEn from './locales/features/care/en.json';
import printFr from './locales/features/print/fr.json';
import printAr from './locales/features/print/ar.json';
import printEn from './locales/features/print/en.json';
import imagingFr from './locales/features/imaging/fr.json';
import imagingAr from './locales/features/imaging/ar.json';
import imagingEn from './locales/features/imaging/en.json';
import viewerFr from './locales/features/viewer/fr.json';
import viewerAr from './locales/features/viewer/ar.json';
import viewerEn from './locales/features/viewer/en.json';
import imagingScreensFr from './locales/features/imagingScreens/fr.json';
import imagingScreensAr from './locales/features/imagingScreens/ar.json';
import imagingScreensEn from './locales/features/imagingScreens/en.json';
import { mergeLocaleTrees, type LocaleTree } from './locale-tree';

/** Each language: its base file and the features' files (locale-tree.ts). */
export const resources = {
  fr: {
    translation: mergeLocaleTrees(
      fr as LocaleTree,
      authFr as LocaleTree,
      registrationFr as LocaleTree,
      chartFr as LocaleTree,
      medicationFr as LocaleTree,
      careFr as LocaleTree,
      printFr as LocaleTree,
      imagingFr as LocaleTree,
      viewerFr as LocaleTree,
      imagingScreensFr as LocaleTree,
    ),
  },
  ar: {
    translation: mergeLocaleTrees(
      ar as LocaleTree,
      authAr as LocaleTree,
      registrationAr as LocaleTree,
      chartAr as LocaleTree,
      medicationAr as LocaleTree,
      careAr as LocaleTree,
      printAr as LocaleTree,
      imagingAr as LocaleTree,
      viewerAr as LocaleTree,
      imagingScreensAr as LocaleTree,
    ),
  },
  en: {
    translation: mergeLocaleTrees(
      en as LocaleTree,
      authEn as LocaleTree,
      registrationEn as LocaleTree,
      chartEn as LocaleTree,
      medicationEn as LocaleTree,
      careEn as LocaleTree,
      printEn as LocaleTree,
      imagingEn as LocaleTree,
      viewerEn as LocaleTree,
      imagingScreensEn as LocaleTree,
    ),
  },
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
