import { AppShell, Box } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useState } from 'react';
import { PatientsScreen } from '../patients/PatientsScreen';
import { AdministrationScreen } from '../screens/AdministrationScreen';
import { PlannedScreen } from '../screens/PlannedScreen';
import { UpdateInstallPrompt } from '../update/UpdateInstallPrompt';
import { NavBar } from './NavBar';
import { sections, type Section } from './sections';
import { TopBar } from './TopBar';

export function Frame() {
  const [section, setSection] = useState<Section>('patients');
  // Also from a text field (no tags ignored): the patient search keeps the focus, and Alt+digit types nothing.
  useHotkeys(
    sections.map((value, index) => [`alt+${index + 1}`, () => setSection(value)]),
    [],
  );
  return (
    <AppShell header={{ height: 64 }} navbar={{ width: 250, breakpoint: 0 }} padding="lg">
      <AppShell.Header>
        <TopBar />
      </AppShell.Header>
      <AppShell.Navbar>
        <NavBar active={section} onSelect={setSection} />
      </AppShell.Navbar>
      <AppShell.Main data-testid="main">
        {/* Kept mounted while hidden: the patient a doctor had open is still there when they come back. */}
        <Box hidden={section !== 'patients'}>
          <PatientsScreen active={section === 'patients'} />
        </Box>
        {section === 'administration' ? (
          <AdministrationScreen />
        ) : (
          section !== 'patients' && <PlannedScreen section={section} />
        )}
      </AppShell.Main>
      <UpdateInstallPrompt />
    </AppShell>
  );
}
