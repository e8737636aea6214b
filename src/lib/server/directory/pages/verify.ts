/**
 * The provider's confirmation page (`/verify/<token>`, issue 3 §6): the entry as the provider
 * sees and corrects it (name and description in the original language, contact, and for an
 * offer opening hours, costs, documents, "temporarily closed"), and the posted correction.
 * The link itself is checked by `verification.ts`; nothing here needs an account.
 */
import { formatDateTime } from '$lib/format';
import { directionOf } from '$lib/i18n';
import { msg } from '$lib/messages';
import type { FieldIssue } from '../../core/errors';
import type { DbOrTx } from '../../db/client';
import { COST_KINDS } from '../model';
import { originalLanguage, pickText } from '../texts';
import { resolveLink, type LinkedEntry, type LinkState, type ProviderCorrection, type ProviderSlot } from '../verification';
import { formText as text } from './staff-form';

/** Empty rows offered for additional opening hours. */
const EXTRA_SLOTS = 2;

function original(t: Record<string, { text: string; status: string }>): string {
	const lang = originalLanguage(t as never);
	return lang ? t[lang].text : '';
}

/** The entry as the provider sees and corrects it, in the reader's language where it is shown. */
export function providerView(linked: LinkedEntry, locale: string) {
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

/**
 * The correction as posted (slots `slots.<i>.*`, at most 30 rows); an unreadable amount becomes
 * an issue in the service's shape (`costAmount: invalid_amount`).
 */
export function correctionFromForm(form: FormData, kind: LinkedEntry['kind']): { correction: ProviderCorrection; issues: FieldIssue[] } {
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

/**
 * The page of a link: the entry and when the link expires, or why it cannot be used.
 */
export async function verifyPage(db: DbOrTx, token: string, locale: string): Promise<{ status: Exclude<LinkState['status'], 'valid'> } | { status: 'valid'; entry: ReturnType<typeof providerView>; expires: string }> {
	const state = await resolveLink(db, token);
	if (state.status !== 'valid') return { status: state.status };
	return { status: 'valid', entry: providerView(state.linked, locale), expires: formatDateTime(state.expiresAt, locale) };
}

/**
 * Issues of a correction named as the form names its fields: the service's `schedules.<i>` are
 * the form's `slots.<i>`, an offer's `url` its `website`, and a text's language version
 * (`description.de`) the one text field the provider edits.
 */
export function correctionIssues(issues: FieldIssue[]): FieldIssue[] {
	return issues.map((i) => ({
		...i,
		field: i.field
			.replace(/^schedules\./, 'slots.')
			.replace(/^url$/, 'website')
			.replace(/^(name|description|costNote|requiredDocuments)\.[^.]+$/, '$1')
	}));
}
