import './registration.css';
import {
  Alert,
  Button,
  Group,
  Kbd,
  Loader,
  NumberInput,
  Paper,
  Radio,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { getHotkeyHandler, useHotkeys } from '@mantine/hooks';
import { IconDeviceFloppy, IconUserPlus, IconX } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientDraft, PatientEditView } from '../../../main/contract/features/registration-contract';
import {
  genders,
  type DuplicateCandidate,
  type DuplicateCheck,
  type RegistrationResult,
} from '../../../main/contract/registration-types';
import type { PatientSummary } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { ErrorAlert, errorCodeOf } from '../errors/ErrorAlert';
import { ageOn, formatAge, useToday } from '../patients/age';
import { ContractError, invoke } from '../tabib-client';
import { AddressFields } from './AddressFields';
import { CoverageFields } from './CoverageFields';
import { DuplicatePanel } from './DuplicatePanel';
import {
  draftFromForm,
  emptyForm,
  fieldKeys,
  formFromDraft,
  localProblems,
  parseTypedDate,
  problemsOfIssues,
  type FieldKey,
  type FormProblems,
  type RegistrationFormState,
} from './registration-form-state';
import { useReferenceData, type ReferenceData } from './use-reference-data';

export type RegistrationMode = { kind: 'create' } | { kind: 'edit'; patientId: string };

export interface RegistrationFormProps {
  mode: RegistrationMode;
  /** False while another section is on screen: the form's shortcuts must not act. */
  active: boolean;
  onSaved(result: RegistrationResult): void;
  onCancel(): void;
  /** A possible duplicate the user chose to open instead of registering (without it, no "open"). */
  onOpenPatient?(patient: PatientSummary): void;
  /** Inside a dialog that already says what it is: no heading of its own. */
  embedded?: boolean;
}

/** How long typing pauses before main checks the draft and looks for duplicates. */
const CHECK_DELAY_MS = 300;

type EditState =
  | { status: 'loading' }
  | { status: 'ready'; view: PatientEditView | null }
  | { status: 'error'; error: unknown };

/**
 * Registering a patient, or editing one: names in Latin and Arabic script, sex, birth date or
 * estimated age, identifiers, phone, address, insurance. Problems show at their field as soon as
 * the field is left (main checks what depends on the country, patients.checkDraft); possible
 * duplicates show while typing, and a save with similar patients asks to confirm.
 */
export function RegistrationForm(props: RegistrationFormProps) {
  const { config } = useConfig();
  const reference = useReferenceData(config.country);
  const [edit, setEdit] = useState<EditState>(
    props.mode.kind === 'edit' ? { status: 'loading' } : { status: 'ready', view: null },
  );
  const [attempt, setAttempt] = useState(0);
  const patientId = props.mode.kind === 'edit' ? props.mode.patientId : null;

  useEffect(() => {
    if (patientId === null) return;
    let current = true;
    invoke('patients.get', { patientId }).then(
      (view) => current && setEdit({ status: 'ready', view }),
      (error: unknown) => current && setEdit({ status: 'error', error }),
    );
    return () => {
      current = false;
    };
  }, [patientId, attempt]);

  const state = reference.state;
  if (state.status === 'error' || edit.status === 'error')
    return (
      <ErrorAlert
        error={state.status === 'error' ? state.error : (edit as { error: unknown }).error}
        onRetry={() => {
          reference.retry();
          setEdit(patientId === null ? { status: 'ready', view: null } : { status: 'loading' });
          setAttempt((value) => value + 1);
        }}
        testId="registration-load-error"
      />
    );
  if (state.status === 'loading' || edit.status === 'loading')
    return <Loader data-testid="registration-loading" />;
  return (
    <RegistrationFields
      // A reload after a version conflict starts over from what the record holds now.
      key={`${edit.view?.version ?? 'new'}-${edit.view?.coverage?.version ?? 'none'}-${attempt}`}
      {...props}
      reference={state.data}
      view={edit.view}
      onReload={() => {
        setEdit({ status: 'loading' });
        setAttempt((value) => value + 1);
      }}
    />
  );
}

interface FieldsProps extends RegistrationFormProps {
  reference: ReferenceData;
  view: PatientEditView | null;
  onReload(): void;
}

function RegistrationFields({
  mode,
  active,
  onSaved,
  onCancel,
  onOpenPatient,
  embedded,
  reference,
  view,
  onReload,
}: FieldsProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const today = useToday();
  const initial = useMemo(() => (view ? formFromDraft(view.draft) : emptyForm()), [view]);
  const [form, setForm] = useState<RegistrationFormState>(initial);
  const [touched, setTouched] = useState<ReadonlySet<FieldKey>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  /** main's problems, for the draft they were found in (shown only while the form still holds it). */
  const [checked, setChecked] = useState<{ key: string; problems: FormProblems } | null>(null);
  const [duplicates, setDuplicates] = useState<DuplicateCheck | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [panelFocus, setPanelFocus] = useState(0);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const fields = useRef(new Map<FieldKey, HTMLElement>());
  const savingNow = useRef(false);
  const creating = mode.kind === 'create';

  const draft = useMemo(() => draftFromForm(form), [form]);
  const draftKey = useMemo(() => JSON.stringify(draft), [draft]);
  const dirty = JSON.stringify(form) !== JSON.stringify(initial);

  const update = (changes: Partial<RegistrationFormState>) => {
    setForm((previous) => ({ ...previous, ...changes }));
    setConfirmCancel(false);
    setConfirming(false);
  };

  // main's checks of what is typed, once typing pauses.
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      invoke('patients.checkDraft', { draft }).then(
        ({ issues }) => current && setChecked({ key: draftKey, problems: problemsOfIssues(issues) }),
        () => undefined, // a save reports what is wrong; the inline checks stay quiet
      );
    }, CHECK_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [draft, draftKey]);

  // Possible duplicates as soon as there is enough to compare: an identifier, or a name and a birth.
  // Keyed by content: typing an address or a phone does not ask again.
  const lookupKey = JSON.stringify({
    latin: draft.latin,
    arabic: draft.arabic,
    nationalId: draft.nationalId,
    passport: draft.passport,
    birth: draft.birth,
    gender: draft.gender,
  });
  const lookup = useMemo(
    () =>
      JSON.parse(lookupKey) as Pick<
        PatientDraft,
        'latin' | 'arabic' | 'nationalId' | 'passport' | 'birth' | 'gender'
      >,
    [lookupKey],
  );
  const named = [lookup.latin, lookup.arabic].some((name) => name.family.trim() && name.given.trim());
  const comparable = Boolean(lookup.nationalId.trim() || lookup.passport.trim() || (named && lookup.birth));
  useEffect(() => {
    if (!comparable) return;
    let current = true;
    const timer = setTimeout(() => {
      invoke('patients.findDuplicates', {
        draft: { ...draftFromForm(emptyForm()), ...lookup },
        ...(view ? { patientId: view.patientId } : {}),
      }).then(
        (found) => current && setDuplicates(creating ? found : { identifier: found.identifier, similar: [] }),
        () => undefined,
      );
    }, CHECK_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [lookup, comparable, creating, view]);
  /** The last answer about duplicates, while there is something to compare (it may lag what is typed by a moment). */
  const shownDuplicates = comparable ? duplicates : null;

  const local = localProblems(form);
  const server = checked?.key === draftKey ? checked.problems : {};
  const problemOf = (field: FieldKey) => local[field] ?? server[field];
  const errorOf = (field: FieldKey): string | undefined => {
    if (!submitted && !touched.has(field)) return undefined;
    const problem = problemOf(field);
    if (!problem) return undefined;
    if (problem === 'identifierFormat') return t(`registration.identifier.format.${config.country}`);
    return t(`registration.problem.${problem}`);
  };
  // Keyboard first: the first name field has the focus when the form opens.
  useEffect(() => {
    fields.current.get('latin.family')?.focus();
  }, []);

  const blur = (field: FieldKey) => setTouched((previous) => new Set(previous).add(field));
  const fieldRef = useCallback(
    (field: FieldKey) => (element: HTMLElement | null) => {
      if (element) fields.current.set(field, element);
      else fields.current.delete(field);
    },
    [],
  );
  const focusFirst = (problems: FormProblems) => {
    const first = fieldKeys.find((field) => problems[field] !== undefined);
    if (first) fields.current.get(first)?.focus();
  };

  async function save(acknowledged: string[] = []) {
    // A ref, not the state: two presses in one tick must not save twice.
    if (savingNow.current) return;
    setSubmitted(true);
    setConfirmCancel(false);
    setError(null);
    const problems = localProblems(form);
    if (Object.keys(problems).length > 0) {
      focusFirst(problems);
      return;
    }
    savingNow.current = true;
    setSaving(true);
    try {
      // main's checks first: what is wrong shows at its field before anything else is asked.
      const { issues } = await invoke('patients.checkDraft', { draft });
      if (issues.length > 0) {
        const found = problemsOfIssues(issues);
        setChecked({ key: draftKey, problems: found });
        focusFirst(found);
        return;
      }
      if (creating) {
        const found = await invoke('patients.findDuplicates', { draft });
        setDuplicates(found);
        const unconfirmed = found.similar.filter((candidate) => !acknowledged.includes(candidate.id));
        if (found.identifier.length > 0 || unconfirmed.length > 0) {
          setConfirming(unconfirmed.length > 0 && found.identifier.length === 0);
          setPanelFocus((request) => request + 1);
          return;
        }
        onSaved(await invoke('patients.register', { draft, acknowledgedDuplicates: acknowledged }));
      } else if (view) {
        onSaved(
          await invoke('patients.update', {
            patientId: view.patientId,
            version: view.version,
            coverageVersion: view.coverage?.version ?? null,
            draft,
          }),
        );
      }
    } catch (failure) {
      const code = errorCodeOf(failure);
      if (code === 'INVALID_ARGUMENT' && failure instanceof ContractError) {
        const issues = (failure.details as { issues?: { path: string[]; code: never }[] } | undefined)
          ?.issues;
        const found = problemsOfIssues(issues ?? []);
        if (Object.keys(found).length > 0) {
          setChecked({ key: draftKey, problems: found });
          focusFirst(found);
          return;
        }
      }
      if (code === 'PATIENT_IDENTIFIER_TAKEN' || code === 'PATIENT_POSSIBLE_DUPLICATES') {
        // Someone registered a look-alike meanwhile: show who, and ask again.
        const found = await invoke('patients.findDuplicates', { draft }).catch(() => null);
        if (found) {
          setDuplicates(found);
          setConfirming(code === 'PATIENT_POSSIBLE_DUPLICATES');
          setPanelFocus((request) => request + 1);
          return;
        }
      }
      setError(failure);
    } finally {
      savingNow.current = false;
      setSaving(false);
    }
  }

  function escape() {
    // Escape in an open list closes the list (Mantine), nothing more.
    if (document.activeElement?.getAttribute('aria-expanded') === 'true') return;
    if (!dirty || confirmCancel) onCancel();
    else setConfirmCancel(true);
  }

  // From inside the form the keys arrive through onKeyDown below; these are for a focus elsewhere.
  useHotkeys(
    active
      ? [
          ['mod+Enter', () => void save()],
          ['Escape', escape],
        ]
      : [],
    [],
  );

  const birthDate = parseTypedDate(form.birthDate);
  const dateAge = !form.estimated && birthDate ? ageOn(birthDate, today) : null;
  const years = Number(form.ageYears || '0');
  const months = Number(form.ageMonths || '0');
  const estimatedAge =
    form.estimated && (form.ageYears || form.ageMonths) && Number.isFinite(years) && Number.isFinite(months)
      ? years >= 2 || months === 0
        ? { value: years, unit: 'year' as const, approximate: true }
        : { value: years * 12 + months, unit: 'month' as const, approximate: true }
      : null;
  const ageText = dateAge ?? estimatedAge;
  const place = reference.places;

  return (
    <Stack
      maw={1100}
      gap="md"
      className="tabib-registration-form"
      data-testid="registration-form"
      data-mode={mode.kind}
      data-saving={saving || undefined}
      data-checked={checked?.key === draftKey || undefined}
      onKeyDown={(event) => {
        // The form's keys are its own: the chart's shortcuts under a dialog must not act on them
        // (nor on any key typed in the dialog); on the Patients screen the sections' still do.
        const own = event.key === 'Escape' || (event.key === 'Enter' && (event.ctrlKey || event.metaKey));
        getHotkeyHandler([
          ['mod+Enter', () => void save()],
          ['Escape', escape],
        ])(event);
        if (own || embedded) event.stopPropagation();
      }}
    >
      <Group justify={embedded ? 'flex-end' : 'space-between'} align="flex-end">
        {!embedded && (
          <Title order={2} data-testid="registration-title">
            {creating ? t('registration.title.create') : t('registration.title.edit')}
          </Title>
        )}
        <Group gap={6} c="dimmed" data-testid="registration-keys">
          <Kbd size="xs">{t('patients.keys.ctrlEnter')}</Kbd>
          <Text size="xs">{t('registration.keys.save')}</Text>
          <Kbd size="xs">{t('patients.keys.escape')}</Kbd>
          <Text size="xs">{t('registration.keys.cancel')}</Text>
        </Group>
      </Group>

      {confirmCancel && (
        <Alert color="orange" variant="light" data-testid="registration-confirm-cancel">
          <Group justify="space-between">
            <Text size="sm">{t('registration.cancel.question')}</Text>
            <Group gap="xs">
              <Button size="xs" variant="default" onClick={() => setConfirmCancel(false)}>
                {t('registration.cancel.keepEditing')}
              </Button>
              <Button
                size="xs"
                color="orange"
                rightSection={<Kbd size="xs">{t('patients.keys.escape')}</Kbd>}
                onClick={onCancel}
              >
                {t('registration.cancel.discard')}
              </Button>
            </Group>
          </Group>
        </Alert>
      )}

      <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="registration-identity">
        <Stack gap="md">
          <Title order={3} size="h4" id="registration-identity">
            {t('registration.section.identity')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
            <Stack gap="xs">
              <Text size="sm" fw={600}>
                {t('registration.name.latin')}
              </Text>
              <TextInput
                ref={fieldRef('latin.family')}
                // Where a dialog's focus trap starts too (the edit from the chart).
                data-autofocus
                label={t('registration.name.family')}
                dir="ltr"
                lang="und-Latn"
                autoComplete="off"
                spellCheck={false}
                value={form.latinFamily}
                onChange={(event) => update({ latinFamily: event.currentTarget.value })}
                onBlur={() => blur('latin.family')}
                error={errorOf('latin.family')}
                data-testid="latin-family"
              />
              <TextInput
                ref={fieldRef('latin.given')}
                label={t('registration.name.given')}
                dir="ltr"
                lang="und-Latn"
                autoComplete="off"
                spellCheck={false}
                value={form.latinGiven}
                onChange={(event) => update({ latinGiven: event.currentTarget.value })}
                onBlur={() => blur('latin.given')}
                error={errorOf('latin.given')}
                data-testid="latin-given"
              />
            </Stack>
            <Stack gap="xs">
              <Text size="sm" fw={600}>
                {t('registration.name.arabic')}
              </Text>
              <TextInput
                ref={fieldRef('arabic.family')}
                label={t('registration.name.family')}
                dir="rtl"
                lang="ar"
                autoComplete="off"
                spellCheck={false}
                classNames={{ input: 'tabib-arabic-input' }}
                value={form.arabicFamily}
                onChange={(event) => update({ arabicFamily: event.currentTarget.value })}
                onBlur={() => blur('arabic.family')}
                error={errorOf('arabic.family')}
                data-testid="arabic-family"
              />
              <TextInput
                ref={fieldRef('arabic.given')}
                label={t('registration.name.given')}
                dir="rtl"
                lang="ar"
                autoComplete="off"
                spellCheck={false}
                classNames={{ input: 'tabib-arabic-input' }}
                value={form.arabicGiven}
                onChange={(event) => update({ arabicGiven: event.currentTarget.value })}
                onBlur={() => blur('arabic.given')}
                error={errorOf('arabic.given')}
                data-testid="arabic-given"
              />
            </Stack>
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
            <Radio.Group
              label={t('registration.sex')}
              withAsterisk
              value={form.gender ?? ''}
              onChange={(value) => {
                update({ gender: value as RegistrationFormState['gender'] });
                blur('gender');
              }}
              error={errorOf('gender')}
              data-testid="sex"
            >
              <Group gap="lg" mt={6}>
                {genders.map((gender, index) => (
                  <Radio
                    key={gender}
                    value={gender}
                    ref={index === 0 ? fieldRef('gender') : undefined}
                    label={t(`patients.gender.${gender}`)}
                    data-testid={`sex-${gender}`}
                  />
                ))}
              </Group>
            </Radio.Group>
            <Stack gap={6}>
              <Switch
                label={t('registration.birth.estimated')}
                checked={form.estimated}
                onChange={(event) => update({ estimated: event.currentTarget.checked })}
                data-testid="birth-estimated"
              />
              {form.estimated ? (
                <Group gap="sm" align="flex-start" wrap="nowrap">
                  <NumberInput
                    ref={fieldRef('birth')}
                    label={t('registration.birth.years')}
                    min={0}
                    max={130}
                    allowDecimal={false}
                    allowNegative={false}
                    hideControls
                    w={120}
                    dir="ltr"
                    value={form.ageYears}
                    onChange={(value) => update({ ageYears: String(value) })}
                    onBlur={() => blur('birth')}
                    error={errorOf('birth')}
                    data-testid="age-years"
                  />
                  <NumberInput
                    label={t('registration.birth.months')}
                    min={0}
                    max={11}
                    allowDecimal={false}
                    allowNegative={false}
                    hideControls
                    w={120}
                    dir="ltr"
                    value={form.ageMonths}
                    onChange={(value) => update({ ageMonths: String(value) })}
                    onBlur={() => blur('birth')}
                    data-testid="age-months"
                  />
                </Group>
              ) : (
                <TextInput
                  ref={fieldRef('birth')}
                  label={t('registration.birth.date')}
                  placeholder={t('registration.birth.datePlaceholder')}
                  withAsterisk
                  dir="ltr"
                  inputMode="numeric"
                  autoComplete="off"
                  w={220}
                  value={form.birthDate}
                  onChange={(event) => update({ birthDate: event.currentTarget.value })}
                  onBlur={() => blur('birth')}
                  error={errorOf('birth')}
                  data-testid="birth-date"
                />
              )}
              {ageText && !problemOf('birth') && (
                <Text size="sm" c="dimmed" data-testid="birth-age">
                  {formatAge(ageText, config.language, config.country)}
                </Text>
              )}
            </Stack>
          </SimpleGrid>
        </Stack>
      </Paper>

      <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="registration-contact">
        <Stack gap="md">
          <Title order={3} size="h4" id="registration-contact">
            {t('registration.section.identifiers')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="lg">
            <TextInput
              ref={fieldRef('nationalId')}
              label={t(`registration.identifier.national.${config.country}`)}
              description={t('registration.identifier.nationalHint')}
              placeholder={t(`registration.identifier.example.${config.country}`)}
              dir="ltr"
              autoComplete="off"
              spellCheck={false}
              classNames={{ input: 'tabib-registration-identifier' }}
              value={form.nationalId}
              onChange={(event) => update({ nationalId: event.currentTarget.value })}
              onBlur={() => blur('nationalId')}
              error={errorOf('nationalId')}
              data-testid="national-id"
            />
            <TextInput
              ref={fieldRef('passport')}
              label={t('registration.identifier.passport')}
              description={t('registration.identifier.passportHint')}
              dir="ltr"
              autoComplete="off"
              spellCheck={false}
              classNames={{ input: 'tabib-registration-identifier' }}
              value={form.passport}
              onChange={(event) => update({ passport: event.currentTarget.value })}
              onBlur={() => blur('passport')}
              error={errorOf('passport')}
              data-testid="passport"
            />
            <TextInput
              ref={fieldRef('phone')}
              label={t('registration.phone')}
              description={t('registration.phoneHint')}
              placeholder={t(`registration.phoneExample.${config.country}`)}
              type="tel"
              dir="ltr"
              autoComplete="off"
              value={form.phone}
              onChange={(event) => update({ phone: event.currentTarget.value })}
              onBlur={() => blur('phone')}
              error={errorOf('phone')}
              data-testid="phone"
            />
          </SimpleGrid>
        </Stack>
      </Paper>

      {shownDuplicates && (
        <DuplicatePanel
          check={shownDuplicates}
          confirming={confirming}
          focusRequest={panelFocus}
          busy={saving}
          {...(onOpenPatient ? { onOpen: (candidate: DuplicateCandidate) => onOpenPatient(candidate) } : {})}
          onCreateAnyway={() => void save(shownDuplicates.similar.map((candidate) => candidate.id))}
        />
      )}

      <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="registration-address">
        <Stack gap="md">
          <Title order={3} size="h4" id="registration-address">
            {t('registration.section.address')}
          </Title>
          <AddressFields
            places={place}
            language={config.language}
            value={{ path: form.path, locality: form.locality, line: form.line }}
            onChange={(address) => update(address)}
            onBlur={blur}
            errorOf={errorOf}
            fieldRef={fieldRef}
          />
        </Stack>
      </Paper>

      <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="registration-coverage">
        <Stack gap="md">
          <Title order={3} size="h4" id="registration-coverage">
            {t('registration.section.coverage')}
          </Title>
          <CoverageFields
            coverages={reference.coverages}
            language={config.language}
            value={{
              plan: form.plan,
              memberId: form.memberId,
              relationship: form.relationship,
              insurer: form.insurer,
            }}
            onChange={(coverage) => update(coverage)}
            onBlur={blur}
            errorOf={errorOf}
            fieldRef={fieldRef}
          />
        </Stack>
      </Paper>

      {error !== null && (
        <ErrorAlert
          error={error}
          testId="registration-error"
          {...(errorCodeOf(error) === 'VERSION_CONFLICT'
            ? {
                explanation: () => <Text size="sm">{t('registration.versionConflict')}</Text>,
                onRetry: onReload,
              }
            : {})}
        />
      )}

      <Group>
        <Button
          leftSection={
            creating ? <IconUserPlus size={18} aria-hidden /> : <IconDeviceFloppy size={18} aria-hidden />
          }
          rightSection={<Kbd size="xs">{t('patients.keys.ctrlEnter')}</Kbd>}
          aria-keyshortcuts="Control+Enter"
          // Teal 9: white text at more than 4.5:1 (WCAG 2.1 AA).
          color="teal.9"
          loading={saving}
          onClick={() => void save()}
          data-testid="registration-save"
        >
          {creating ? t('registration.save.create') : t('registration.save.edit')}
        </Button>
        <Button
          variant="default"
          leftSection={<IconX size={18} aria-hidden />}
          rightSection={<Kbd size="xs">{t('patients.keys.escape')}</Kbd>}
          aria-keyshortcuts="Escape"
          onClick={onCancel}
          data-testid="registration-cancel"
        >
          {t('registration.cancel.button')}
        </Button>
      </Group>
    </Stack>
  );
}
