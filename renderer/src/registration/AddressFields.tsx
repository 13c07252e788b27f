import { Autocomplete, Select, SimpleGrid, TextInput, type OptionsFilter } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { PlacesView, PlaceView } from '../../../main/contract/registration-types';
import type { Language } from '../../../main/contract/types';
import type { FieldBinding } from './field-binding';
import type { FieldKey } from './registration-form-state';

/** Lower case, without accents or hamza forms: "fes" finds "Fès", "الاسماعيلية" finds "الإسماعيلية". */
export function searchable(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[أإآ]/g, 'ا')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Mantine's option filter, without regard to accents, case or punctuation. */
export const placeFilter: OptionsFilter = ({ options, search }) => {
  const wanted = searchable(search);
  if (!wanted) return options;
  return options.filter((option) => 'label' in option && searchable(option.label).includes(wanted));
};

export interface AddressValue {
  path: string[];
  locality: string;
  line: string;
}

export interface AddressFieldsProps extends FieldBinding<AddressValue> {
  places: PlacesView;
  language: Language;
}

function optionsAt(places: PlacesView, path: readonly string[], level: number): PlaceView[] {
  let options = places.places;
  for (let index = 0; index < level; index++) {
    const chosen = options.find((place) => place.code === path[index]);
    if (!chosen) return [];
    options = chosen.children;
  }
  return options;
}

/**
 * The address: each level of the country's divisions chosen from the one above (region →
 * province → commune in Morocco, wilaya → commune in Algeria, gouvernorat → délégation → locality
 * in Tunisia), searchable in the interface's language; the last level is typed where the list
 * does not hold it. Then the street line.
 */
export function AddressFields({
  places,
  language,
  value,
  onChange,
  onBlur,
  errorOf,
  fieldRef,
}: AddressFieldsProps) {
  const { t } = useTranslation();
  const last = places.levels.length - 1;
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: places.levels.length }} spacing="md">
        {places.levels.map((level, index) => {
          const options = optionsAt(places, value.path, index);
          const field = `address.path.${index}` as FieldKey;
          const label = level.label[language];
          if (index < last)
            return (
              <Select
                key={level.key}
                ref={fieldRef(field)}
                label={label}
                placeholder={t('registration.address.choose')}
                searchable
                clearable
                filter={placeFilter}
                nothingFoundMessage={t('registration.address.nothingFound')}
                disabled={index > 0 && !value.path[index - 1]}
                data={options.map((place) => ({ value: place.code, label: place.name[language] }))}
                value={value.path[index] ?? null}
                onChange={(code) =>
                  onChange({
                    ...value,
                    path: code ? [...value.path.slice(0, index), code] : value.path.slice(0, index),
                    locality: '',
                  })
                }
                onBlur={() => onBlur(field)}
                error={errorOf(field)}
                comboboxProps={{ withinPortal: true }}
                data-testid={`address-level-${index}`}
              />
            );
          const chosen = options.find((place) => place.code === value.path[index]);
          return (
            <Autocomplete
              key={level.key}
              ref={fieldRef(field)}
              label={label}
              description={options.length > 0 ? t('registration.address.typeIfMissing') : undefined}
              // The level above says where the typed name belongs: a commune needs its province.
              disabled={index > 0 && !value.path[index - 1]}
              placeholder={
                options.length > 0 ? t('registration.address.chooseOrType') : t('registration.address.type')
              }
              filter={placeFilter}
              data={options.map((place) => place.name[language])}
              value={chosen ? chosen.name[language] : value.locality}
              onChange={(text) => {
                const wanted = searchable(text);
                const match = options.find((place) =>
                  [place.name.fr, place.name.ar, place.name.en].some((name) => searchable(name) === wanted),
                );
                onChange({
                  ...value,
                  path: match ? [...value.path.slice(0, index), match.code] : value.path.slice(0, index),
                  locality: match ? '' : text,
                });
              }}
              onBlur={() => onBlur(field)}
              error={errorOf(field) ?? errorOf('address.locality')}
              comboboxProps={{ withinPortal: true }}
              data-testid={`address-level-${index}`}
            />
          );
        })}
      </SimpleGrid>
      <TextInput
        ref={fieldRef('address.line')}
        label={t('registration.address.line')}
        placeholder={t('registration.address.linePlaceholder')}
        dir="auto"
        value={value.line}
        onChange={(event) => onChange({ ...value, line: event.currentTarget.value })}
        onBlur={() => onBlur('address.line')}
        error={errorOf('address.line')}
        data-testid="address-line"
      />
    </>
  );
}
