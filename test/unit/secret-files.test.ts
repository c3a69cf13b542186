import { expect, it } from "vitest";
import { isSecretLookingFile } from "../../electron/shared/secret-files.js";

it("names the files that usually hold credentials, wherever they are, and not their shareable cousins", () => {
  const secret = [
    ".env",
    ".env.local",
    "app/.env.production",
    ".npmrc",
    "C:\\\\keys\\\\server.PEM",
    "tls.key",
    "id_rsa",
    ".ssh/id_ed25519",
    "credentials",
    "credentials.json",
    ".git-credentials",
    "cert.p12",
  ];
  const plain = [".env.example", "id_rsa.pub", "keyboard.ts", "environment.ts", "src/keys.ts", "README.md", "monkey.txt", "my-credentials-guide.md"];
  expect(secret.filter((name) => !isSecretLookingFile(name))).toEqual([]);
  expect(plain.filter(isSecretLookingFile)).toEqual([]);
});
