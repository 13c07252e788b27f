/**
 * What a patient can be allergic to, as the chart codes it:
 * - a medicine: its ATC code (WHO ATC index) from resources/terminology/medications.json;
 * - a class of medicines (penicillins, NSAIDs…): its ATC group, listed here, since an allergy to
 *   one penicillin is an allergy to the class (the demonstration records J01C "Pénicillines");
 * - a food or something in the environment: Tabib's own short list (system `urn:tabib:allergen`),
 *   the allergens a Maghreb primary-care record meets most; anything else is recorded as text.
 */
import type { AllergenHit, AllergyCategory } from '../contract/chart-types';

export const ATC_SYSTEM = 'http://www.whocc.no/atc';
export const ALLERGEN_SYSTEM = 'urn:tabib:allergen';

interface ListedAllergen {
  code: string;
  fr: string;
  ar: string;
  en: string;
}

/** ATC groups (levels 2–4) an allergy is commonly recorded against (WHO ATC index titles in English). */
export const drugClassAllergens: ListedAllergen[] = [
  { code: 'J01C', fr: 'Pénicillines', ar: 'البنسلينات', en: 'Beta-lactam antibacterials, penicillins' },
  {
    code: 'J01D',
    fr: 'Céphalosporines et autres bêta-lactamines',
    ar: 'السيفالوسبورينات وبيتا لاكتامات أخرى',
    en: 'Other beta-lactam antibacterials (cephalosporins)',
  },
  {
    code: 'J01E',
    fr: 'Sulfamides et triméthoprime',
    ar: 'السلفوناميدات والتريميثوبريم',
    en: 'Sulfonamides and trimethoprim',
  },
  { code: 'J01F', fr: 'Macrolides', ar: 'الماكروليدات', en: 'Macrolides, lincosamides and streptogramins' },
  { code: 'J01M', fr: 'Quinolones', ar: 'الكينولونات', en: 'Quinolone antibacterials' },
  {
    code: 'M01A',
    fr: 'Anti-inflammatoires non stéroïdiens (AINS)',
    ar: 'مضادات الالتهاب غير الستيرويدية',
    en: 'Antiinflammatory and antirheumatic products, non-steroids',
  },
  {
    code: 'N02BA',
    fr: 'Salicylés (aspirine)',
    ar: 'الساليسيلات (الأسبرين)',
    en: 'Salicylic acid and derivatives',
  },
  { code: 'N02A', fr: 'Opioïdes', ar: 'المواد الأفيونية', en: 'Opioids' },
  { code: 'N01B', fr: 'Anesthésiques locaux', ar: 'المخدرات الموضعية', en: 'Anesthetics, local' },
  { code: 'V08', fr: 'Produits de contraste', ar: 'مواد التباين', en: 'Contrast media' },
];

/** Foods and environmental allergens, with Tabib's codes. */
export const otherAllergens: (ListedAllergen & { category: 'food' | 'environment' })[] = [
  { code: 'peanut', category: 'food', fr: 'Arachide', ar: 'الفول السوداني', en: 'Peanut' },
  { code: 'tree-nuts', category: 'food', fr: 'Fruits à coque', ar: 'المكسرات', en: 'Tree nuts' },
  { code: 'egg', category: 'food', fr: 'Œuf', ar: 'البيض', en: 'Egg' },
  {
    code: 'cow-milk-protein',
    category: 'food',
    fr: 'Protéines du lait de vache',
    ar: 'بروتينات حليب البقر',
    en: 'Cow’s milk protein',
  },
  { code: 'fish', category: 'food', fr: 'Poisson', ar: 'السمك', en: 'Fish' },
  {
    code: 'shellfish',
    category: 'food',
    fr: 'Crustacés et fruits de mer',
    ar: 'القشريات وثمار البحر',
    en: 'Shellfish',
  },
  { code: 'wheat', category: 'food', fr: 'Blé (gluten)', ar: 'القمح (الغلوتين)', en: 'Wheat (gluten)' },
  { code: 'sesame', category: 'food', fr: 'Sésame', ar: 'السمسم', en: 'Sesame' },
  {
    code: 'house-dust-mite',
    category: 'environment',
    fr: 'Acariens',
    ar: 'عث الغبار المنزلي',
    en: 'House dust mites',
  },
  {
    code: 'olive-pollen',
    category: 'environment',
    fr: 'Pollen d’olivier',
    ar: 'حبوب لقاح الزيتون',
    en: 'Olive tree pollen',
  },
  {
    code: 'grass-pollen',
    category: 'environment',
    fr: 'Pollen de graminées',
    ar: 'حبوب لقاح النجيليات',
    en: 'Grass pollen',
  },
  { code: 'cat-dander', category: 'environment', fr: 'Poils de chat', ar: 'وبر القطط', en: 'Cat dander' },
  {
    code: 'hymenoptera-venom',
    category: 'environment',
    fr: 'Venin d’hyménoptères (abeille, guêpe)',
    ar: 'سم غشائيات الأجنحة (النحل، الدبابير)',
    en: 'Hymenoptera venom (bee, wasp)',
  },
  { code: 'latex', category: 'environment', fr: 'Latex', ar: 'اللاتكس', en: 'Latex' },
  { code: 'mould', category: 'environment', fr: 'Moisissures', ar: 'العفن', en: 'Moulds' },
  { code: 'nickel', category: 'environment', fr: 'Nickel', ar: 'النيكل', en: 'Nickel' },
];

/** The catalogue as search hits: classes and listed allergens first, then each medicine. */
export function allergenCatalogue(
  medicines: readonly { atc: string; inn: string; en: string }[],
): AllergenHit[] {
  const classes = drugClassAllergens.map((entry): AllergenHit => ({
    system: ATC_SYSTEM,
    code: entry.code,
    kind: 'drugClass',
    category: 'medication',
    labels: { fr: entry.fr, ar: entry.ar, en: entry.en },
  }));
  const others = otherAllergens.map((entry): AllergenHit => ({
    system: ALLERGEN_SYSTEM,
    code: entry.code,
    kind: entry.category,
    category: entry.category satisfies AllergyCategory,
    labels: { fr: entry.fr, ar: entry.ar, en: entry.en },
  }));
  // A medicine's French name is its INN (DCI); drug names are written in Latin script in the Arabic interface too.
  const drugs = medicines.map((medicine): AllergenHit => ({
    system: ATC_SYSTEM,
    code: medicine.atc,
    kind: 'medication',
    category: 'medication',
    labels: { fr: capitalise(medicine.inn), en: capitalise(medicine.en) },
  }));
  return [...classes, ...others, ...drugs];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
