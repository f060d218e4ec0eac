import { fileURLToPath } from 'node:url';

/** The project root, from dist/test-support/. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const fixture = (name: string): string => `${ROOT}datasets/fixtures/${name}`;
