/**
 * File names that usually hold credentials: environment files, package-manager and network
 * logins, private keys, cloud credentials. Attachments skip them unless the person asks for them
 * (the composer), and other readers of a person's files (retrieval) can use the same list.
 * Templates meant to be shared (`.env.example`) and public keys (`id_rsa.pub`) are not secret.
 */
const SECRET_NAMES = new Set([".npmrc", ".pypirc", ".netrc", "_netrc", ".git-credentials", ".htpasswd", ".pgpass", ".dockercfg"]);
const SECRET_EXTENSIONS = [".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk"];
const SHARED_ENV_TEMPLATES = /^\.env\.(example|sample|template|dist)$/;

export function isSecretLookingFile(name: string): boolean {
  const base = (name.split(/[\\/]/).at(-1) ?? name).toLowerCase();
  if (SECRET_NAMES.has(base)) return true;
  if (base === ".env" || (base.startsWith(".env.") && !SHARED_ENV_TEMPLATES.test(base))) return true;
  if (SECRET_EXTENSIONS.some((ext) => base.endsWith(ext))) return true;
  if (base.startsWith("id_") && !base.endsWith(".pub")) return true;
  return base.startsWith("credentials");
}
