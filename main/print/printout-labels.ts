/**
 * The printed words of a printout, in the practitioner's interface language (the facility header
 * is always French and Arabic: printout-header.ts). Here rather than in the renderer's locale files
 * because the document is made in the services; the type makes a missing translation a compile
 * error. Arabic keeps Latin digits, as everywhere in Tabib.
 */
import type { Language } from '../contract/types';
import type { VitalKind } from '../contract/chart-types';
import type { PrintKind } from '../contract/features/print-contract';

export interface PrintoutLabels {
  title: Record<PrintKind, string>;
  /** The start of a file name (letters, digits and dashes). */
  fileStem: Record<PrintKind, string>;
  /** {{date}}: the document's date. */
  dated: string;
  practitioner: string;
  patient: string;
  birthDate: string;
  age: string;
  sex: string;
  sexes: Record<'male' | 'female' | 'other' | 'unknown', string>;
  identifier: string;
  signature: string;
  recordReference: string;
  printedOn: string;
  nothing: string;
  prescription: {
    authoredOn: string;
    medication: string;
    dosage: string;
    duration: string;
    quantity: string;
    /** {{count}}: how many times it may be dispensed again. */
    repeats: string;
    asNeeded: string;
  };
  referral: {
    to: string;
    specialty: string;
    priority: string;
    priorities: Record<'routine' | 'urgent' | 'asap' | 'stat', string>;
    reason: string;
    letter: string;
    context: string;
    problems: string;
    allergies: string;
    medications: string;
  };
  visit: {
    visitDate: string;
    note: string;
    vitals: string;
    diagnoses: string;
    prescriptions: string;
    primary: string;
  };
  vitals: Record<VitalKind, string>;
  imagingReport: {
    /** The report's parts, also the headings of its plain-text form in the record. */
    sections: Record<'indication' | 'technique' | 'findings' | 'conclusion', string>;
    study: string;
    studyDate: string;
    modality: string;
    status: string;
    statuses: Record<'preliminary' | 'final' | 'amended', string>;
    interpreter: string;
    measurements: string;
    kinds: Record<'length' | 'angle' | 'ellipse' | 'rectangle' | 'probe' | 'arrow', string>;
    /** Pixel statistics of a region: {{mean}}, {{sd}}, {{min}}, {{max}} with their unit. */
    statistics: string;
  };
}

export const printoutLabels: Record<Language, PrintoutLabels> = {
  fr: {
    title: {
      prescription: 'Ordonnance',
      referral: 'Lettre d’orientation',
      visitSummary: 'Compte rendu de consultation',
      imagingReport: 'Compte rendu d’imagerie',
    },
    fileStem: {
      prescription: 'ordonnance',
      referral: 'orientation',
      visitSummary: 'compte-rendu',
      imagingReport: 'compte-rendu-imagerie',
    },
    dated: 'Date : {{date}}',
    practitioner: 'Praticien',
    patient: 'Patient',
    birthDate: 'Date de naissance',
    age: 'Âge',
    sex: 'Sexe',
    sexes: { male: 'Masculin', female: 'Féminin', other: 'Autre', unknown: 'Inconnu' },
    identifier: 'Identifiant',
    signature: 'Signature et cachet',
    recordReference: 'Référence du dossier',
    printedOn: 'Imprimé le {{date}}',
    nothing: 'Néant',
    prescription: {
      authoredOn: 'Prescrit le',
      medication: 'Médicament',
      dosage: 'Posologie',
      duration: 'Durée',
      quantity: 'Quantité',
      repeats: 'Renouvellements : {{count}}',
      asNeeded: 'si besoin',
    },
    referral: {
      to: 'Adressé à',
      specialty: 'Spécialité',
      priority: 'Priorité',
      priorities: { routine: 'Normale', urgent: 'Urgente', asap: 'Dès que possible', stat: 'Immédiate' },
      reason: 'Motif',
      letter: 'Lettre',
      context: 'Contexte clinique',
      problems: 'Problèmes actifs',
      allergies: 'Allergies',
      medications: 'Traitements en cours',
    },
    visit: {
      visitDate: 'Consultation du',
      note: 'Observation',
      vitals: 'Constantes',
      diagnoses: 'Diagnostics',
      prescriptions: 'Prescriptions',
      primary: 'principal',
    },
    vitals: {
      bloodPressure: 'Tension artérielle',
      heartRate: 'Fréquence cardiaque',
      temperature: 'Température',
      weight: 'Poids',
      height: 'Taille',
      bmi: 'Indice de masse corporelle',
      spo2: 'Saturation en oxygène',
      glucose: 'Glycémie capillaire',
    },
    imagingReport: {
      sections: {
        indication: 'Indication',
        technique: 'Technique',
        findings: 'Résultats',
        conclusion: 'Conclusion',
      },
      study: 'Examen',
      studyDate: 'Date de l’examen',
      modality: 'Modalité',
      status: 'Statut',
      statuses: { preliminary: 'Provisoire', final: 'Définitif', amended: 'Rectifié' },
      interpreter: 'Radiologue',
      measurements: 'Mesures',
      kinds: {
        length: 'Longueur',
        angle: 'Angle',
        ellipse: 'Région elliptique',
        rectangle: 'Région rectangulaire',
        probe: 'Valeur ponctuelle',
        arrow: 'Annotation',
      },
      statistics: 'moyenne {{mean}}, écart type {{sd}}, min. {{min}}, max. {{max}}',
    },
  },
  ar: {
    title: {
      prescription: 'وصفة طبية',
      referral: 'رسالة توجيه',
      visitSummary: 'تقرير الاستشارة الطبية',
      imagingReport: 'تقرير التصوير الطبي',
    },
    fileStem: {
      prescription: 'wasfa',
      referral: 'tawjih',
      visitSummary: 'taqrir',
      imagingReport: 'taqrir-ashia',
    },
    dated: 'التاريخ: {{date}}',
    practitioner: 'الطبيب المعالج',
    patient: 'المريض',
    birthDate: 'تاريخ الازدياد',
    age: 'السن',
    sex: 'الجنس',
    sexes: { male: 'ذكر', female: 'أنثى', other: 'آخر', unknown: 'غير معروف' },
    identifier: 'رقم التعريف',
    signature: 'التوقيع والختم',
    recordReference: 'مرجع الملف',
    printedOn: 'طبع بتاريخ {{date}}',
    nothing: 'لا شيء',
    prescription: {
      authoredOn: 'تاريخ الوصفة',
      medication: 'الدواء',
      dosage: 'طريقة الاستعمال',
      duration: 'المدة',
      quantity: 'الكمية',
      repeats: 'عدد مرات التجديد: {{count}}',
      asNeeded: 'عند الحاجة',
    },
    referral: {
      to: 'موجه إلى',
      specialty: 'التخصص',
      priority: 'الأولوية',
      priorities: { routine: 'عادية', urgent: 'مستعجلة', asap: 'في أقرب وقت', stat: 'فورية' },
      reason: 'سبب التوجيه',
      letter: 'الرسالة',
      context: 'السياق السريري',
      problems: 'المشاكل الصحية الحالية',
      allergies: 'الحساسية',
      medications: 'العلاجات الجارية',
    },
    visit: {
      visitDate: 'استشارة بتاريخ',
      note: 'الملاحظة الطبية',
      vitals: 'العلامات الحيوية',
      diagnoses: 'التشخيصات',
      prescriptions: 'الوصفات',
      primary: 'رئيسي',
    },
    vitals: {
      bloodPressure: 'ضغط الدم',
      heartRate: 'نبض القلب',
      temperature: 'درجة الحرارة',
      weight: 'الوزن',
      height: 'الطول',
      bmi: 'مؤشر كتلة الجسم',
      spo2: 'تشبع الأكسجين',
      glucose: 'سكر الدم الشعيري',
    },
    imagingReport: {
      sections: {
        indication: 'دواعي الفحص',
        technique: 'التقنية',
        findings: 'النتائج',
        conclusion: 'الخلاصة',
      },
      study: 'الفحص',
      studyDate: 'تاريخ الفحص',
      modality: 'نوع التصوير',
      status: 'الحالة',
      statuses: { preliminary: 'أولي', final: 'نهائي', amended: 'معدل' },
      interpreter: 'طبيب الأشعة',
      measurements: 'القياسات',
      kinds: {
        length: 'الطول',
        angle: 'الزاوية',
        ellipse: 'منطقة بيضوية',
        rectangle: 'منطقة مستطيلة',
        probe: 'قيمة نقطية',
        arrow: 'تعليق',
      },
      statistics: 'المتوسط {{mean}}، الانحراف المعياري {{sd}}، الأدنى {{min}}، الأقصى {{max}}',
    },
  },
  en: {
    title: {
      prescription: 'Prescription',
      referral: 'Referral letter',
      visitSummary: 'Visit summary',
      imagingReport: 'Imaging report',
    },
    fileStem: {
      prescription: 'prescription',
      referral: 'referral',
      visitSummary: 'visit-summary',
      imagingReport: 'imaging-report',
    },
    dated: 'Date: {{date}}',
    practitioner: 'Practitioner',
    patient: 'Patient',
    birthDate: 'Date of birth',
    age: 'Age',
    sex: 'Sex',
    sexes: { male: 'Male', female: 'Female', other: 'Other', unknown: 'Unknown' },
    identifier: 'Identifier',
    signature: 'Signature and stamp',
    recordReference: 'Record reference',
    printedOn: 'Printed on {{date}}',
    nothing: 'None',
    prescription: {
      authoredOn: 'Prescribed on',
      medication: 'Medication',
      dosage: 'Dosage',
      duration: 'Duration',
      quantity: 'Quantity',
      repeats: 'Repeats: {{count}}',
      asNeeded: 'as needed',
    },
    referral: {
      to: 'Referred to',
      specialty: 'Specialty',
      priority: 'Priority',
      priorities: { routine: 'Routine', urgent: 'Urgent', asap: 'As soon as possible', stat: 'Immediate' },
      reason: 'Reason',
      letter: 'Letter',
      context: 'Clinical context',
      problems: 'Active problems',
      allergies: 'Allergies',
      medications: 'Current medications',
    },
    visit: {
      visitDate: 'Visit of',
      note: 'Clinical note',
      vitals: 'Vital signs',
      diagnoses: 'Diagnoses',
      prescriptions: 'Prescriptions',
      primary: 'primary',
    },
    vitals: {
      bloodPressure: 'Blood pressure',
      heartRate: 'Heart rate',
      temperature: 'Temperature',
      weight: 'Weight',
      height: 'Height',
      bmi: 'Body mass index',
      spo2: 'Oxygen saturation',
      glucose: 'Capillary glucose',
    },
    imagingReport: {
      sections: {
        indication: 'Indication',
        technique: 'Technique',
        findings: 'Findings',
        conclusion: 'Conclusion',
      },
      study: 'Study',
      studyDate: 'Study date',
      modality: 'Modality',
      status: 'Status',
      statuses: { preliminary: 'Preliminary', final: 'Final', amended: 'Amended' },
      interpreter: 'Radiologist',
      measurements: 'Measurements',
      kinds: {
        length: 'Length',
        angle: 'Angle',
        ellipse: 'Elliptical region',
        rectangle: 'Rectangular region',
        probe: 'Point value',
        arrow: 'Annotation',
      },
      statistics: 'mean {{mean}}, SD {{sd}}, min {{min}}, max {{max}}',
    },
  },
};

/** Puts values into a label's `{{name}}` placeholders. */
export function fillLabel(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
