/**
 * Paraglide compiler options for the Vite plugin.
 *
 * Locale resolution order: the URL's first path segment (`/ar/...`), then the remembered
 * cookie, then the browser's Accept-Language, then German.
 *
 * One module per language (`locale-modules`) instead of one per message: the command line and the
 * tests load the compiled messages through Node's module loader, where 3,350 modules took about
 * 2 s of every command (`npm run cli -- hosting rooms …` 4.9 → 2.9 s) and of every test file.
 * The server bundle holds every message either way; the browser gets no message code.
 */
/** @type {import('@inlang/paraglide-js').CompilerOptions} */
export const PARAGLIDE_OPTIONS = {
	project: './project.inlang',
	outdir: './src/lib/paraglide',
	strategy: ['custom-path', 'cookie', 'preferredLanguage', 'baseLocale'],
	cookieName: 'lang',
	emitGitIgnore: false,
	outputStructure: 'locale-modules'
};
