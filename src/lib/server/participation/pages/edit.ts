/**
 * The campaign edit page for staff (issue 16 §2 "A category set can be edited"): title, the
 * built-in categories as checkboxes, own categories with a key and labels in the seven UI
 * languages, and closing the campaign early. Form fields: `title`, `categories` (built-in keys),
 * `own.<i>.key` and `own.<i>.<lang>` per own category row.
 */
import { authorize, type UserPrincipal } from '../../access';
import { NotFoundError } from '../../core/errors';
import { formList, formText } from '../../core/form';
import type { Db, DbOrTx } from '../../db/client';
import { displayNames } from '../../../intl';
import { locales } from '../../../paraglide/runtime.js';
import { closeCampaign, updateCampaign } from '../campaign-edit';
import { findCampaign, isOpen, type CampaignRow } from '../campaigns';
import { DEFAULT_CATEGORIES } from '../model';
import { msg } from '../../../messages';

/** Blank own-category rows offered below the existing ones. */
const BLANK_ROWS = 2;

/** One own-category row of the form: its index, key and labels by language. */
export interface OwnRow {
	index: number;
	key: string;
	labels: Record<string, string>;
}

/** What the edit form is drawn with: title, checked built-in keys and own rows. */
export interface CampaignEditValues {
	title: string;
	categories: string[];
	own: OwnRow[];
}

async function ownCampaign(db: DbOrTx, p: UserPrincipal, id: string): Promise<CampaignRow> {
	const c = await findCampaign(db, id);
	if (!c || c.municipalityId !== p.municipalityId) throw new NotFoundError('participation_campaign');
	authorize(p, 'participation:campaigns', { municipalityId: c.municipalityId });
	return c;
}

function withBlankRows(own: OwnRow[]): OwnRow[] {
	const filled = own.filter((r) => r.key || Object.values(r.labels).some(Boolean));
	return [...filled, ...Array.from({ length: BLANK_ROWS }, (_, i) => ({ index: filled.length + i, key: '', labels: {} }))].map((r, i) => ({ ...r, index: i }));
}

/**
 * The edit page of one campaign of the person's municipality: its values (or `entered` after an
 * error), the built-in categories, the languages of own labels, whether it can be closed now.
 * @throws NotFoundError for a campaign of another municipality; AccessDeniedError without
 *   `participation:campaigns`.
 */
export async function campaignEditPage(db: DbOrTx, p: UserPrincipal, id: string, locale: string, entered?: CampaignEditValues) {
	const c = await ownCampaign(db, p, id);
	const builtin = DEFAULT_CATEGORIES as readonly string[];
	const values: CampaignEditValues = entered ?? {
		title: c.title,
		categories: c.categories.filter((k) => builtin.includes(k)),
		own: c.categories.filter((k) => !builtin.includes(k)).map((key, index) => ({ index, key, labels: c.categoryLabels[key] ?? {} }))
	};
	const names = displayNames([locale], { type: 'language' });
	return {
		campaign: { id: c.id, title: c.title, opensOn: c.opensOn, closesOn: c.closesOn, open: isOpen(c) },
		values: { ...values, own: withBlankRows(values.own) },
		builtin: builtin.map((k) => ({ value: k, label: msg(`pa_category_${k}`) })),
		languages: locales.map((tag) => ({ tag, name: names.of(tag) ?? tag }))
	};
}

/** The edit form's values as entered (also what it is drawn with again after an error). */
export function enteredCampaignEdit(form: FormData): CampaignEditValues {
	const own: OwnRow[] = [];
	for (let i = 0; form.has(`own.${i}.key`); i++) {
		own.push({ index: i, key: formText(form, `own.${i}.key`).trim(), labels: Object.fromEntries(locales.map((l) => [l, formText(form, `own.${i}.${l}`)])) });
	}
	return { title: formText(form, 'title'), categories: formList(form, 'categories'), own };
}

/**
 * Saves the edit form: built-in categories in their order, then the own rows with a key.
 * @throws as `updateCampaign` (NotFoundError also for another municipality's campaign).
 */
export async function saveCampaignFromForm(db: Db, p: UserPrincipal, id: string, form: FormData): Promise<void> {
	const c = await ownCampaign(db, p, id);
	const v = enteredCampaignEdit(form);
	const rows = v.own.filter((r) => r.key || Object.values(r.labels).some((l) => l.trim()));
	await updateCampaign(db, p, c.id, {
		title: v.title,
		// A row with labels but no key fails as an invalid category rather than vanishing.
		categories: [...DEFAULT_CATEGORIES.filter((k) => v.categories.includes(k)), ...rows.map((r) => r.key || '-')],
		categoryLabels: Object.fromEntries(rows.filter((r) => r.key).map((r) => [r.key, r.labels]))
	});
}

/** Closes the campaign early. @throws as `closeCampaign`. */
export async function closeCampaignFromForm(db: Db, p: UserPrincipal, id: string): Promise<void> {
	const c = await ownCampaign(db, p, id);
	await closeCampaign(db, p, c.id);
}
