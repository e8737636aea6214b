/**
 * Participation evidence on a needs report's page and in its download (issue 16 §4): the
 * attached results (a campaign's published counts per social space, or the feedback counts),
 * the choices to attach for those who steer the report, and the CSV of what is attached. Steering
 * imports nothing of Partizipation: the report's route joins this part to its page.
 */
import { can, type UserPrincipal } from '../../access';
import { spreadsheetCsv } from '../../core/csv';
import { formText } from '../../core/form';
import type { Db, DbOrTx } from '../../db/client';
import { m } from '../../../paraglide/messages.js';
import { msg } from '../../../messages';
import { listCampaigns, type CampaignRow } from '../campaigns';
import { attachEvidence, detachEvidence, listEvidence, type EvidenceRow } from '../evidence';
import { categoryLabel } from './labels';

function categoryText(campaign: CampaignRow | undefined, key: string, locale: string): string {
	return campaign ? categoryLabel(campaign, key, locale) : msg(`pa_category_${key}`, {}, key);
}

/** One evidence as drawn: a title and rows of label and value. */
function evidenceView(e: EvidenceRow, campaigns: Map<string, CampaignRow>, locale: string) {
	const s = e.snapshot;
	if (s.kind === 'feedback') {
		return {
			id: e.id,
			title: m.ps_feedback_title(),
			attachedOn: e.createdAt,
			rows: [
				{ label: m.ps_feedback_total(), category: '', value: String(s.feedback) },
				{ label: m.ps_feedback_helped(), category: '', value: String(s.helped) },
				{ label: m.ps_feedback_closed(), category: '', value: String(s.closed) },
				{ label: m.ps_feedback_moved(), category: '', value: String(s.moved) },
				{ label: m.ps_feedback_offers(), category: '', value: String(s.offers) }
			]
		};
	}
	const c = e.campaignId ? campaigns.get(e.campaignId) : undefined;
	return {
		id: e.id,
		title: m.ps_evidence_campaign_option({ title: s.title }),
		attachedOn: e.createdAt,
		rows: s.rows.map((r) => ({ label: r.space, category: categoryText(c, r.category, locale), value: r.n === null ? m.ps_suppressed({ k: s.k }) : String(r.n) }))
	};
}

/**
 * The evidence part of a needs report's page: what is attached, and — for a person who steers
 * needs reports and runs campaigns — the results that can be attached.
 * @throws NotFoundError, AccessDeniedError as `getNeedsReport`.
 */
export async function needsEvidencePart(db: DbOrTx, p: UserPrincipal, reportId: string, locale: string) {
	const items = await listEvidence(db, p, reportId);
	const mayAttach = can(p, 'needs:steer', { municipalityId: p.municipalityId }) && can(p, 'participation:campaigns', { municipalityId: p.municipalityId });
	const campaigns = await listCampaigns(db, p.municipalityId);
	const byId = new Map(campaigns.map((c) => [c.id, c]));
	return {
		items: items.map((e) => evidenceView(e, byId, locale)),
		options: mayAttach ? [{ value: 'feedback', label: m.ps_evidence_feedback_option() }, ...campaigns.map((c) => ({ value: c.id, label: m.ps_evidence_campaign_option({ title: c.title }) }))] : []
	};
}

/** Attaches the result chosen in the form (`source`). @throws as `attachEvidence`. */
export async function attachEvidenceFromForm(db: Db, p: UserPrincipal, reportId: string, form: FormData): Promise<void> {
	await attachEvidence(db, p, reportId, formText(form, 'source'));
}

/** Removes the evidence named in the form (`evidence`). @throws as `detachEvidence`. */
export async function detachEvidenceFromForm(db: Db, p: UserPrincipal, reportId: string, form: FormData): Promise<void> {
	await detachEvidence(db, p, reportId, formText(form, 'evidence'));
}

/**
 * The attached evidence as a CSV download (UTF-8 with BOM, `;` for German spreadsheets): one
 * line per row of each evidence — evidence, attached on (ISO date), place or figure, category,
 * count.
 * @throws NotFoundError, AccessDeniedError as `getNeedsReport`.
 */
export async function needsEvidenceCsv(db: DbOrTx, p: UserPrincipal, reportId: string, locale: string): Promise<Response> {
	const part = await needsEvidencePart(db, p, reportId, locale);
	const lines = [
		[m.ps_evidence_title(), m.ps_col_attached(), m.ps_col_space(), m.ps_col_category(), m.ps_col_count()],
		...part.items.flatMap((e) => e.rows.map((r) => [e.title, e.attachedOn.toISOString().slice(0, 10), r.label, r.category, r.value]))
	];
	return new Response(spreadsheetCsv(lines, ';'), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': 'attachment; filename="participation-evidence.csv"',
			'cache-control': 'private, no-store',
			'x-content-type-options': 'nosniff'
		}
	});
}
