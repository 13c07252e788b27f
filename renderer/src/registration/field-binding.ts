import type { FieldKey } from './registration-form-state';

/** How a group of fields (the address, the coverage) reports to the form it is part of. */
export interface FieldBinding<Value> {
  value: Value;
  onChange(value: Value): void;
  /** The field was left: its problem may show from now on. */
  onBlur(field: FieldKey): void;
  /** The localised problem of a field, when it is to be shown. */
  errorOf(field: FieldKey): string | undefined;
  /** Where the form focuses the field that has a problem. */
  fieldRef(field: FieldKey): (element: HTMLInputElement | null) => void;
}
