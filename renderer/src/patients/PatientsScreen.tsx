import './patients.css';
import { Box } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PatientSummary } from '../../../main/contract/types';
import { ChartScreen } from '../chart/ChartScreen';
import { NewPatientButton } from '../registration/NewPatientButton';
import { RegistrationForm } from '../registration/RegistrationForm';
import { PatientSearchPanel } from './PatientSearchPanel';
import { usePatientSearch } from './use-patient-search';

/**
 * The Patients section: find a patient, open the chart, come back to the same list with the same
 * row selected. It stays mounted while another section is shown (`active` false), so a doctor who
 * glances at the appointments comes back to the patient they had open.
 */
export function PatientsScreen({ active }: { active: boolean }) {
  const [text, setText] = useState('');
  /** Raised when the local record gained patients (a national fetch): the shown answer is asked again. */
  const [recordRevision, setRecordRevision] = useState(0);
  const search = usePatientSearch(text, recordRevision);
  /** The selected row, for the list answering `query`; a new list starts on its first row. */
  const [selection, setSelection] = useState({ query: '', index: 0 });
  const [open, setOpen] = useState<PatientSummary | null>(null);
  /** The registration form is on screen (New patient, Alt+N); it opens the new patient's chart. */
  const [registering, setRegistering] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const shownQuery = search.shown?.query ?? '';
  const selected = selection.query === shownQuery ? selection.index : 0;

  // Keyboard-first: the search field has the focus whenever the search is on screen.
  useEffect(() => {
    if (active && !open && !registering) input.current?.focus();
  }, [active, open, registering]);

  const back = useCallback(() => setOpen(null), []);

  if (open) return <ChartScreen key={open.id} patient={open} active={active} onBack={back} />;
  if (registering)
    return (
      <RegistrationForm
        mode={{ kind: 'create' }}
        active={active}
        onSaved={(result) => {
          setRegistering(false);
          setRecordRevision((revision) => revision + 1);
          setOpen(result.patient);
        }}
        onCancel={() => setRegistering(false)}
        onOpenPatient={(patient) => {
          setRegistering(false);
          setOpen(patient);
        }}
      />
    );
  return (
    <Box pos="relative" maw={1100}>
      <Box pos="absolute" top={0} style={{ insetInlineEnd: 0 }}>
        <NewPatientButton active={active} onClick={() => setRegistering(true)} />
      </Box>
      <PatientSearchPanel
        inputRef={input}
        text={text}
        onTextChange={setText}
        search={search}
        selected={selected}
        onSelect={(index) => setSelection({ query: shownQuery, index })}
        onOpen={(hit) => {
          const index = search.shown?.result?.hits.indexOf(hit) ?? -1;
          if (index >= 0) setSelection({ query: shownQuery, index });
          setOpen(hit);
        }}
        active={active}
        onFetched={(patient) => {
          setRecordRevision((revision) => revision + 1);
          setOpen(patient);
        }}
      />
    </Box>
  );
}
