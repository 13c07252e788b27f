import { AppShell, Box } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useCallback, useState } from 'react';
import { mayShow } from '../auth/section-access';
import { useCan } from '../auth/session-context';
import { CardScreen } from '../card/CardScreen';
import { ImagingNavigationProvider } from '../imaging/imaging-navigation';
import { ImagingScreen } from '../imaging/ImagingScreen';
import { AppointmentsScreen } from '../care/AppointmentsScreen';
import { PatientsScreen } from '../patients/PatientsScreen';
import { AdministrationScreen } from '../screens/AdministrationScreen';
import { ConflictsScreen } from '../sync/ConflictsScreen';
import { SyncStatusProvider } from '../sync/sync-status-context';
import { SyncScreen } from '../sync/SyncScreen';
import { UpdateInstallPrompt } from '../update/UpdateInstallPrompt';
import { NavBar } from './NavBar';
import { CARD_SHORTCUT, sections, type Section, type Screen } from './sections';
import { TopBar } from './TopBar';

export function Frame() {
  // What the practitioner's roles cannot use is neither shown nor reachable by its key.
  const can = useCan();
  // A radiologist (reports, no visits) starts on the imaging worklist; the others on their first section.
  const [section, setSection] = useState<Screen>(() =>
    can('imaging.report') && !can('chart.document')
      ? 'imaging'
      : (sections.find((value) => mayShow(value, can)) ?? 'administration'),
  );
  const show = (screen: Screen) => {
    if (mayShow(screen, can)) setSection(screen);
  };
  // Also from a text field (no tags ignored): the patient search keeps the focus, and Alt+digit
  // or F2 types nothing.
  useHotkeys(
    [
      ...sections.map((value, index): [string, () => void] => [`alt+${index + 1}`, () => show(value)]),
      [CARD_SHORTCUT, () => show('card')],
    ],
    [],
  );
  const showImaging = useCallback(() => {
    if (mayShow('imaging', can)) setSection('imaging');
  }, [can]);
  const inList = (sections as readonly Screen[]).includes(section);
  return (
    <SyncStatusProvider>
      <ImagingNavigationProvider onShowImaging={showImaging}>
        <AppShell header={{ height: 64 }} navbar={{ width: 250, breakpoint: 0 }} padding="lg">
          <AppShell.Header>
            <TopBar
              cardActive={section === 'card'}
              onReadCard={() => setSection('card')}
              onOpenSync={() => setSection('sync')}
            />
          </AppShell.Header>
          <AppShell.Navbar>
            <NavBar active={inList ? (section as Section) : null} onSelect={setSection} />
          </AppShell.Navbar>
          <AppShell.Main data-testid="main">
            {/* Kept mounted while hidden: the patient a doctor had open is still there when they come back. */}
            {can('patient.read') && (
              <Box hidden={section !== 'patients'}>
                <PatientsScreen active={section === 'patients'} />
              </Box>
            )}
            {/* Unmounted when left: what a card held is not kept on screen. */}
            {section === 'card' && <CardScreen active />}
            {section === 'sync' && <SyncScreen onOpenConflicts={() => setSection('conflicts')} />}
            {section === 'conflicts' && <ConflictsScreen onBack={() => setSection('sync')} />}
            {section === 'administration' && <AdministrationScreen />}
            {/* Kept mounted while hidden: the study being read and its unsaved report are still there. */}
            {can('imaging.read') && (
              <Box hidden={section !== 'imaging'}>
                <ImagingScreen active={section === 'imaging'} />
              </Box>
            )}
            {section === 'appointments' && <AppointmentsScreen active />}
          </AppShell.Main>
          <UpdateInstallPrompt />
        </AppShell>
      </ImagingNavigationProvider>
    </SyncStatusProvider>
  );
}
