/**
 * One's own account page (issue 11 §6; issue 12 §6): the password, and the second factor with
 * its QR code and recovery codes. The QR code is an SVG drawn on the server (qrcode), no script:
 * an authenticator app scans it, and the key beside it is the same secret as text for typing in
 * (the accessible way; the picture is hidden from screen readers).
 */
import QRCode from 'qrcode';
import type { UserPrincipal } from '../../access';
import type { DbOrTx } from '../../db/client';
import { secondFactorState } from '../totp';

/** The secret in groups of four characters, as authenticator apps show and people type it. */
function grouped(secret: string): string {
	return secret.match(/.{1,4}/g)!.join(' ');
}

/**
 * The page's data: whether the second factor is on, how many recovery codes are left, and an
 * enrolment in progress with its QR code (so it is shown again after a wrong code or a reload).
 * @throws AccessDeniedError for anyone but the account's owner.
 */
export async function accountPage(db: DbOrTx, principal: UserPrincipal) {
	const state = await secondFactorState(db, principal);
	const enrolment = state.pending;
	return {
		email: principal.email,
		totpEnabled: state.enabled,
		recoveryCodesLeft: state.recoveryCodesLeft,
		enrolment: enrolment && {
			secret: grouped(enrolment.secret),
			uri: enrolment.uri,
			// A quiet zone of four modules, as ISO/IEC 18004 asks, so phone cameras find the code.
			qrSvg: (await QRCode.toString(enrolment.uri, { type: 'svg', margin: 4, errorCorrectionLevel: 'M' })).replace('<svg ', '<svg aria-hidden="true" focusable="false" class="totp-qr" ')
		}
	};
}
