/**
 * What a prescriber must see before signing: a documented allergy to what is prescribed, and a
 * duplicate (the same substance, or a second drug of the same chemical class, already taken or
 * twice in the same prescription). Pure: the record's allergies and medicines come in as data.
 *
 * Allergies are matched at the level they are coded (resources' AllergyIntolerance.code, ATC as
 * the demonstration and the chart record them): an allergy coded J01C (penicillins) concerns
 * every J01C… medicine; one coded J01CA04 (amoxicillin) concerns amoxicillin, and any
 * combination containing it (J01CR02 amoxicillin + clavulanic acid). Beyond that, what is known
 * to cross-react is a warning of its own (crossReactivity): the same chemical subgroup (ATC
 * level 4), the same pharmacological subgroup where it is a class allergy (`classAllergyGroups`:
 * the other penicillins after an amoxicillin allergy), and the classes in `crossReactiveClasses`. An allergy recorded as text only is matched by its words against the
 * medicine's substances and class names.
 */
import type { AllergyIntolerance, MedicationRequest } from '@medplum/fhirtypes';
import type { AtcGroupLabel, Labels, PrescriptionWarning } from '../contract/medication-types';
import { ATC_SYSTEM, isResidualGroup, type DrugCatalogue } from './drug-catalogue';
import { searchWords } from './search-words';

/**
 * Classes known to cross-react although the ATC puts them apart: penicillins and cephalosporins
 * (shared β-lactam ring; the risk is low but real, highest with first-generation cephalosporins
 * whose side chain resembles amoxicillin's), and aspirin with the other NSAIDs (COX-1 mediated
 * cross-intolerance: a patient who reacted to one often reacts to another).
 */
const crossReactiveClasses: [string, string][] = [
  ['J01C', 'J01D'],
  ['N02BA', 'M01A'],
];

/**
 * Pharmacological subgroups (ATC level 3) an allergy to one member is treated as an allergy to
 * the class for: the antibacterial classes, the NSAIDs, the opioids. Elsewhere level 3 gathers
 * unrelated chemistry (N02B holds aspirin and paracetamol), and only the chemical subgroup
 * (level 4: omeprazole and esomeprazole) is taken to cross-react.
 */
const classAllergyGroups = new Set(['J01A', 'J01C', 'J01D', 'J01E', 'J01F', 'J01G', 'J01M', 'M01A', 'N02A']);

export interface ProposedItem {
  atc: string;
}

/** An allergy as the record holds it, reduced to what matching needs. */
export interface KnownAllergy {
  id: string;
  text: string;
  atcCodes: string[];
  criticality: 'low' | 'high' | 'unable-to-assess' | null;
}

/** A medicine the patient takes now. */
export interface TakenMedication {
  id: string;
  atc: string | null;
  text: string;
}

function conceptText(allergy: AllergyIntolerance): string {
  return (
    allergy.code?.text ??
    allergy.code?.coding?.find((coding) => coding.display)?.display ??
    allergy.code?.coding?.[0]?.code ??
    ''
  );
}

/** The allergies that count: not resolved or inactive, not refuted or entered in error. */
export function knownAllergies(allergies: readonly AllergyIntolerance[]): KnownAllergy[] {
  return allergies
    .filter((allergy) => {
      const clinical = allergy.clinicalStatus?.coding?.[0]?.code;
      const verification = allergy.verificationStatus?.coding?.[0]?.code;
      return (
        clinical !== 'inactive' &&
        clinical !== 'resolved' &&
        verification !== 'refuted' &&
        verification !== 'entered-in-error'
      );
    })
    .map((allergy) => ({
      id: allergy.id as string,
      text: conceptText(allergy),
      atcCodes: (allergy.code?.coding ?? [])
        .filter((coding) => coding.system === ATC_SYSTEM && typeof coding.code === 'string')
        .map((coding) => (coding.code as string).toUpperCase()),
      criticality: allergy.criticality ?? null,
    }));
}

export function atcOf(request: MedicationRequest): string | null {
  return (
    request.medicationCodeableConcept?.coding?.find((coding) => coding.system === ATC_SYSTEM)?.code ?? null
  );
}

interface Match {
  kind: 'allergy' | 'crossReactivity';
  group: AtcGroupLabel | null;
  substance: string | null;
}

/** Does a coded allergy concern the medicine `atc`, and how? */
function codedAllergyMatch(catalogue: DrugCatalogue, code: string, atc: string): Match | null {
  if (atc.startsWith(code))
    return {
      kind: 'allergy',
      // A class allergy names its class; a substance allergy names the substance.
      group: code.length < 7 ? catalogue.groupLabel(code) : null,
      substance: code.length >= 7 ? (catalogue.substances(code)[0]?.name ?? null) : null,
    };
  const allergen = catalogue.substances(code);
  const shared = catalogue
    .substances(atc)
    .find((substance) => allergen.some((known) => known.key === substance.key));
  if (shared) return { kind: 'allergy', group: null, substance: shared.name };
  if (code.length >= 5 && atc.slice(0, 5) === code.slice(0, 5) && !isResidualGroup(code.slice(0, 5)))
    return { kind: 'crossReactivity', group: catalogue.groupLabel(atc.slice(0, 5)), substance: null };
  if (code.length >= 4 && atc.slice(0, 4) === code.slice(0, 4) && classAllergyGroups.has(code.slice(0, 4)))
    return { kind: 'crossReactivity', group: catalogue.groupLabel(atc.slice(0, 4)), substance: null };
  for (const [first, second] of crossReactiveClasses) {
    for (const [allergyClass, drugClass] of [
      [first, second],
      [second, first],
    ] as const) {
      const allergyInClass = code.startsWith(allergyClass) || allergyClass.startsWith(code);
      if (allergyInClass && atc.startsWith(drugClass))
        return { kind: 'crossReactivity', group: catalogue.groupLabel(drugClass), substance: null };
    }
  }
  return null;
}

/**
 * An allergy recorded as text: every significant word (five letters or more) of the text, or of
 * its parenthesis ("Acide acétylsalicylique (aspirine)"), must be a word of the medicine's
 * substances or of its classes' names.
 */
function textAllergyMatch(catalogue: DrugCatalogue, text: string, atc: string): Match | null {
  const phrases = [
    text.replace(/\([^)]*\)/g, ' '),
    ...[...text.matchAll(/\(([^)]*)\)/g)].map((m) => m[1] ?? ''),
  ];
  const { innWords, classWords } = catalogue.vocabulary(atc);
  for (const phrase of phrases) {
    const words = searchWords(phrase).filter((word) => word.length >= 5);
    if (words.length === 0) continue;
    if (words.every((word) => innWords.includes(word)))
      return { kind: 'allergy', group: null, substance: catalogue.substances(atc)[0]?.name ?? null };
    if (words.every((word) => innWords.includes(word) || classWords.has(word))) {
      const group = catalogue
        .groupsOf(atc)
        .reverse()
        .find((candidate) =>
          words.some((word) =>
            searchWords(`${candidate.fr} ${candidate.en} ${(candidate.synonyms ?? []).join(' ')}`).includes(
              word,
            ),
          ),
        );
      return { kind: 'allergy', group: group ? catalogue.groupLabel(group.code) : null, substance: null };
    }
  }
  return null;
}

function allergyMatch(catalogue: DrugCatalogue, allergy: KnownAllergy, atc: string): Match | null {
  let best: Match | null = null;
  for (const code of allergy.atcCodes) {
    const match = codedAllergyMatch(catalogue, code, atc);
    if (match?.kind === 'allergy') return match;
    best ??= match;
  }
  if (allergy.atcCodes.length === 0 && allergy.text) return textAllergyMatch(catalogue, allergy.text, atc);
  return best;
}

/** The class or the medicine an allergy is coded with, named in each language. */
function allergyLabels(catalogue: DrugCatalogue, code: string | undefined): Labels | null {
  if (!code) return null;
  const group = catalogue.groupLabel(code);
  if (group) return { fr: group.fr, ar: group.ar, en: group.en };
  const medication = catalogue.medication(code);
  return medication ? { fr: medication.inn, ar: medication.inn, en: medication.en } : null;
}

interface Duplicate {
  kind: 'duplicateSubstance' | 'duplicateClass';
  group: AtcGroupLabel | null;
  substance: string | null;
}

function duplicateOf(catalogue: DrugCatalogue, atc: string, other: string): Duplicate | null {
  const shared = catalogue
    .substances(atc)
    .find((substance) => catalogue.substances(other).some((candidate) => candidate.key === substance.key));
  if (shared || atc === other)
    return { kind: 'duplicateSubstance', group: null, substance: shared?.name ?? catalogue.name(atc).inn };
  const chemical = atc.slice(0, 5);
  if (atc.length >= 5 && other.slice(0, 5) === chemical && !isResidualGroup(chemical))
    return { kind: 'duplicateClass', group: catalogue.groupLabel(chemical), substance: null };
  return null;
}

/** The warnings for a prescription of `items`, given the patient's allergies and current medicines. */
export function prescriptionWarnings(
  catalogue: DrugCatalogue,
  items: readonly ProposedItem[],
  context: { allergies: readonly KnownAllergy[]; taken: readonly TakenMedication[] },
): PrescriptionWarning[] {
  const warnings: PrescriptionWarning[] = [];
  const seen = new Set<string>();
  const add = (warning: PrescriptionWarning) => {
    if (seen.has(warning.id)) return;
    seen.add(warning.id);
    warnings.push(warning);
  };
  items.forEach((item, itemIndex) => {
    const drug = catalogue.name(item.atc);
    for (const allergy of context.allergies) {
      const match = allergyMatch(catalogue, allergy, item.atc);
      if (!match) continue;
      add({
        id: `${match.kind}:${allergy.id}:${item.atc}`,
        kind: match.kind,
        severity: match.kind === 'allergy' ? 'high' : 'moderate',
        itemIndex,
        drug,
        allergy: {
          id: allergy.id,
          text: allergy.text,
          code: allergy.atcCodes[0] ?? null,
          labels: allergyLabels(catalogue, allergy.atcCodes[0]),
          criticality: allergy.criticality,
        },
        other: null,
        group: match.group,
        substance: match.substance,
      });
    }
    for (const taken of context.taken) {
      if (!taken.atc) continue;
      const duplicate = duplicateOf(catalogue, item.atc, taken.atc);
      if (!duplicate) continue;
      add({
        id: `${duplicate.kind}:${item.atc}:MedicationRequest/${taken.id}`,
        kind: duplicate.kind,
        severity: duplicate.kind === 'duplicateSubstance' ? 'high' : 'moderate',
        itemIndex,
        drug,
        allergy: null,
        other: {
          medicationRequestId: taken.id,
          itemIndex: null,
          drug: catalogue.medication(taken.atc) ? catalogue.name(taken.atc) : null,
          text: taken.text,
        },
        group: duplicate.group,
        substance: duplicate.substance,
      });
    }
    items.forEach((other, otherIndex) => {
      if (otherIndex >= itemIndex) return;
      const duplicate = duplicateOf(catalogue, item.atc, other.atc);
      if (!duplicate) return;
      const otherDrug = catalogue.name(other.atc);
      add({
        id: `${duplicate.kind}:${[other.atc, item.atc].sort().join(':')}`,
        kind: duplicate.kind,
        severity: duplicate.kind === 'duplicateSubstance' ? 'high' : 'moderate',
        itemIndex,
        drug,
        allergy: null,
        other: { medicationRequestId: null, itemIndex: otherIndex, drug: otherDrug, text: otherDrug.inn },
        group: duplicate.group,
        substance: duplicate.substance,
      });
    });
  });
  return warnings;
}
