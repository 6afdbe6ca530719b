// Paths into the committed TEST-ONLY PKI (certs-fixtures/), for the demo and `docaxis tsa`'s
// default key. Never used for anything but demonstrations and tests.
import { fileURLToPath } from 'node:url';

/** src/cli and dist/cli are both two levels below the project root. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../certs-fixtures/${name}`, import.meta.url));
}

export const FIXTURE_P12_PASSWORD = 'docaxis-test';
