import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ precompress: true }),
		// Strict CSP: SvelteKit adds a nonce to its own hydration script; nothing else inline.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['none'],
				'script-src': ['self'],
				'style-src': ['self'],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'form-action': ['self'],
				'base-uri': ['none'],
				'frame-ancestors': ['none'],
				'object-src': ['none'],
				'manifest-src': ['self']
			}
		},
		// Absolute asset paths: the guard renders the 403 page in place of any refused URL, at
		// whatever depth, and relative paths to app.css would miss from there.
		paths: { relative: false },
		alias: {
			$paraglide: 'src/lib/paraglide'
		}
	}
};

export default config;
