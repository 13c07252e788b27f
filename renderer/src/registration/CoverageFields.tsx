import { Select, SimpleGrid, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  coverageRelationships,
  type CoveragePlansView,
  type CoverageRelationship,
} from '../../../main/contract/registration-types';
import type { Language } from '../../../main/contract/types';
import { placeFilter } from './AddressFields';
import type { FieldBinding } from './field-binding';

export interface CoverageValue {
  plan: string;
  memberId: string;
  relationship: CoverageRelationship;
  insurer: string;
}

export interface CoverageFieldsProps extends FieldBinding<CoverageValue> {
  coverages: CoveragePlansView;
  language: Language;
}

/** The option "no coverage" (Mantine's Select wants a non-empty value). */
const NONE = 'none';

/** The plan the patient is covered by (none is a choice), the member number, and who the insured is. */
export function CoverageFields({
  coverages,
  language,
  value,
  onChange,
  onBlur,
  errorOf,
  fieldRef,
}: CoverageFieldsProps) {
  const { t } = useTranslation();
  const plan = coverages.plans.find((candidate) => candidate.code === value.plan);
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, md: plan?.insurerNamed ? 4 : 3 }} spacing="md">
      <Select
        ref={fieldRef('coverage.plan')}
        label={t('registration.coverage.plan')}
        searchable
        filter={placeFilter}
        allowDeselect={false}
        data={[
          { value: NONE, label: t('registration.coverage.none') },
          ...coverages.plans.map((candidate) => ({ value: candidate.code, label: candidate.name[language] })),
        ]}
        value={value.plan || NONE}
        onChange={(code) => onChange({ ...value, plan: !code || code === NONE ? '' : code })}
        onBlur={() => onBlur('coverage.plan')}
        error={errorOf('coverage.plan')}
        description={plan ? plan.payor.name[language] : undefined}
        comboboxProps={{ withinPortal: true }}
        data-testid="coverage-plan"
      />
      {plan && (
        <>
          <TextInput
            ref={fieldRef('coverage.memberId')}
            label={t('registration.coverage.memberId')}
            dir="ltr"
            autoComplete="off"
            spellCheck={false}
            withAsterisk
            value={value.memberId}
            onChange={(event) => onChange({ ...value, memberId: event.currentTarget.value })}
            onBlur={() => onBlur('coverage.memberId')}
            error={errorOf('coverage.memberId')}
            data-testid="coverage-member-id"
          />
          <Select
            label={t('registration.coverage.relationship')}
            allowDeselect={false}
            data={coverageRelationships.map((code) => ({
              value: code,
              label: t(`registration.coverage.relationships.${code}`),
            }))}
            value={value.relationship}
            onChange={(code) => code && onChange({ ...value, relationship: code as CoverageRelationship })}
            comboboxProps={{ withinPortal: true }}
            data-testid="coverage-relationship"
          />
          {plan.insurerNamed && (
            <TextInput
              ref={fieldRef('coverage.insurer')}
              label={t('registration.coverage.insurer')}
              dir="auto"
              withAsterisk
              value={value.insurer}
              onChange={(event) => onChange({ ...value, insurer: event.currentTarget.value })}
              onBlur={() => onBlur('coverage.insurer')}
              error={errorOf('coverage.insurer')}
              data-testid="coverage-insurer"
            />
          )}
        </>
      )}
    </SimpleGrid>
  );
}
