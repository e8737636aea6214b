import { error, fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { formErrors } from '$lib/server/directory/staff-form';
import { originalLanguage, pickText } from '$lib/server/directory/texts';
import { COST_KINDS } from '$lib/server/directory/model';
import {
	LinkUnusableError,
	confirmByLink,
	correctByLink,
	resolveLink,
	type LinkedEntry,
	type ProviderCorrection,
	type ProviderSlot
} from '$lib/server/directory/verification';
import { ValidationError, type FieldIssue } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { directionOf } from '$lib/i18n';
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import type { Actions, PageServerLoad } from './$types';

/** Empty rows offered for additional opening hours. */
const EXTRA_SLOTS = 2;

/** Unusable links answer 410 Gone (expired, used) or 404 (unknown); the error page says which. */
function unusable(status: 'expired' | 'used' | 'unknown'): never {
	error(status === 'unknown' ? 404 : 410, { message: `verification_link_${status}` });
}

function original(t: Record<string, { text: string; status: string }>): string {
	const lang = originalLanguage(t as never);
	return lang ? t[lang].text : '';
}

/** The entry as the provider sees and corrects it. */
function shape(linked: LinkedEntry, locale: string) {
	if (linked.kind === 'organization') {
		const o = linked.entry;
		const lang = originalLanguage(o.description) ?? 'de';
		return {
			kind: linked.kind,
			name: o.name,
			lang,
			dir: directionOf(lang),
			description: original(o.description),
			shownDescription: pickText(o.description, locale)?.text ?? '',
			email: o.email,
			phone: o.phone,
			website: o.website,
			offer: null
		};
	}
	const s = linked.entry;
	const lang = originalLanguage(s.name) ?? 'de';
	return {
		kind: linked.kind,
		name: original(s.name),
		lang,
		dir: directionOf(lang),
		description: original(s.description),
		shownDescription: pickText(s.description, locale)?.text ?? '',
		email: s.email,
		phone: s.phone,
		website: s.url,
		offer: {
			organizationName: s.organization.name,
			contactName: s.contactName,
			costKind: s.costKind,
			costAmount: s.costAmountCents === null ? '' : (s.costAmountCents / 100).toFixed(2),
			costNote: original(s.costNote),
			requiredDocuments: original(s.requiredDocuments),
			temporarilyClosed: s.status === 'temporarily closed',
			slots: [
				...s.schedules.map((x) => ({ weekday: x.weekday, opensAt: x.opensAt, closesAt: x.closesAt, appointmentOnly: x.appointmentOnly })),
				...Array.from({ length: EXTRA_SLOTS }, () => ({ weekday: 0, opensAt: '', closesAt: '', appointmentOnly: false }))
			],
			costKinds: COST_KINDS.map((c) => ({ value: c, label: msg(`cost_${c}`) }))
		}
	};
}

export const load: PageServerLoad = async ({ params, locals }) => {
	const state = await resolveLink(await getDb(), params.token);
	if (state.status !== 'valid') unusable(state.status);
	return { entry: shape(state.linked, locals.locale), expires: formatDateTime(state.expiresAt, locals.locale) };
};

/** The correction as posted; unreadable amounts become issues in the service's shape. */
function correctionFromForm(form: FormData, kind: LinkedEntry['kind']): { correction: ProviderCorrection; issues: FieldIssue[] } {
	const issues: FieldIssue[] = [];
	const correction: ProviderCorrection = {
		name: text(form, 'name'),
		description: text(form, 'description'),
		email: text(form, 'email'),
		phone: text(form, 'phone'),
		website: text(form, 'website')
	};
	if (kind === 'service') {
		const amount = text(form, 'costAmount').replace(',', '.');
		const euros = amount ? Number(amount) : null;
		if (euros !== null && !Number.isFinite(euros)) issues.push({ field: 'costAmount', code: 'invalid_amount' });
		const slots: ProviderSlot[] = [];
		const rows = Math.min(Number(text(form, 'slotRows')) || 0, 30);
		for (let i = 0; i < rows; i++) {
			const weekday = text(form, `slots.${i}.weekday`);
			const opensAt = text(form, `slots.${i}.opensAt`);
			const closesAt = text(form, `slots.${i}.closesAt`);
			if (!weekday && !opensAt && !closesAt) continue;
			slots.push({ weekday: Number(weekday) || 0, opensAt, closesAt, appointmentOnly: form.get(`slots.${i}.appointmentOnly`) === 'on' });
		}
		Object.assign(correction, {
			contactName: text(form, 'contactName'),
			costKind: text(form, 'costKind') || 'free',
			costAmountCents: euros === null || !Number.isFinite(euros) ? null : Math.round(euros * 100),
			costNote: text(form, 'costNote'),
			requiredDocuments: text(form, 'requiredDocuments'),
			temporarilyClosed: form.get('temporarilyClosed') === 'on',
			schedules: slots
		});
	}
	return { correction, issues };
}

export const actions: Actions = {
	confirm: async ({ params }) => {
		try {
			await confirmByLink(await getDb(), params.token);
		} catch (e) {
			if (e instanceof LinkUnusableError) unusable(e.status);
			throw e;
		}
		redirect(303, `/${params.lang}/verify/thanks?result=confirmed`);
	},
	correct: async ({ params, request }) => {
		const db = await getDb();
		const state = await resolveLink(db, params.token);
		if (state.status !== 'valid') unusable(state.status);
		const { correction, issues } = correctionFromForm(await request.formData(), state.linked.kind);
		try {
			if (issues.length) throw new ValidationError(issues);
			await correctByLink(db, params.token, correction);
		} catch (e) {
			if (e instanceof LinkUnusableError) unusable(e.status);
			if (e instanceof ValidationError) {
				// Schedules are posted as `slots.<i>`; the service names them `schedules.<i>`.
				return fail(400, { errors: formErrors(e.issues.map((i) => ({ ...i, field: i.field.replace(/^schedules\./, 'slots.').replace(/^url$/, 'website') }))), correction });
			}
			throw e;
		}
		redirect(303, `/${params.lang}/verify/thanks?result=corrected`);
	}
};
