/**
 * File names that usually hold credentials (.env, keys, certificates, npm tokens). Collections and
 * attachments skip them, so a secret never lands in a prompt or an index by accident.
 */
const SECRET_NAME_PATTERNS: readonly RegExp[] = [
  /^\.env(\..*)?$/i,
  /\.(pem|key|p12|pfx)$/i,
  /^id_[a-z0-9]+(\.pub)?$/i,
  /^credentials/i,
  /^\.npmrc$/i,
  /^\.netrc$/i,
  /^\.pypirc$/i,
];

/** True for a file name (not a path) that looks like it holds a secret. */
export function isSecretLookingFile(name: string): boolean {
  return SECRET_NAME_PATTERNS.some((pattern) => pattern.test(name));
}
