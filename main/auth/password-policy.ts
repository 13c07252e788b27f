/**
 * What a password must be (NIST SP 800-63B §5.1.1.2: length over composition rules): at least
 * PASSWORD_MIN_LENGTH characters (Unicode code points, after NFKC), and not the user name, nor
 * containing it. The refusal is PASSWORD_TOO_WEAK with the broken rule in its details; the renderer
 * says it in the user's language.
 */
import { PASSWORD_MIN_LENGTH } from '../contract/auth-types';
import { TabibError } from '../errors';

export { PASSWORD_MIN_LENGTH };

export type PasswordRule = 'tooShort' | 'containsUsername';

export function passwordProblem(password: string, username: string): PasswordRule | null {
  const normalised = password.normalize('NFKC');
  if ([...normalised].length < PASSWORD_MIN_LENGTH) return 'tooShort';
  const name = username.trim().normalize('NFKC').toLowerCase();
  if (name.length > 0 && normalised.toLowerCase().includes(name)) return 'containsUsername';
  return null;
}

export function assertPasswordAcceptable(password: string, username: string): void {
  const rule = passwordProblem(password, username);
  if (rule)
    throw new TabibError(
      'PASSWORD_TOO_WEAK',
      rule === 'tooShort'
        ? `A password needs at least ${PASSWORD_MIN_LENGTH} characters`
        : 'A password must not contain the user name',
      { rule, minLength: PASSWORD_MIN_LENGTH },
    );
}
