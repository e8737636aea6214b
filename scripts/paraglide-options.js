/**
 * Paraglide compiler options for the Vite plugin.
 *
 * Locale resolution order: the URL's first path segment (`/ar/...`), then the remembered
 * cookie, then the browser's Accept-Language, then German.
 */
/** @type {import('@inlang/paraglide-js').CompilerOptions} */
export const PARAGLIDE_OPTIONS = {
	project: './project.inlang',
	outdir: './src/lib/paraglide',
	strategy: ['custom-path', 'cookie', 'preferredLanguage', 'baseLocale'],
	cookieName: 'lang',
	emitGitIgnore: false
};
