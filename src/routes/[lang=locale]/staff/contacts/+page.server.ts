import { error, fail } from '@sveltejs/kit';
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { can } from '$lib/server/access';
import type { UserPrincipal } from '$lib/server/access';
import { deleteContact, listRecentContacts, recordContact, type ContactInput } from '$lib/server/casework/contacts';
import { CONTACT_ATTRIBUTES, CONTACT_CHANNELS } from '$lib/server/casework/model';
import { counsellingContact, referral } from '$lib/server/casework/schema';
import { getCaseworkSettings } from '$lib/server/casework/settings';
import { berlinDate, berlinTime, parseBerlinDateTime } from '$lib/server/casework/time';
import { getDb } from '$lib/server/db';
import { SUBTOPICS, SUBTOPIC_FIELD, THEME_FIELDS } from '$lib/server/directory/model';
import { visibleLevels } from '$lib/server/directory/service';
import { searchDirectory } from '$lib/server/directory/search';
import { AccessDeniedError, NotFoundError, ValidationError, type FieldIssue } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { listDistricts, listSocialSpaces } from '$lib/server/geography/service';
import { instance } from '$lib/server/instances/schema';
import { msg } from '$lib/messages';
import { m } from '$lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';

/** Languages offered first in the language list (the most frequent in counselling). */
const COMMON_LANGUAGES = ['de', 'ar', 'fa', 'prs', 'uk', 'ru', 'tr', 'en', 'ti', 'ku', 'so', 'fr', 'ro', 'bg', 'pl', 'sq'];
/** Referral slots in the form. */
const REFERRAL_SLOTS = 3;

/** The instances the principal records contacts for, with names. */
async function recordable(principal: UserPrincipal) {
	const db = await getDb();
	const rows = await db.select({ id: instance.id, name: instance.name, municipalityId: instance.municipalityId, languages: instance.languages }).from(instance).where(eq(instance.municipalityId, principal.municipalityId)).orderBy(instance.name);
	return rows.filter((i) => can(principal, 'contacts:record', { municipalityId: i.municipalityId, instanceId: i.id }));
}

/** The values the form shows: defaults (today, walk-in, last used language) or what was posted. */
interface FormValues {
	date: string;
	time: string;
	channel: string;
	language: string;
	languageOther: string;
	interpreter: boolean;
	topics: string[];
	unmet: string[];
	attributes: Record<string, string>;
	socialSpaceId: string;
	targets: string[];
	referralTopics: string[];
}

function formValues(form: FormData): FormValues {
	return {
		date: text(form, 'date'),
		time: text(form, 'time'),
		channel: text(form, 'channel'),
		language: text(form, 'language'),
		languageOther: text(form, 'languageOther'),
		interpreter: form.get('interpreter') === 'yes',
		topics: form.getAll('topic').map(String),
		unmet: form.getAll('unmet').map(String),
		attributes: Object.fromEntries(Object.keys(CONTACT_ATTRIBUTES).map((a) => [a, text(form, `attr_${a}`)]).filter(([, v]) => v)),
		socialSpaceId: text(form, 'socialSpaceId'),
		targets: Array.from({ length: REFERRAL_SLOTS }, (_, i) => text(form, `target_${i + 1}`)),
		referralTopics: Array.from({ length: REFERRAL_SLOTS }, (_, i) => text(form, `referralTopic_${i + 1}`))
	};
}

/** Form field (element id) and message for each issue, in form order. */
function formErrors(issues: FieldIssue[]): { id: string; message: string }[] {
	const out = new Map<string, string>();
	for (const issue of issues) {
		const message = msg(`cc_error_${issue.code}`, issue.params ?? {}, m.cc_error_invalid());
		const ref = /^referrals\.(\d+)\.(\w+)$/.exec(issue.field);
		const attr = /^attributes\.(\w+)$/.exec(issue.field);
		if (ref) {
			const n = Number(ref[1]) + 1;
			const id = ref[2] === 'topic' ? `referralTopic_${n}` : `target_${n}`;
			out.set(id, out.get(id) ?? m.cc_error_referral({ n, message }));
		} else if (attr) {
			out.set(`attr_${attr[1]}`, out.get(`attr_${attr[1]}`) ?? m.cc_field_attribute({ attribute: msg(`cc_attr_${attr[1]}`), message }));
		} else {
			const id = ({ contactedAt: 'date', unmetTopics: 'topics', contact: 'today' } as Record<string, string>)[issue.field] ?? issue.field;
			out.set(id, out.get(id) ?? message);
		}
	}
	return [...out].map(([id, message]) => ({ id, message }));
}

/** Everything the page shows for the chosen instance. */
async function pageData(principal: UserPrincipal, url: URL, lang: string, now: Date) {
	const instances = await recordable(principal);
	if (!instances.length) return { instances: [], current: null };
	const current = instances.find((i) => i.id === url.searchParams.get('instance')) ?? instances[0];
	const db = await getDb();
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, 200);
	const [settings, districts, spaces, last, recentRefs, today, search] = await Promise.all([
		getCaseworkSettings(db, current.municipalityId),
		listDistricts(db, current.municipalityId),
		listSocialSpaces(db, { municipalityId: current.municipalityId }),
		db
			.select({ language: counsellingContact.language })
			.from(counsellingContact)
			.where(and(eq(counsellingContact.instanceId, current.id), eq(counsellingContact.recordedBy, principal.userId)))
			.orderBy(desc(counsellingContact.createdAt))
			.limit(1),
		db
			.select({ serviceId: referral.serviceId, organizationId: referral.organizationId, targetLabel: referral.targetLabel })
			.from(referral)
			.where(and(eq(referral.instanceId, current.id), isNotNull(referral.organizationId)))
			.orderBy(desc(referral.createdAt))
			.limit(60),
		listRecentContacts(db, principal, current.id, { now }),
		q
			? searchDirectory(db, { municipalityId: current.municipalityId, text: q, lang, levels: visibleLevels(principal, current.municipalityId), sort: 'relevance', page: 1, perPage: 20, now })
			: null
	]);
	const recent = new Map<string, { value: string; kind: 'service' | 'organization'; name: string }>();
	for (const r of recentRefs) {
		const value = r.serviceId ? `service:${r.serviceId}` : `organization:${r.organizationId}`;
		if (!recent.has(value) && recent.size < 10) recent.set(value, { value, kind: r.serviceId ? 'service' : 'organization', name: r.targetLabel });
	}
	const found = (search?.hits ?? []).map((h) => ({
		value: `${h.kind}:${h.id}`,
		kind: h.kind,
		name: h.title[lang] ?? h.title.de ?? Object.values(h.title)[0] ?? h.organizationName
	}));
	const lastLanguage = last[0]?.language ?? 'de';
	const languages = [...new Set([...COMMON_LANGUAGES, ...current.languages, lastLanguage])];
	const defaults: FormValues = {
		date: berlinDate(now),
		time: berlinTime(now),
		channel: 'walk_in',
		language: lastLanguage,
		languageOther: '',
		interpreter: false,
		topics: [],
		unmet: [],
		attributes: {},
		socialSpaceId: '',
		targets: Array(REFERRAL_SLOTS).fill(''),
		referralTopics: Array(REFERRAL_SLOTS).fill('')
	};
	return {
		instances: instances.map((i) => ({ id: i.id, name: i.name })),
		current: { id: current.id, name: current.name },
		municipalitySlug: principal.municipalitySlug,
		q,
		channels: CONTACT_CHANNELS.map((c) => c.key),
		languages,
		themes: THEME_FIELDS.map((t) => ({ key: t.key, subtopics: (SUBTOPICS as Record<string, readonly { key: string }[]>)[t.key].map((s) => s.key) })),
		attributes: settings.contactAttributes.map((a) => ({ key: a, values: CONTACT_ATTRIBUTES[a].map((v) => v.key) })),
		districts: districts.map((d) => ({ name: d.name, spaces: spaces.filter((s) => s.districtId === d.id).map((s) => ({ id: s.id, name: s.name })) })),
		recentTargets: [...recent.values()],
		searchResults: found,
		referralSlots: REFERRAL_SLOTS,
		defaults,
		today: today.map((c) => ({
			id: c.id,
			time: berlinTime(c.contactedAt),
			channel: c.channel,
			language: c.language,
			// Sub-topics, and theme fields chosen without a sub-topic of theirs.
			topics: [...c.themeFields.filter((f) => !c.subTopics.some((s) => SUBTOPIC_FIELD[s] === f)), ...c.subTopics],
			referrals: c.referrals.map((r) => ({ code: r.referenceCode, target: r.targetLabel, status: r.status })),
			deletable: berlinDate(c.createdAt) === berlinDate(now)
		}))
	};
}

export const load: PageServerLoad = async ({ locals, url, params }) => {
	return pageData(locals.principal!, url, params.lang, new Date());
};

function toInput(instanceId: string, v: FormValues): ContactInput {
	const contactedAt = v.date ? parseBerlinDateTime(v.date, v.time) ?? new Date(NaN) : null;
	const referrals = v.targets
		.map((target, i) => ({ target, topic: v.referralTopics[i] }))
		.filter((r) => r.target || r.topic)
		.map((r) => {
			const [kind, id] = r.target.split(':');
			return { serviceId: kind === 'service' ? id : null, organizationId: kind === 'organization' ? id : null, topic: r.topic };
		});
	return {
		instanceId,
		contactedAt,
		channel: v.channel,
		language: v.language === 'other' ? v.languageOther : v.language,
		interpreterNeeded: v.interpreter,
		topics: v.topics,
		unmetTopics: v.unmet,
		attributes: v.attributes,
		socialSpaceId: v.socialSpaceId || null,
		referrals
	};
}

export const actions: Actions = {
	record: async ({ locals, request, params }) => {
		const principal = locals.principal!;
		const form = await request.formData();
		const values = formValues(form);
		const instanceId = text(form, 'instance');
		try {
			const { referrals } = await recordContact(await getDb(), principal, toInput(instanceId, values));
			return {
				saved: true,
				issued: referrals.map((r) => ({
					code: r.referral.referenceCode,
					target: r.referral.targetLabel,
					slip: r.referral.serviceId ? `/${params.lang}/m/${principal.municipalitySlug}/o/${r.referral.serviceId}/slip?ref=${encodeURIComponent(r.token)}` : null
				}))
			};
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { errors: formErrors(e.issues), values });
			if (e instanceof AccessDeniedError) error(403, 'Forbidden');
			throw e;
		}
	},
	delete: async ({ locals, request }) => {
		const form = await request.formData();
		try {
			await deleteContact(await getDb(), locals.principal!, text(form, 'contact'));
			return { deleted: true };
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { errors: formErrors(e.issues) });
			if (e instanceof NotFoundError) error(404, 'Not found');
			if (e instanceof AccessDeniedError) error(403, 'Forbidden');
			throw e;
		}
	}
};
