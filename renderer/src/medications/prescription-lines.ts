/**
 * The prescription editor's lines: a new line (a medicine from the catalogue, its presentation
 * and dosage as typed) or a draft kept earlier; what each line sends to the services, and what is
 * wrong with it, field by field.
 */
import type { DoseUnit, DrugHit, MedicationView, PeriodUnit } from '../../../main/contract/medication-types';
import type { CallArgs } from '../../../main/contract/contract';
import { unitForPresentation } from './medication-format';

export type PrescriptionItem = NonNullable<CallArgs<'prescriptions.sign'>['items']>[number];

export interface NewLine {
  kind: 'new';
  key: string;
  drug: DrugHit;
  presentation: number;
  dose: number | string;
  unit: DoseUnit;
  frequency: number | string;
  period: number | string;
  periodUnit: PeriodUnit;
  durationDays: number | string;
  longTerm: boolean;
  asNeeded: boolean;
  instructions: string;
}

export interface DraftLine {
  kind: 'draft';
  key: string;
  draft: MedicationView;
}

export type EditorLine = NewLine | DraftLine;

export type LineField = 'dose' | 'frequency' | 'period' | 'durationDays';

let counter = 0;

export function newLine(drug: DrugHit): NewLine {
  counter += 1;
  const presentation = drug.presentations[0];
  return {
    kind: 'new',
    key: `line-${counter}`,
    drug,
    presentation: 0,
    dose: 1,
    unit: presentation ? unitForPresentation(presentation) : 'tablet',
    frequency: 1,
    period: 1,
    periodUnit: 'd',
    durationDays: 7,
    longTerm: false,
    asNeeded: false,
    instructions: '',
  };
}

export function draftLine(draft: MedicationView): DraftLine {
  return { kind: 'draft', key: `draft-${draft.id}`, draft };
}

const isInteger = (value: number | string, min: number, max: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
const isPositive = (value: number | string, max: number) =>
  typeof value === 'number' && value > 0 && value <= max;

/** The fields of a new line that hold no acceptable value (the keys of `medication.validation.*`). */
export function lineProblems(line: NewLine): Partial<Record<LineField, string>> {
  const problems: Partial<Record<LineField, string>> = {};
  if (!isPositive(line.dose, 1000)) problems.dose = 'dose';
  if (!isInteger(line.frequency, 1, 24)) problems.frequency = 'frequency';
  if (!isPositive(line.period, 365)) problems.period = 'period';
  if (!line.longTerm && !isInteger(line.durationDays, 1, 365)) problems.durationDays = 'duration';
  return problems;
}

export function lineItem(line: NewLine): PrescriptionItem | null {
  if (Object.keys(lineProblems(line)).length > 0) return null;
  const presentation = line.drug.presentations[line.presentation];
  if (!presentation) return null;
  return {
    atc: line.drug.atc,
    form: presentation.form,
    strength: presentation.strength,
    dose: line.dose as number,
    unit: line.unit,
    frequency: line.frequency as number,
    period: line.period as number,
    periodUnit: line.periodUnit,
    durationDays: line.longTerm ? null : (line.durationDays as number),
    asNeeded: line.asNeeded,
    instructions: line.instructions.trim() || null,
  };
}

/** What the services are asked about: the new lines that are complete, and the drafts. */
export function prescriptionRequest(lines: readonly EditorLine[]): {
  items: PrescriptionItem[];
  draftIds: string[];
  complete: boolean;
} {
  const items: PrescriptionItem[] = [];
  const draftIds: string[] = [];
  let complete = true;
  for (const line of lines) {
    if (line.kind === 'draft') draftIds.push(line.draft.id);
    else {
      const item = lineItem(line);
      if (item) items.push(item);
      else complete = false;
    }
  }
  return { items, draftIds, complete };
}
