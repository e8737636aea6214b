/**
 * Paraglide compiler options shared by the Vite plugin and the stand-alone compile step
 * (tests and the CLI compile messages without Vite).
 *
 * Locale resolution order: the URL's first path segment (`/ar/...`), then the remembered
 * cookie, then the browser's Accept-Language, then German.
 */
export const PARAGLIDE_OPTIONS = {
	project: './project.inlang',
	outdir: './src/lib/paraglide',
	strategy: ['custom-path', 'cookie', 'preferredLanguage', 'baseLocale'],
	cookieName: 'lang',
	emitGitIgnore: false
};
