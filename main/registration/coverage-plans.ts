/**
 * The health insurance schemes of a country (resources/countries/<country>-coverages.json): the
 * plans a patient may be covered by (Morocco's AMO schemes, Algeria's CNAS and CASNOS, Tunisia's
 * CNAM filières and free medical assistance…) and who pays. Data from the disk: validated once, here.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { countries, type Country } from '../contract/types';
import type { CoveragePlansView, CoveragePlanView } from '../contract/registration-types';
import { TabibError } from '../errors';
import { readResourceJson } from '../record/identity/resource-file';

const localised = z.object({ fr: z.string().min(1), ar: z.string().min(1), en: z.string().min(1) }).strict();
const systemUri = z.string().regex(/^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$/i, 'an absolute URI (urn:…)');

const coveragesFile = z
  .object({
    $comment: z.string().optional(),
    source: z.string().min(1),
    country: z.enum(countries),
    payors: z
      .array(
        z
          .object({
            code: z.string().regex(/^[A-Z][A-Z0-9-]{1,31}$/),
            /** Identifier.system of the member numbers this payor gives. */
            memberSystem: systemUri,
            name: localised,
          })
          .strict(),
      )
      .min(1),
    plans: z
      .array(
        z
          .object({
            code: z.string().regex(/^[A-Z]{2}-[A-Z0-9-]{2,40}$/),
            payor: z.string(),
            kind: z.enum(['mandatory', 'assistance', 'military', 'private']),
            insurerNamed: z.boolean().default(false),
            name: localised,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export interface CoveragePayor {
  code: string;
  memberSystem: string;
  name: CoveragePlanView['name'];
}

export interface CoveragePlan extends CoveragePlanView {
  payorSystem: string;
  memberSystem: string;
}

export interface CountryCoverages {
  country: Country;
  source: string;
  plans: CoveragePlan[];
  byCode: Map<string, CoveragePlan>;
}

/** Identifier.system of a country's payors (Coverage.payor is a logical reference by identifier). */
export function payorSystem(country: Country): string {
  return `urn:tabib:${country.toLowerCase()}:payor`;
}

const cache = new Map<string, CountryCoverages>();

export function loadCountryCoverages(resourcesDir: string, country: Country): CountryCoverages {
  const path = join(resourcesDir, 'countries', `${country}-coverages.json`);
  let loaded = cache.get(path);
  if (loaded) return loaded;
  const file = readResourceJson(coveragesFile, path, 'coverage plans');
  const problems: string[] = [];
  if (file.country !== country) problems.push(`the file is for ${file.country}, not ${country}`);
  const payors = new Map(file.payors.map((payor) => [payor.code, payor]));
  const plans: CoveragePlan[] = [];
  for (const plan of file.plans) {
    const payor = payors.get(plan.payor);
    if (!payor) {
      problems.push(`${plan.code}: no payor ${plan.payor}`);
      continue;
    }
    if (!plan.code.startsWith(`${country}-`)) problems.push(`${plan.code} is not a ${country} plan`);
    if (plans.some((known) => known.code === plan.code)) problems.push(`${plan.code} appears twice`);
    plans.push({
      code: plan.code,
      name: plan.name,
      payor: { code: payor.code, name: payor.name },
      kind: plan.kind,
      insurerNamed: plan.insurerNamed,
      payorSystem: payorSystem(country),
      memberSystem: payor.memberSystem,
    });
  }
  if (problems.length > 0)
    throw new TabibError('CONFIG_INVALID', `The coverage plans ${path} are not valid`, { path, problems });
  loaded = { country, source: file.source, plans, byCode: new Map(plans.map((plan) => [plan.code, plan])) };
  cache.set(path, loaded);
  return loaded;
}

export function coveragePlansView(coverages: CountryCoverages): CoveragePlansView {
  return {
    country: coverages.country,
    source: coverages.source,
    plans: coverages.plans.map(({ code, name, payor, kind, insurerNamed }) => ({
      code,
      name,
      payor,
      kind,
      insurerNamed,
    })),
  };
}
