/**
 * A study date range as the worklist and the PACS search take it: two date pickers, each bounding
 * the other (the start never after the end), cleared on their own.
 */
import { DatePickerInput } from '@mantine/dates';

export interface DateRange {
  from: string | null;
  to: string | null;
}

interface DateRangeInputsProps {
  labels: { from: string; to: string };
  value: DateRange;
  onChange(change: Partial<DateRange>): void;
  /** Test ids: `<testId>-from`, `<testId>-to`. */
  testId: string;
}

export function DateRangeInputs({ labels, value, onChange, testId }: DateRangeInputsProps) {
  return (
    <>
      <DatePickerInput
        label={labels.from}
        value={value.from}
        onChange={(from) => onChange({ from })}
        maxDate={value.to ?? undefined}
        clearable
        valueFormat="D MMM YYYY"
        data-testid={`${testId}-from`}
      />
      <DatePickerInput
        label={labels.to}
        value={value.to}
        onChange={(to) => onChange({ to })}
        minDate={value.from ?? undefined}
        clearable
        valueFormat="D MMM YYYY"
        data-testid={`${testId}-to`}
      />
    </>
  );
}
