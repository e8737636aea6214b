import type { ParamMatcher } from '@sveltejs/kit';
import { isLocale } from '$lib/paraglide/runtime';

/** Route matcher for the language segment: one of the UI locales. */
export const match: ParamMatcher = (param) => isLocale(param);
