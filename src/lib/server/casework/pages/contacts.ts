/**
 * The contact log page (Beratungskontakte, issue 4 §1): the form that records an anonymous
 * contact with up to three referrals (defaults: now, walk-in, the language last used), the
 * offer search for referral targets, and today's contacts of the instance; errors with the
 * `cc_error_…` messages at the controls of the form. The search is a button of the form itself
 * (issue 12 §8): it posts what was entered and gets it back with the results, so nothing typed
 * is lost and no script is needed.
 */
import { can, type UserPrincipal } from '../../access';
import { AccessDeniedError, ValidationError, type FieldIssue } from '../../core/errors';
import type { Db, DbOrTx } from '../../db/client';
import { SUBTOPICS, SUBTOPIC_FIELD, THEME_FIELDS } from '../../directory/model';
import { searchDirectory } from '../../directory/search';
import { visibleLevels } from '../../directory/service';
import { listDistricts, listSocialSpaces } from '../../geography/service';
import { listInstances } from '../../instances/service';
import { deleteContact, lastContactLanguage, listRecentContacts, recordContact, type ContactInput } from '../contacts';
import { CONTACT_ATTRIBUTES, CONTACT_CHANNELS } from '../model';
import { recentReferralTargets, referralSlipPath } from '../referrals';
import { mailIssuedReferral } from './referrals';
import { getCaseworkSettings } from '../settings';
import { berlinDate, berlinTime, parseBerlinDateTime } from '../time';
import { hasMessage } from './errors';
import { COMMON_LANGUAGES } from '$lib/i18n';

/** Referral slots in the form. */
const REFERRAL_SLOTS = 3;
/** Longest offer search accepted, in characters (longer text is cut). */
const QUERY_MAX = 200;

/** The values the form shows: defaults (today, walk-in, last used language) or what was posted. */
export interface ContactFormValues {
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
	/** The referral-target search as typed (at most `QUERY_MAX` characters). */
	q: string;
}

/** The contact form as posted. */
export function contactFormValues(form: FormData): ContactFormValues {
	const text = (name: string) => String(form.get(name) ?? '').trim();
	return {
		date: text('date'),
		time: text('time'),
		channel: text('channel'),
		language: text('language'),
		languageOther: text('languageOther'),
		interpreter: form.get('interpreter') === 'yes',
		topics: form.getAll('topic').map(String),
		unmet: form.getAll('unmet').map(String),
		attributes: Object.fromEntries(Object.keys(CONTACT_ATTRIBUTES).map((a) => [a, text(`attr_${a}`)]).filter(([, v]) => v)),
		socialSpaceId: text('socialSpaceId'),
		targets: Array.from({ length: REFERRAL_SLOTS }, (_, i) => text(`target_${i + 1}`)),
		referralTopics: Array.from({ length: REFERRAL_SLOTS }, (_, i) => text(`referralTopic_${i + 1}`)),
		q: text('q').slice(0, QUERY_MAX)
	};
}

/** The instances of the person's municipality they record contacts for, by name. */
async function recordable(db: DbOrTx, principal: UserPrincipal) {
	return (await listInstances(db, principal.municipalityId)).filter((i) => can(principal, 'contacts:record', { municipalityId: i.municipalityId, instanceId: i.id }));
}

/** A referral target as the form's choices show it: `service:<id>` or `organization:<id>`, its kind and name. */
export interface TargetChoice {
	value: string;
	kind: 'service' | 'organization';
	name: string;
}

/** Offers and actors of the instance's municipality that match `q`, best first (at most 20; none for an empty query). */
async function searchTargets(db: DbOrTx, principal: UserPrincipal, municipalityId: string, q: string, lang: string, now: Date): Promise<TargetChoice[]> {
	if (!q) return [];
	const search = await searchDirectory(db, { municipalityId, text: q, lang, levels: visibleLevels(principal, municipalityId), sort: 'relevance', page: 1, perPage: 20, now });
	return search.hits.map((h) => ({
		value: `${h.kind}:${h.id}`,
		kind: h.kind,
		name: h.title[lang] ?? h.title.de ?? Object.values(h.title)[0] ?? h.organizationName
	}));
}

/**
 * The form drawn again with what was posted (`values`) and the targets found for its search,
 * after the search button or a refused save.
 * @throws AccessDeniedError when the person records no contacts for `instanceId`.
 */
export async function redrawForm(db: DbOrTx, principal: UserPrincipal, instanceId: string, values: ContactFormValues, lang: string, now: Date = new Date()) {
	const current = (await recordable(db, principal)).find((i) => i.id === instanceId);
	if (!current) throw new AccessDeniedError();
	return { values, q: values.q, searchResults: await searchTargets(db, principal, current.municipalityId, values.q, lang, now) };
}

/**
 * The page for the chosen instance (`instance`, else the person's first) with the offer search
 * `q`; `{ instances: [], current: null }` for people who record contacts nowhere.
 * @throws AccessDeniedError (not expected: only recordable instances are chosen).
 */
export async function contactsPage(db: DbOrTx, principal: UserPrincipal, query: { instance: string | null; q: string | null }, lang: string, now: Date = new Date()) {
	const instances = await recordable(db, principal);
	if (!instances.length) return { instances: [], current: null };
	const current = instances.find((i) => i.id === query.instance) ?? instances[0];
	const q = (query.q ?? '').trim().slice(0, QUERY_MAX);
	const [settings, districts, spaces, last, recentTargets, today, found] = await Promise.all([
		getCaseworkSettings(db, current.municipalityId),
		listDistricts(db, current.municipalityId),
		listSocialSpaces(db, { municipalityId: current.municipalityId }),
		lastContactLanguage(db, principal, current.id),
		recentReferralTargets(db, principal, current.id),
		listRecentContacts(db, principal, current.id, { now }),
		searchTargets(db, principal, current.municipalityId, q, lang, now)
	]);
	const lastLanguage = last ?? 'de';
	const defaults: ContactFormValues = {
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
		referralTopics: Array(REFERRAL_SLOTS).fill(''),
		q
	};
	return {
		instances: instances.map((i) => ({ id: i.id, name: i.name })),
		current: { id: current.id, name: current.name },
		municipalitySlug: principal.municipalitySlug,
		q,
		channels: CONTACT_CHANNELS.map((c) => c.key),
		languages: [...new Set([...COMMON_LANGUAGES, ...current.languages, lastLanguage])],
		themes: THEME_FIELDS.map((t) => ({ key: t.key, subtopics: (SUBTOPICS as Record<string, readonly { key: string }[]>)[t.key].map((s) => s.key) })),
		attributes: settings.contactAttributes.map((a) => ({ key: a, values: CONTACT_ATTRIBUTES[a].map((v) => v.key) })),
		districts: districts.map((d) => ({ name: d.name, spaces: spaces.filter((s) => s.districtId === d.id).map((s) => ({ id: s.id, name: s.name })) })),
		recentTargets: recentTargets.map((t) => ({ value: `${t.kind}:${t.id}`, kind: t.kind, name: t.name })),
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

/** The service's input from the form values. */
function contactInput(instanceId: string, v: ContactFormValues): ContactInput {
	const contactedAt = v.date ? (parseBerlinDateTime(v.date, v.time) ?? new Date(NaN)) : null;
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

/**
 * The issues at the controls of the form, each with its `cc_error_…` message. The fields are
 * named by their labels ("Verweis 2: Ziel"), in the error summary too (`http/error-summary.ts`).
 */
function formIssues(issues: FieldIssue[]): FieldIssue[] {
	return issues.map((issue) => {
		const code = hasMessage(`cc_error_${issue.code}`) ? `cc_error_${issue.code}` : 'cc_error_invalid';
		const ref = /^referrals\.(\d+)\.(\w+)$/.exec(issue.field);
		const attr = /^attributes\.(\w+)$/.exec(issue.field);
		const field = ref
			? `${ref[2] === 'topic' ? 'referralTopic' : 'target'}_${Number(ref[1]) + 1}`
			: attr
				? `attr_${attr[1]}`
				: (({ contactedAt: 'date', unmetTopics: 'topics', contact: 'today' } as Record<string, string>)[issue.field] ?? issue.field);
		return { field, code, params: issue.params };
	});
}

/**
 * Records the posted contact for the instance `instanceId`; the partner link of each referral
 * is mailed to the partner where its entry has an address (issue 12 §7).
 * @param lang the URL's language, for the slips of referrals to offers; `origin` the site's,
 *   for the mailed links.
 * @returns the referrals issued: reference code, target, the slip to print (offers only) and
 *   the address the link was mailed to (or null).
 * @throws AccessDeniedError; ValidationError at the controls of the form.
 */
export async function recordFromForm(db: Db, principal: UserPrincipal, instanceId: string, values: ContactFormValues, lang: string, origin: string) {
	try {
		const { referrals } = await recordContact(db, principal, contactInput(instanceId, values));
		const mailedTo = await Promise.all(referrals.map((r) => mailIssuedReferral(db, principal, r.referral.id, origin)));
		return {
			saved: true as const,
			issued: referrals.map((r, i) => ({
				code: r.referral.referenceCode,
				target: r.referral.targetLabel,
				slip: r.referral.serviceId ? referralSlipPath(lang, principal.municipalitySlug, r.referral, r.token) : null,
				mailedTo: mailedTo[i]
			}))
		};
	} catch (e) {
		if (e instanceof ValidationError) throw new ValidationError(formIssues(e.issues));
		throw e;
	}
}

/**
 * Deletes a contact recorded today by mistake (`contact` of the form).
 * @throws NotFoundError, AccessDeniedError; ValidationError at `today` (not the same day).
 */
export async function deleteFromForm(db: Db, principal: UserPrincipal, form: FormData): Promise<{ deleted: true }> {
	try {
		await deleteContact(db, principal, String(form.get('contact') ?? '').trim());
		return { deleted: true };
	} catch (e) {
		if (e instanceof ValidationError) throw new ValidationError(formIssues(e.issues));
		throw e;
	}
}
