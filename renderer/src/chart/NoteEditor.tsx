import { SimpleGrid, Textarea } from '@mantine/core';
import { memo, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { visitNoteSections, type VisitNote, type VisitNoteSection } from '../../../main/contract/chart-types';

export interface NoteEditorProps {
  /** The note as saved: the editor starts from it (remount it, with a new key, to start again). */
  initial: VisitNote;
  /** Where the editor keeps what is typed, read on save: typing never re-renders the chart. */
  values: RefObject<VisitNote>;
  /** Called on every change; the caller keeps only "something changed" (a state that flips once). */
  onEdited(): void;
  readOnly?: boolean;
}

/**
 * The note's five sections. Each section holds its own text: a keystroke re-renders that one
 * textarea, nothing else (the visit, the chart and the other sections are memoised), so typing
 * stays within a frame even on a long note.
 */
export const NoteEditor = memo(function NoteEditor({
  initial,
  values,
  onEdited,
  readOnly = false,
}: NoteEditorProps) {
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md" verticalSpacing="sm" data-testid="note-editor">
      {visitNoteSections.map((section) => (
        <NoteSection
          key={section}
          section={section}
          initial={initial[section]}
          values={values}
          onEdited={onEdited}
          readOnly={readOnly}
        />
      ))}
    </SimpleGrid>
  );
});

const NoteSection = memo(function NoteSection({
  section,
  initial,
  values,
  onEdited,
  readOnly,
}: {
  section: VisitNoteSection;
  initial: string;
  values: RefObject<VisitNote>;
  onEdited(): void;
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  return (
    <Textarea
      label={t(`chart.visit.section.${section}`)}
      placeholder={t(`chart.visit.placeholder.${section}`)}
      value={text}
      onChange={(event) => {
        const next = event.currentTarget.value;
        setText(next);
        values.current[section] = next;
        onEdited();
      }}
      readOnly={readOnly}
      autosize
      minRows={section === 'reason' ? 2 : 3}
      maxRows={14}
      dir="auto"
      className="tabib-typed"
      data-testid={`note-${section}`}
      data-section={section}
    />
  );
});
