/**
 * The demonstration facility and its staff: one primary-care centre per country (as the ministry's
 * network names them: Moroccan "centre de santé urbain", Algerian EPSP polyclinic, Tunisian
 * "centre de santé de base") with three doctors, a nurse and a midwife. Fixed ids, so seeding twice
 * updates the same staff rather than adding another team. The people are fictitious.
 */
import type { HumanName, Organization, Practitioner, Reference } from '@medplum/fhirtypes';
import type { Country } from '../../contract/types';
import { SYSTEM, coded } from './fhir-coding';

/** The doctor a demonstration workstation acts as until sign-in exists (main/record/record-service.ts). */
export const DEMO_ACTOR_ID = 'de300000-0d00-8000-8000-000000000001';
export const DEMO_ACTOR_DISPLAY = 'Dr Salma Haddad';
export const DEMO_ORGANIZATION_ID = 'de300000-0f00-8000-8000-000000000001';
/** The facility code of the demonstration (DEMO_FACILITY in main/setup/workstation-setup.ts). */
const DEMO_FACILITY_CODE = 'demo';

type StaffRole = 'doctor' | 'nurse' | 'midwife';

interface StaffMember {
  role: StaffRole;
  gender: 'male' | 'female';
  latin: [given: string, family: string];
  arabic: [given: string, family: string];
}

/** The lead doctor has the same name everywhere, so DEMO_ACTOR_DISPLAY holds for every country. */
const lead: StaffMember = {
  role: 'doctor',
  gender: 'female',
  latin: ['Salma', 'Haddad'],
  arabic: ['سلمى', 'حداد'],
};

const staff: Record<Country, StaffMember[]> = {
  MA: [
    lead,
    { role: 'doctor', gender: 'male', latin: ['Youssef', 'El Idrissi'], arabic: ['يوسف', 'الإدريسي'] },
    { role: 'doctor', gender: 'female', latin: ['Khadija', 'Bennani'], arabic: ['خديجة', 'بناني'] },
    { role: 'nurse', gender: 'male', latin: ['Hicham', 'Ait Taleb'], arabic: ['هشام', 'آيت الطالب'] },
    {
      role: 'midwife',
      gender: 'female',
      latin: ['Fatima Zahra', 'Alaoui'],
      arabic: ['فاطمة الزهراء', 'العلوي'],
    },
  ],
  DZ: [
    lead,
    { role: 'doctor', gender: 'male', latin: ['Karim', 'Brahimi'], arabic: ['كريم', 'براهيمي'] },
    { role: 'doctor', gender: 'female', latin: ['Amina', 'Mansouri'], arabic: ['أمينة', 'منصوري'] },
    { role: 'nurse', gender: 'male', latin: ['Sofiane', 'Meziane'], arabic: ['سفيان', 'مزيان'] },
    { role: 'midwife', gender: 'female', latin: ['Kheira', 'Belhadj'], arabic: ['خيرة', 'بلحاج'] },
  ],
  TN: [
    lead,
    { role: 'doctor', gender: 'male', latin: ['Mehdi', 'Trabelsi'], arabic: ['مهدي', 'الطرابلسي'] },
    { role: 'doctor', gender: 'female', latin: ['Emna', 'Gharbi'], arabic: ['آمنة', 'الغربي'] },
    { role: 'nurse', gender: 'male', latin: ['Bilel', 'Jlassi'], arabic: ['بلال', 'الجلاصي'] },
    { role: 'midwife', gender: 'female', latin: ['Fatma', 'Ayari'], arabic: ['فاطمة', 'العياري'] },
  ],
};

const facility: Record<
  Country,
  { name: string; alias: string; line: string; city: string; district: string; state: string; phone: string }
> = {
  MA: {
    name: 'Centre de santé urbain Hay Riad (démonstration)',
    alias: 'المركز الصحي الحضري حي الرياض (عرض توضيحي)',
    line: 'Hay Riad, avenue Annakhil',
    city: 'Rabat',
    district: 'Préfecture de Rabat',
    state: 'Rabat-Salé-Kénitra',
    phone: '+212537000000',
  },
  DZ: {
    name: 'Polyclinique de Bab El Oued, EPSP (démonstration)',
    alias: 'العيادة المتعددة الخدمات باب الوادي (عرض توضيحي)',
    line: 'boulevard Colonel Lotfi',
    city: 'Bab El Oued',
    district: 'Bab El Oued',
    state: 'Alger',
    phone: '+21323000000',
  },
  TN: {
    name: 'Centre de santé de base El Menzah (démonstration)',
    alias: 'مركز الصحة الأساسية المنزه (عرض توضيحي)',
    line: 'rue Ibn Khaldoun, El Menzah',
    city: 'Tunis',
    district: 'El Menzah',
    state: 'Tunis',
    phone: '+21671000000',
  },
};

const qualification: Record<StaffRole, { code: string; display: string; text: string }> = {
  doctor: { code: 'MD', display: 'Doctor of Medicine', text: 'Médecin généraliste' },
  nurse: { code: 'RN', display: 'Registered Nurse', text: 'Infirmier polyvalent' },
  midwife: { code: 'CNM', display: 'Certified Nurse Midwife', text: 'Sage-femme' },
};

export function humanNames(
  latin: [string, string],
  arabic: [string, string],
  prefix?: [string, string],
): HumanName[] {
  return [
    {
      use: 'official',
      family: latin[1],
      given: latin[0].split(' '),
      ...(prefix ? { prefix: [prefix[0]] } : {}),
    },
    {
      use: 'official',
      family: arabic[1],
      given: arabic[0].split(' '),
      ...(prefix ? { prefix: [prefix[1]] } : {}),
      extension: [{ url: SYSTEM.humanNameLanguage, valueCode: 'ar' }],
    },
  ];
}

/** Who a practitioner is in the clinic, read from the qualification this module gives them. */
export function staffRole(practitioner: Practitioner): StaffRole | null {
  const code = practitioner.qualification?.[0]?.code.coding?.[0]?.code;
  for (const [role, entry] of Object.entries(qualification))
    if (entry.code === code) return role as StaffRole;
  return null;
}

/** "Dr Salma Haddad", or the nurse's plain name: how a reference displays the person. */
export function practitionerDisplay(practitioner: Practitioner): string {
  const name = practitioner.name?.[0];
  const full = [...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
  return staffRole(practitioner) === 'doctor' ? `Dr ${full}` : full;
}

export function demoFacilityName(country: Country): string {
  return facility[country].name;
}

export function generateDemoPractitioners({ country, now }: { country: Country; now: Date }): {
  organization: Organization;
  practitioners: Practitioner[];
} {
  // As the national record would have stamped them when the facility was registered.
  const lastUpdated = new Date(now.getTime() - 400 * 86_400_000).toISOString();
  const site = facility[country];
  const organization: Organization = {
    resourceType: 'Organization',
    id: DEMO_ORGANIZATION_ID,
    meta: { versionId: '1', lastUpdated },
    identifier: [{ system: 'urn:tabib:facility', value: DEMO_FACILITY_CODE }],
    active: true,
    type: [coded(SYSTEM.organizationType, 'prov', 'Healthcare Provider')],
    name: site.name,
    alias: [site.alias],
    telecom: [{ system: 'phone', value: site.phone, use: 'work' }],
    address: [
      {
        use: 'work',
        line: [site.line],
        city: site.city,
        district: site.district,
        state: site.state,
        country,
      },
    ],
  };
  const practitioners = staff[country].map((member, index): Practitioner => {
    const role = qualification[member.role];
    return {
      resourceType: 'Practitioner',
      id: `de300000-0d00-8000-8000-${(index + 1).toString(16).padStart(12, '0')}`,
      meta: { versionId: '1', lastUpdated },
      identifier: [
        {
          system: 'urn:tabib:demo:practitioner',
          value: `${country}-DEMO-${String(index + 1).padStart(4, '0')}`,
        },
      ],
      active: true,
      name: humanNames(member.latin, member.arabic, member.role === 'doctor' ? ['Dr', 'د.'] : undefined),
      gender: member.gender,
      qualification: [{ code: { ...coded(SYSTEM.degree, role.code, role.display), text: role.text } }],
    };
  });
  return { organization, practitioners };
}

/** The staff as patients' records reference them, sorted by role once per list. */
export type StaffReference = Reference<Practitioner>;

export interface Staff {
  doctors: StaffReference[];
  nurses: StaffReference[];
}

const staffCache = new WeakMap<Practitioner[], Staff>();

export function staffOf(practitioners: Practitioner[]): Staff {
  const cached = staffCache.get(practitioners);
  if (cached) return cached;
  const reference = (practitioner: Practitioner): StaffReference => ({
    reference: `Practitioner/${practitioner.id}`,
    display: practitionerDisplay(practitioner),
  });
  const doctors = practitioners.filter((p) => staffRole(p) === 'doctor').map(reference);
  const nurses = practitioners
    .filter((p) => staffRole(p) === 'nurse' || staffRole(p) === 'midwife')
    .map(reference);
  const all = practitioners.map(reference);
  if (all.length === 0)
    throw new RangeError('generatePatientRecord needs the facility staff (generateDemoPractitioners)');
  const staff = { doctors: doctors.length > 0 ? doctors : all, nurses: nurses.length > 0 ? nurses : all };
  staffCache.set(practitioners, staff);
  return staff;
}
