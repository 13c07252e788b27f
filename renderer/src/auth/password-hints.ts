/**
 * The password policy said inline, as the person types (main/auth/password-policy.ts decides; the
 * same rules here only spare a round trip): at least PASSWORD_MIN_LENGTH characters, not the
 * user name nor containing it.
 */
import type { TFunction } from 'i18next';
import { PASSWORD_MIN_LENGTH } from '../../../main/contract/auth-types';

export function passwordHint(password: string, username: string, t: TFunction): string | null {
  const normalised = password.normalize('NFKC');
  if ([...normalised].length < PASSWORD_MIN_LENGTH)
    return t('auth.passwordRule.tooShort', { min: PASSWORD_MIN_LENGTH });
  const name = username.trim().normalize('NFKC').toLowerCase();
  if (name && normalised.toLowerCase().includes(name)) return t('auth.passwordRule.containsUsername');
  return null;
}
