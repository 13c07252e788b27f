import { SegmentedControl, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { languages, type Language } from '../../../main/contract/types';
import { useConfig } from './config-context';

export function LanguageSwitch() {
  const { t } = useTranslation();
  const { config, setLanguage } = useConfig();
  const [busy, setBusy] = useState(false);
  const locked = config.lockedByAdministrator.includes('language');
  const control = (
    <SegmentedControl
      size="xs"
      aria-label={t('language.label')}
      data-testid="language-switch"
      value={config.language}
      disabled={locked || busy}
      data={languages.map((language) => ({ value: language, label: t(`language.${language}`) }))}
      onChange={(value) => {
        setBusy(true);
        void setLanguage(value as Language).finally(() => setBusy(false));
      }}
    />
  );
  return locked ? <Tooltip label={t('admin.locked')}>{control}</Tooltip> : control;
}
