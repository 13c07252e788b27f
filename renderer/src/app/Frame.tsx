import { AppShell } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useState } from 'react';
import { AdministrationScreen } from '../screens/AdministrationScreen';
import { PlannedScreen } from '../screens/PlannedScreen';
import { NavBar } from './NavBar';
import { sections, type Section } from './sections';
import { TopBar } from './TopBar';

export function Frame() {
  const [section, setSection] = useState<Section>('patients');
  useHotkeys(sections.map((value, index) => [`alt+${index + 1}`, () => setSection(value)]));
  return (
    <AppShell header={{ height: 64 }} navbar={{ width: 250, breakpoint: 0 }} padding="lg">
      <AppShell.Header>
        <TopBar />
      </AppShell.Header>
      <AppShell.Navbar>
        <NavBar active={section} onSelect={setSection} />
      </AppShell.Navbar>
      <AppShell.Main data-testid="main">
        {section === 'administration' ? <AdministrationScreen /> : <PlannedScreen section={section} />}
      </AppShell.Main>
    </AppShell>
  );
}
