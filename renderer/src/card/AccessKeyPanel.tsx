import { Button, Group, Kbd, List, Paper, Stack, Tabs, Text, Textarea, TextInput } from '@mantine/core';
import { IconId, IconScan } from '@tabler/icons-react';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CardAccessCheck } from '../../../main/contract/types';
import { invoke, subscribe } from '../tabib-client';
import { KeyboardWedgeDetector } from '../../../main/card/keyboard-wedge';

/** The key that opens the chip, as card.read takes it. */
export type CardAccessKey = { mrz: string[] } | { can: string };

type AccessTab = 'mrz' | 'can';

/** How long typing rests before the key is checked (the services answer in about a millisecond). */
const CHECK_DEBOUNCE_MS = 200;

/** The key's check, for the text it was asked about: an older answer never shows over newer text. */
interface Checked {
  text: string;
  check: CardAccessCheck;
}

function useAccessCheck(tab: AccessTab, text: string): CardAccessCheck | null {
  const [checked, setChecked] = useState<Checked | null>(null);
  useEffect(() => {
    if (text.trim() === '') return;
    let current = true;
    const timer = setTimeout(() => {
      const key = tab === 'mrz' ? { mrz: text.split(/\r\n|\r|\n/).slice(0, 4) } : { can: text };
      invoke('card.checkAccess', key).then(
        (check) => current && setChecked({ text: `${tab}:${text}`, check }),
        () => current && setChecked(null),
      );
    }, CHECK_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [tab, text]);
  return checked && checked.text === `${tab}:${text}` && text.trim() !== '' ? checked.check : null;
}

function Problems({ check, testId }: { check: CardAccessCheck | null; testId: string }) {
  const { t } = useTranslation();
  if (!check || check.valid) return null;
  return (
    <List size="sm" c="red.8" data-testid={testId} aria-live="polite">
      {check.problems.map(({ problem, line }) => (
        <List.Item key={`${problem}:${line ?? ''}`}>
          {line === null
            ? t(`card.access.problem.${problem}`)
            : t('card.access.onLine', { line, problem: t(`card.access.problem.${problem}`) })}
        </List.Item>
      ))}
    </List>
  );
}

export interface AccessKeyPanelProps {
  /** The screen is on view: the MRZ field takes the focus, ready for a scanner. */
  active: boolean;
  busy: boolean;
  /** A valid key, submitted by the person (button or Enter) or scanned (`scanned` true). */
  onKey(key: CardAccessKey, scanned: boolean): void;
}

/**
 * The chip's access key: the MRZ (scanned by a keyboard-wedge scanner into the focused field, or
 * typed), or the 6-digit CAN printed on the card. Checked as it is typed (check digits, layout).
 */
export function AccessKeyPanel({ active, busy, onKey }: AccessKeyPanelProps) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<AccessTab>('mrz');
  const [mrzText, setMrzText] = useState('');
  const [canText, setCanText] = useState('');
  const text = tab === 'mrz' ? mrzText : canText;
  const check = useAccessCheck(tab, text);
  const mrzField = useRef<HTMLTextAreaElement>(null);
  const canField = useRef<HTMLInputElement>(null);
  const detector = useRef(new KeyboardWedgeDetector());

  useEffect(() => {
    if (!active || busy) return;
    if (tab === 'mrz') mrzField.current?.focus();
    else canField.current?.focus();
  }, [active, busy, tab]);

  /** A scan goes to the services as scanned; they clean and check it like a typed one. */
  const takeScan = (lines: string[]) => {
    setMrzText(lines.join('\n'));
    invoke('card.checkAccess', { mrz: lines }).then(
      (scanned) => {
        if (scanned.valid && scanned.mrz) onKey({ mrz: scanned.mrz }, true);
      },
      () => undefined,
    );
  };

  // The administrator's HID document scanner (card.mrzScanned): a scan lands in the MRZ field.
  const [scannerProblem, setScannerProblem] = useState<'unreadable' | 'scannerFailed' | null>(null);
  const takeScanRef = useRef(takeScan);
  useEffect(() => {
    takeScanRef.current = takeScan;
  });
  useEffect(() => {
    if (!active || busy) return;
    return subscribe('card.mrzScanned', (scan) => {
      setScannerProblem(scan.problem);
      if (scan.mrz) {
        setTab('mrz');
        takeScanRef.current(scan.mrz);
      }
    });
  }, [active, busy]);

  const submit = () => {
    if (!check?.valid || busy) return;
    if (check.mrz) onKey({ mrz: check.mrz }, false);
    else if (check.can) onKey({ can: check.can }, false);
  };

  function onMrzKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // The event's own clock (monotonic), not Date.now(): main/card/keyboard-wedge.ts.
    const verdict = detector.current.push({
      key: event.key,
      code: event.code,
      shiftKey: event.shiftKey,
      at: event.timeStamp,
    });
    if (verdict.kind === 'mrz') {
      // The last character is the scan's: the field shows the scanned lines, and they are read.
      event.preventDefault();
      takeScan(verdict.lines);
    } else if (verdict.kind === 'trailing') {
      event.preventDefault();
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      // Ctrl+Enter reads with a typed MRZ (Enter alone starts a new line).
      event.preventDefault();
      submit();
    }
  }

  return (
    <Paper withBorder radius="md" p="lg" data-testid="card-access">
      <Tabs
        value={tab}
        onChange={(value) => {
          if (value === 'mrz' || value === 'can') setTab(value);
        }}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="mrz" leftSection={<IconScan size={16} aria-hidden />} data-testid="card-tab-mrz">
            {t('card.access.mrzTab')}
          </Tabs.Tab>
          <Tabs.Tab value="can" leftSection={<IconId size={16} aria-hidden />} data-testid="card-tab-can">
            {t('card.access.canTab')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="mrz">
          <Stack gap="xs">
            <Textarea
              ref={mrzField}
              label={t('card.access.mrzLabel')}
              description={t('card.access.mrzHint')}
              autosize
              minRows={3}
              maxRows={3}
              autoComplete="off"
              spellCheck={false}
              dir="ltr"
              classNames={{ input: 'tabib-mrz' }}
              value={mrzText}
              disabled={busy}
              onChange={(event) => setMrzText(event.currentTarget.value)}
              onKeyDown={onMrzKeyDown}
              aria-keyshortcuts="Control+Enter"
              data-testid="card-mrz-input"
            />
            <Problems check={check} testId="card-mrz-problems" />
            {scannerProblem && (
              <Text size="sm" c="red.8" role="alert" data-testid="card-scanner-problem">
                {t(`card.access.scanner.${scannerProblem}`)}
              </Text>
            )}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="can">
          <Stack gap="xs">
            <TextInput
              ref={canField}
              label={t('card.access.canLabel')}
              description={t('card.access.canHint')}
              inputMode="numeric"
              autoComplete="off"
              maxLength={7}
              w={220}
              dir="ltr"
              classNames={{ input: 'tabib-can' }}
              value={canText}
              disabled={busy}
              onChange={(event) => setCanText(event.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') {
                  event.preventDefault();
                  submit();
                }
              }}
              aria-keyshortcuts="Enter"
              data-testid="card-can-input"
            />
            <Problems check={check} testId="card-can-problems" />
          </Stack>
        </Tabs.Panel>
      </Tabs>
      <Group mt="md" justify="space-between">
        <Text size="sm" c={check?.valid ? 'teal.8' : 'dimmed'} data-testid="card-access-status">
          {check?.valid
            ? t(check.format ? 'card.access.validMrz' : 'card.access.validCan', { format: check.format })
            : t(tab === 'mrz' ? 'card.access.waitingMrz' : 'card.access.waitingCan')}
        </Text>
        <Button
          onClick={submit}
          disabled={!check?.valid || busy}
          rightSection={<Kbd size="xs">{t(tab === 'mrz' ? 'card.keys.ctrlEnter' : 'card.keys.enter')}</Kbd>}
          data-testid="card-read-button"
        >
          {t('card.read')}
        </Button>
      </Group>
    </Paper>
  );
}
