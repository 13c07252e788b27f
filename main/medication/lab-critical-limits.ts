/**
 * Critical ("panic") limits: results beyond them are flagged HH or LL (v3-ObservationInterpretation
 * "critical high/low") and shown as critical, besides H and L against the reference range. Values
 * in the units of resources/terminology/lab-tests.json, of the order laboratories publish as
 * thresholds that must be phoned to the prescriber (potassium below 2.8 or above 6.2 mmol/L,
 * sodium below 120 or above 160, glucose below 0.4 or above 4.5 g/L, haemoglobin below 7 g/dL…).
 * Like the reference ranges they sit beside, they were assembled by the Tabib team as typical
 * adult values: each laboratory sets its own, and the laboratory's interpretation, when the
 * result carries one, always wins.
 */
export interface CriticalLimits {
  low?: number;
  high?: number;
}

export const criticalLimits: Readonly<Record<string, CriticalLimits>> = {
  // Kaliémie, mmol/L
  '2823-3': { low: 2.8, high: 6.2 },
  // Natrémie, mmol/L
  '2951-2': { low: 120, high: 160 },
  // Glycémie à jeun, g/L
  '1558-6': { low: 0.4, high: 4.5 },
  // Hémoglobine, g/dL
  '718-7': { low: 7, high: 20 },
  // Plaquettes, 10³/µL
  '777-3': { low: 20, high: 1000 },
  // Globules blancs, 10³/µL
  '6690-2': { low: 2, high: 30 },
  // Calcémie, mg/L
  '17861-6': { low: 65, high: 130 },
  // INR
  '6301-6': { high: 5 },
  // Débit de filtration glomérulaire estimé, mL/min/1,73 m²
  '62238-1': { low: 15 },
};
