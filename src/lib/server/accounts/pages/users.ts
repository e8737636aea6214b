/**
 * The administrator's pages of one account (issue 12 §5): the invitation form, and an account's
 * page with its role and instances, disabling, resetting the second factor and sending the
 * invitation again. Also the invitation mail, written in the language chosen for the person.
 */
import { authorize, worksForInstances, type UserPrincipal } from '../../access';
import type { DbOrTx } from '../../db/client';
import { listInstances } from '../../instances/service';
import { LANGUAGE_NAMES } from '../../../i18n';
import { msg } from '../../../messages';
import { m } from '../../../paraglide/messages.js';
import { isLocale, locales, type Locale } from '../../../paraglide/runtime.js';
import type { InvitationMail } from '../invitations';
import { INVITATION_DAYS, ROLES, type Role } from '../model';
import { getUser } from '../users';
import { accountState, accountStateLabel } from './admin';

/** A role's name in a given language (the invitation mail is in the invitee's). */
const ROLE_NAMES = {
	municipality_admin: m.role_municipality_admin,
	instance_staff: m.role_instance_staff,
	partner_editor: m.role_partner_editor,
	volunteer: m.role_volunteer
} satisfies Record<Role, unknown>;

/** The values of the invitation form, as entered. */
export interface InviteValues {
	email: string;
	displayName: string;
	role: string;
	instanceIds: string[];
	locale: string;
}

/** The invitation form's values from the posted form. */
export function inviteValues(form: FormData): InviteValues {
	const text = (k: string) => String(form.get(k) ?? '').trim();
	return { email: text('email'), displayName: text('displayName'), role: text('role'), instanceIds: form.getAll('instances').map(String), locale: text('locale') };
}

/** The role and instances chosen on an account's page. */
export function accessValues(form: FormData): { role: Role; instanceIds: string[] } {
	return { role: String(form.get('role') ?? '') as Role, instanceIds: form.getAll('instances').map(String) };
}

/**
 * The choices of the forms: roles (with whether they work for instances), the municipality's
 * instances (retired ones only where the account already works for them) and the mail languages.
 */
async function choices(db: DbOrTx, principal: UserPrincipal, assigned: readonly string[] = []) {
	const instances = await listInstances(db, principal.municipalityId);
	return {
		roles: ROLES.map((r) => ({ value: r, label: msg(`role_${r}`), withInstances: worksForInstances(r) })),
		instances: instances
			.filter((i) => !i.retiredAt || assigned.includes(i.id))
			.map((i) => ({ value: i.id, label: i.retiredAt ? m.adm_instance_retired_label({ name: i.name }) : i.name })),
		locales: locales.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))
	};
}

/**
 * The invitation form: its choices and the values to draw it with (defaults: instance staff,
 * the administrator's language).
 * @throws AccessDeniedError without `municipality:administer` on the person's municipality.
 */
export async function invitePage(db: DbOrTx, principal: UserPrincipal, locale: string, values?: InviteValues) {
	authorize(principal, 'municipality:administer', { municipalityId: principal.municipalityId });
	return {
		choices: await choices(db, principal),
		values: values ?? { email: '', displayName: '', role: 'instance_staff', instanceIds: [], locale },
		days: INVITATION_DAYS
	};
}

/**
 * The invitation mail in `locale` (German when it is not a UI language), with the link to the
 * invitation page in that language.
 * @param origin the site's origin, e.g. `https://anlaufstelle.example`.
 * @param invitee who is invited, and by whom, for the greeting.
 */
export function invitationMail(origin: string, locale: string, invitee: { displayName: string; role: string; inviter: string }): InvitationMail {
	const lang: Locale = isLocale(locale) ? locale : 'de';
	const role = ROLE_NAMES[invitee.role as Role]?.({}, { locale: lang }) ?? invitee.role;
	return {
		linkFor: (token) => `${origin}/${lang}/invitation/${token}`,
		subject: m.adm_invite_mail_subject({}, { locale: lang }),
		body: (link) => m.adm_invite_mail_body({ name: invitee.displayName, inviter: invitee.inviter, role, link, days: INVITATION_DAYS }, { locale: lang })
	};
}

/**
 * An account's page: who it is, its state, role and instances, and what the administrator may
 * do with it (never change their own role, disable or reset themselves).
 * @throws NotFoundError, AccessDeniedError as `getUser`.
 */
export async function userPage(db: DbOrTx, principal: UserPrincipal, id: string, values?: { role: string; instanceIds: string[] }) {
	const user = await getUser(db, principal, id);
	const state = accountState(user);
	const all = await listInstances(db, principal.municipalityId);
	return {
		user: {
			id: user.id,
			displayName: user.displayName,
			email: user.email,
			role: user.role,
			roleLabel: msg(`role_${user.role}`),
			instances: all.filter((i) => user.instanceIds.includes(i.id)).map((i) => i.name),
			state,
			stateLabel: accountStateLabel(state),
			totpEnabled: user.totpEnabled,
			language: user.preferredLocale && isLocale(user.preferredLocale) ? LANGUAGE_NAMES[user.preferredLocale] : null
		},
		self: user.id === principal.userId,
		choices: await choices(db, principal, user.instanceIds),
		values: values ?? { role: user.role, instanceIds: user.instanceIds }
	};
}
