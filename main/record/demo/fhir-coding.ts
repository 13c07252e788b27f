/**
 * The code systems the generated record speaks (FHIR R4 terminologies), and small builders for the
 * codeable concepts made from the shipped terminology. Each call returns fresh objects: a caller
 * may change one resource without touching another.
 */
import type { CodeableConcept, Coding, Quantity } from '@medplum/fhirtypes';
import type { Icd10Code, LabTest } from './terminology';

export const SYSTEM = {
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  atc: 'http://www.whocc.no/atc',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  allergyVerification: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  medicationRequestCategory: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
  appointmentType: 'http://terminology.hl7.org/CodeSystem/v2-0276',
  degree: 'http://terminology.hl7.org/CodeSystem/v2-0360',
  organizationType: 'http://terminology.hl7.org/CodeSystem/organization-type',
  language: 'urn:ietf:bcp:47',
  humanNameLanguage: 'http://hl7.org/fhir/StructureDefinition/language',
} as const;

export function coded(system: string, code: string, display?: string): CodeableConcept {
  const coding: Coding = display === undefined ? { system, code } : { system, code, display };
  return { coding: [coding] };
}

/** An ICD-10 concept: WHO's English title as the code's display, the French label as the text clinicians read. */
export function icd10Concept(entry: Icd10Code): CodeableConcept {
  return { coding: [{ system: SYSTEM.icd10, code: entry.code, display: entry.en }], text: entry.fr };
}

export function labConcept(test: LabTest): CodeableConcept {
  return { coding: [{ system: SYSTEM.loinc, code: test.code, display: test.en }], text: test.fr };
}

export function quantity(value: number, unit: string, code: string): Quantity {
  return { value, unit, system: SYSTEM.ucum, code };
}

/** Rounds for display as a laboratory or a device would report (no binary noise like 1.1000000000000001). */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
