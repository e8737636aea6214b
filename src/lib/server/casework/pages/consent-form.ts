/**
 * The printable Einwilligungserklärung (issue 4 §2; Art. 7(1) GDPR: demonstrable consent): the
 * consent as recorded, in the person's language (the language it was explained in, else the
 * case language) beside the German text.
 */
import { directionOf } from '$lib/i18n';
import { displayName } from '$lib/wegweiser';
import type { Locale } from '$lib/paraglide/runtime';
import type { UserPrincipal } from '../../access';
import type { DbOrTx } from '../../db/client';
import { caseworkInstance } from '../../instances/casework-reads';
import { getCaseView } from '../cases';
import { getCaseworkSettings } from '../settings';
import { textIn, uiLocale } from './texts';

/**
 * The consent form of a case: one column per language (the person's and German, or German
 * alone). It shows case data, so it is an audited read.
 * @throws NotFoundError, AccessDeniedError, PurposeRequiredError.
 */
export async function consentFormPage(db: DbOrTx, principal: UserPrincipal, caseId: string, sessionToken: string | undefined) {
	const view = await getCaseView(db, principal, caseId, sessionToken);
	const [settings, inst] = await Promise.all([getCaseworkSettings(db, view.case.municipalityId), caseworkInstance(db, view.case.instanceId)]);
	const person = uiLocale(view.consent.explainedIn) ?? uiLocale(view.case.language) ?? 'de';
	const column = (locale: Locale) => {
		const t = (key: string, params: Record<string, unknown> = {}) => textIn(locale, key, params);
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
			explained: t('cs_form_explained', { language: displayName(view.consent.explainedIn, locale) }),
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
}
