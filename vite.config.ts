import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { PARAGLIDE_OPTIONS } from './scripts/paraglide-options.js';

export default defineConfig({
	plugins: [paraglideVitePlugin(PARAGLIDE_OPTIONS), sveltekit()],
	server: { port: 3000 },
	build: { target: 'es2022' }
});
