import {
  Button,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
  type ComboboxItem,
  type ComboboxItemGroup,
  type ComboboxParsedItem,
  type OptionsFilter,
} from '@mantine/core';
import { getHotkeyHandler } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  referralPriorities,
  type ReferralFacilities,
  type ReferralPriority,
  type ReferralView,
  type SpecialtyOption,
} from '../../../main/contract/care-types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { FormActions } from './FormActions';

/** The facility option that opens the free-text field. */
const OTHER_FACILITY = '__other';

/** Lower case without accents, so "gyneco" finds "Gynécologie". */
function folded(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Filters options on every word typed, against a search text per option (labels in all scripts, synonyms). */
function wordFilter(searchText: Map<string, string>): OptionsFilter {
  return ({ options, search }) => {
    const words = folded(search).split(/\s+/).filter(Boolean);
    const keep = (item: ComboboxItem) => {
      const haystack = searchText.get(item.value) ?? folded(item.label);
      return words.every((word) => haystack.includes(word));
    };
    return options
      .map((option) =>
        'group' in option ? { ...option, items: option.items.filter(keep) } : keep(option) ? option : null,
      )
      .filter(
        (option): option is ComboboxParsedItem =>
          option !== null && (!('group' in option) || option.items.length > 0),
      );
  };
}

export interface ReferralFormProps {
  patientId: string;
  specialties: SpecialtyOption[];
  facilities: ReferralFacilities;
  onCreated(referral: ReferralView): void;
  onCancel(): void;
}

/**
 * A new referral: the specialty and the facility from searchable lists (any script, synonyms such
 * as "ORL"), or a facility typed as free text; the reason; the priority. Sent at once, or kept as
 * a draft. Ctrl+Enter sends, Escape closes; the fields say what is missing before anything is sent.
 */
export function ReferralForm({ patientId, specialties, facilities, onCreated, onCancel }: ReferralFormProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const language = config.language;
  const [specialty, setSpecialty] = useState<string | null>(null);
  const [facility, setFacility] = useState<string | null>(null);
  const [facilityText, setFacilityText] = useState('');
  const [reason, setReason] = useState('');
  const [priority, setPriority] = useState<ReferralPriority>('routine');
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const specialtyData = useMemo(
    () =>
      specialties
        .map((option) => ({ value: option.key, label: option.labels[language] }))
        .sort((a, b) => a.label.localeCompare(b.label, language)),
    [specialties, language],
  );
  const specialtySearch = useMemo(
    () =>
      new Map(
        specialties.map((option) => [
          option.key,
          folded([...Object.values(option.labels), ...option.synonyms].join(' ')),
        ]),
      ),
    [specialties],
  );

  const facilityData = useMemo(() => {
    const script = language === 'ar' ? 'ar' : 'fr';
    const item = (code: string): ComboboxItem => {
      const entry = facilities.facilities.find((candidate) => candidate.code === code);
      return { value: code, label: entry ? `${entry.name[script]} — ${entry.city[script]}` : code };
    };
    const suited = specialty
      ? facilities.facilities.filter((entry) => entry.specialties.includes(specialty))
      : [];
    const groups: ComboboxItemGroup<ComboboxItem>[] = [];
    if (suited.length > 0)
      groups.push({
        group: t('care.referrals.facilityGroup.suited'),
        items: suited.map((entry) => item(entry.code)),
      });
    for (const kind of ['university', 'regional', 'specialised'] as const) {
      const items = facilities.facilities
        .filter((entry) => entry.kind === kind && !suited.includes(entry))
        .map((entry) => item(entry.code));
      if (items.length > 0) groups.push({ group: t(`care.referrals.facilityGroup.${kind}`), items });
    }
    groups.push({
      group: t('care.referrals.facilityGroup.other'),
      items: [{ value: OTHER_FACILITY, label: t('care.referrals.otherFacility') }],
    });
    return groups;
  }, [facilities, specialty, language, t]);
  const facilitySearch = useMemo(
    () =>
      new Map(
        facilities.facilities.map((entry) => [
          entry.code,
          folded([entry.name.fr, entry.name.ar, entry.city.fr, entry.city.ar].join(' ')),
        ]),
      ),
    [facilities],
  );

  const problems = {
    specialty: specialty ? null : t('care.referrals.required.specialty'),
    reason: reason.trim() ? null : t('care.referrals.required.reason'),
    facility:
      facility === OTHER_FACILITY && facilityText.trim().length < 2
        ? t('care.referrals.required.facilityText')
        : null,
  };
  const valid = !problems.specialty && !problems.reason && !problems.facility;

  async function submit(status: 'active' | 'draft') {
    setTried(true);
    if (!valid || saving || !specialty) return;
    setSaving(true);
    setError(null);
    try {
      const created = await invoke('referrals.create', {
        patientId,
        specialty,
        facility:
          facility === OTHER_FACILITY ? { text: facilityText.trim() } : facility ? { code: facility } : null,
        reason: reason.trim(),
        priority,
        status,
      });
      onCreated(created);
    } catch (caught) {
      setError(caught);
      setSaving(false);
    }
  }

  const keys = getHotkeyHandler([['mod+Enter', () => void submit('active')]]);

  return (
    <Paper withBorder p="md" radius="md" onKeyDown={keys} data-testid="referral-form">
      <Stack gap="sm">
        <Title order={4}>{t('care.referrals.newTitle')}</Title>
        <Select
          label={t('care.referrals.specialty')}
          placeholder={t('care.referrals.specialtyPlaceholder')}
          data={specialtyData}
          value={specialty}
          onChange={setSpecialty}
          filter={wordFilter(specialtySearch)}
          searchable
          required
          data-autofocus
          autoFocus
          nothingFoundMessage={t('care.referrals.nothingFound')}
          error={tried ? problems.specialty : null}
          data-testid="referral-specialty"
        />
        <Select
          label={t('care.referrals.facility')}
          placeholder={t('care.referrals.facilityPlaceholder')}
          description={t('care.referrals.facilitySource')}
          data={facilityData}
          value={facility}
          onChange={setFacility}
          filter={wordFilter(facilitySearch)}
          searchable
          clearable
          nothingFoundMessage={t('care.referrals.nothingFound')}
          data-testid="referral-facility"
        />
        {facility === OTHER_FACILITY && (
          <TextInput
            label={t('care.referrals.facilityText')}
            value={facilityText}
            onChange={(event) => setFacilityText(event.currentTarget.value)}
            required
            error={tried ? problems.facility : null}
            data-testid="referral-facility-text"
          />
        )}
        <Textarea
          label={t('care.referrals.reason')}
          placeholder={t('care.referrals.reasonPlaceholder')}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          autosize
          minRows={3}
          required
          error={tried ? problems.reason : null}
          data-testid="referral-reason"
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="referral-priority-label">
            {t('care.referrals.priority')}
          </Text>
          <SegmentedControl
            aria-labelledby="referral-priority-label"
            value={priority}
            onChange={(value) => setPriority(value as ReferralPriority)}
            data={referralPriorities.map((value) => ({
              value,
              label: t(`care.referrals.priorities.${value}`),
            }))}
            data-testid="referral-priority"
          />
        </Stack>
        {error !== null && <ErrorAlert error={error} testId="referral-error" />}
        <FormActions
          onCancel={onCancel}
          onSubmit={() => void submit('active')}
          saving={saving}
          submitLabel={t('care.referrals.submit')}
          submitTestId="referral-submit"
        >
          <Button
            color="teal.9"
            variant="outline"
            onClick={() => void submit('draft')}
            loading={saving}
            data-testid="referral-save-draft"
          >
            {t('care.referrals.saveDraft')}
          </Button>
        </FormActions>
      </Stack>
    </Paper>
  );
}
