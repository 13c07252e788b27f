/**
 * What the chart's coded lists (problems, allergies) share: the list loaded when its tab is first
 * shown, one draft open at a time (new with N, or an entry being changed), the table, and the
 * form's panel where Ctrl+S saves and Escape cancels.
 */
import { Loader, Paper, Stack, Table, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useCallback, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLoaded, type Loaded } from '../care/use-loaded';
import { ErrorAlert } from '../errors/ErrorAlert';
import { useChartEscape } from './chart-escape';
import { FormActions } from './FormActions';
import { ListTabHeader } from './ListTabHeader';

/** The list, its open draft, and `saved()`: the draft closed, the list and the chart reloaded. */
export function useEditableList<T, D>(load: () => Promise<T[]>, active: boolean, onChanged: () => void) {
  const { state, reload } = useLoaded(load, active);
  const [draft, setDraft] = useState<D | null>(null);
  const saved = useCallback(() => {
    setDraft(null);
    reload();
    onChanged();
  }, [reload, onChanged]);
  return { state, reload, draft, setDraft, saved };
}

export interface ListNames {
  list: 'problems' | 'allergies';
  item: 'problem' | 'allergy';
}

interface EditableListProps<T> {
  list: { state: Loaded<T[]>; reload(): void; draft: unknown };
  /** Names its strings (chart.<list>.title, .new) and test ids (<list>-tab, <item>-new, <item>-list). */
  names: ListNames;
  active: boolean;
  writable: boolean;
  onNew(): void;
  /** The open draft's form. */
  form: ReactNode;
  /** Shown above the list (an action's error). */
  notice?: ReactNode;
  empty: string;
  headers: string[];
  row(item: T): ReactNode;
}

export function EditableList<T>({
  list,
  names,
  active,
  writable,
  onNew,
  form,
  notice,
  empty,
  headers,
  row,
}: EditableListProps<T>) {
  const { t } = useTranslation();
  const { state, reload, draft } = list;
  if (state.status === 'loading') return <Loader aria-label={t('chart.loading')} />;
  if (state.status === 'error') return <ErrorAlert error={state.error} onRetry={reload} />;
  return (
    <Stack gap="md" data-testid={`${names.list}-tab`}>
      <ListTabHeader
        title={t(`chart.${names.list}.title`)}
        newLabel={t(`chart.${names.list}.new`)}
        active={active}
        canAdd={writable && !draft}
        onNew={onNew}
        testId={`${names.item}-new`}
      />
      {draft !== null && form}
      {notice}
      {state.value.length === 0 ? (
        <Text c="dimmed">{empty}</Text>
      ) : (
        <Table verticalSpacing="xs" data-testid={`${names.item}-list`}>
          <Table.Thead>
            <Table.Tr>
              {headers.map((header) => (
                <Table.Th key={header}>{header}</Table.Th>
              ))}
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>{state.value.map(row)}</Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** A coded entry's save: tried once (its errors then shown), busy while the services work, their error kept. */
export function useEntrySave() {
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function save(valid: boolean, call: () => Promise<unknown>, done: () => void): Promise<void> {
    setTried(true);
    if (!valid) return;
    setSaving(true);
    setError(null);
    try {
      await call();
      done();
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  }
  return { tried, saving, error, save };
}

interface EntryFormProps {
  /** Its strings (chart.<list>.save) and test ids (<item>-form, <item>-save). */
  names: ListNames;
  active: boolean;
  saving: boolean;
  error: unknown;
  onSave(): void;
  onCancel(): void;
  children: ReactNode;
}

/** A coded entry's form: Ctrl+S saves, Escape (taken before the chart's) cancels. */
export function EntryForm({ names, active, saving, error, onSave, onCancel, children }: EntryFormProps) {
  const { t } = useTranslation();
  useHotkeys(active ? [['mod+s', onSave]] : [], []);
  useChartEscape(active, () => {
    onCancel();
    return true;
  });
  return (
    <Paper withBorder radius="md" p="md" data-testid={`${names.item}-form`}>
      <Stack gap="sm">
        {children}
        {error !== null && <ErrorAlert error={error} />}
        <FormActions
          saveLabel={t(`chart.${names.list}.save`)}
          saving={saving}
          onSave={onSave}
          onCancel={onCancel}
          testId={`${names.item}-save`}
        />
      </Stack>
    </Paper>
  );
}
