import { eq } from 'drizzle-orm';
import { directionOf } from '$lib/i18n';
import { m } from '$lib/paraglide/messages.js';
import { isLocale, type Locale } from '$lib/paraglide/runtime';
import { getCaseView } from '$lib/server/casework/cases';
import { getCaseworkSettings } from '$lib/server/casework/settings';
import { getDb } from '$lib/server/db';
import { instance } from '$lib/server/instances/schema';
import { caseHttpError } from '../../case-http';
import type { PageServerLoad } from './$types';

type MessageFn = (params?: Record<string, unknown>, options?: { locale?: Locale }) => string;

/** The UI locale for a BCP 47 tag (by primary subtag), or null when the UI has no such language. */
function uiLocale(tag: string): Locale | null {
	const primary = tag.toLowerCase().split('-')[0];
	return isLocale(primary) ? primary : null;
}

/**
 * The printable Einwilligungserklärung (issue 4 §2): the consent as recorded, in the person's
 * language (the language it was explained in, else the case language) beside the German text.
 * It shows case data, so it is an audited read.
 */
export const load: PageServerLoad = async ({ locals, params }) => {
	const db = await getDb();
	try {
		const view = await getCaseView(db, locals.principal!, params.id, locals.sessionToken);
		const settings = await getCaseworkSettings(db, view.case.municipalityId);
		const [inst] = await db.select({ name: instance.name, city: instance.city }).from(instance).where(eq(instance.id, view.case.instanceId));
		const person = uiLocale(view.consent.explainedIn) ?? uiLocale(view.case.language) ?? 'de';
		const column = (locale: Locale) => {
			const t = (key: string, p: Record<string, unknown> = {}) => ((m as unknown as Record<string, MessageFn>)[key] ?? (() => key))(p, { locale });
			return {
				lang: locale,
				dir: directionOf(locale),
				title: t('cs_form_title'),
				controller: t('cs_form_controller', { name: inst?.name ?? '' }),
				caseNumber: t('cs_form_case', { number: view.case.caseNumber }),
				intro: t('cs_form_intro'),
				purposesHeading: t('cs_form_purposes'),
				purposes: view.consent.purposes.map((k) => t(`cs_purpose_${k}`)),
				dataHeading: t('cs_form_data'),
				data: view.consent.dataCategories.map((k) => t(`cs_category_${k}`)),
				partnersHeading: t('cs_form_partners'),
				partnersBase: t('cs_form_partners_base'),
				partnersExtra: view.consent.partnerCategories.length ? t('cs_form_partners_extra') : null,
				partners: view.consent.partnerCategories.map((k) => t(`cs_category_${k}`)),
				retentionHeading: t('cs_form_retention'),
				retention: [
					t('cs_form_retention_case', { months: settings.caseMonthsAfterClosure }),
					t('cs_form_retention_token', { days: settings.referralTokenDays }),
					t('cs_form_retention_encrypted')
				],
				withdrawalHeading: t('cs_form_withdrawal'),
				withdrawal: t('cs_form_withdrawal_text'),
				rightsHeading: t('cs_form_rights'),
				rights: t('cs_form_rights_text'),
				legalHeading: t('cs_form_legal'),
				legal: t('cs_form_legal_text'),
				explained: t('cs_form_explained', { language: view.consent.explainedIn }),
				placeDate: t('cs_form_place_date'),
				signaturePerson: t('cs_form_signature_person'),
				signatureStaff: t('cs_form_signature_staff')
			};
		};
		return {
			caseNumber: view.case.caseNumber,
			columns: person === 'de' ? [column('de')] : [column(person), column('de')],
			place: inst?.city ?? '',
			givenOn: view.consent.givenOn
		};
	} catch (e) {
		caseHttpError(e, `/${params.lang}/staff/cases/${params.id}`);
	}
};
