/**
 * Setup file of the integration tests (`vitest.config.ts`), run before every test file even where
 * files share a worker's modules: removes the file's and each test's temporary folders (`tmp.ts`).
 */
import { afterAll, afterEach, beforeEach } from 'vitest';
import { fileEnded, testEnded, testStarted } from './tmp';

beforeEach(testStarted);
afterEach(testEnded);
afterAll(fileEnded);
