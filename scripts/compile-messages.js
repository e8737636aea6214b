/**
 * Compiles the UI messages (Paraglide JS) outside a Vite build, so the CLI and the test runner
 * can import them on a fresh clone. Runs on `npm install` (prepare); the build recompiles.
 */
import { compile } from '@inlang/paraglide-js';
import { PARAGLIDE_OPTIONS } from './paraglide-options.js';

await compile(PARAGLIDE_OPTIONS);
