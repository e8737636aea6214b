/**
 * Labels of the Lotsen statistics (issue 4 §7) in the request's language, shared by the report
 * page and the CSV/XLSX downloads so both say the same: table titles, and row labels from the
 * vocabularies (channels, attributes, topics, referral statuses and reasons, methods and the
 * kinds of group-work events), language names
 * from `Intl.DisplayNames`, and data-named rows (social spaces, actors, targets) as stored.
 */
import { msg } from '$lib/messages';
import { m } from '$lib/paraglide/messages.js';
import { displayNames } from '../intl';

/** A report row as far as labelling needs it. */
export interface LabelledRow {
	key: string;
	label?: string;
}

/** The label of a topic key: a theme field or a sub-topic. */
export function topicLabel(key: string): string {
	return msg(`opt_theme_fields_${key}`, {}, msg(`subtopic_${key}`));
}

/** The title of a table (`channel`, `attr:age_band`, `referral_status`, `unmet_topic`, …). */
export function tableTitle(key: string): string {
	if (key.startsWith('attr:')) return m.cc_table_attr({ attribute: msg(`cc_attr_${key.slice(5)}`) });
	return msg(`cc_table_${key}`);
}

/** The label of a row of table `table` (referral tables prefixed `referral_`). */
export function rowLabel(table: string, row: LabelledRow, locale: string): string {
	if (row.label) return row.label;
	switch (table) {
		case 'channel':
			return msg(`cc_channel_${row.key}`);
		case 'language':
			try {
				return displayNames([locale], { type: 'language' }).of(row.key) ?? row.key;
			} catch {
				return row.key;
			}
		case 'interpreter':
			return msg(`cc_interpreter_${row.key}`);
		case 'theme_field':
		case 'sub_topic':
		case 'unmet_topic':
		case 'referral_topic':
			return topicLabel(row.key);
		case 'referral_status':
			return msg(`cc_status_${row.key}`);
		case 'referral_failure_reason':
			return msg(`cc_reason_${row.key}`);
		case 'method':
			return msg(`cc_method_${row.key}`);
		case 'group_work_sessions':
		case 'group_work_participants':
			return msg(`ho_kind_${row.key}`);
		case 'group_work_theme':
			return topicLabel(row.key);
		default:
			return table.startsWith('attr:') ? msg(`cc_attr_${table.slice(5)}_${row.key}`) : row.key;
	}
}
