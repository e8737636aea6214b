/** Valid directory inputs for tests, to be varied per case. */
import type { OrganizationInput, ServiceInput } from '../../src/lib/server/directory/service';
import { originalText } from '../../src/lib/server/directory/texts';

/** A public welfare association in Köln with no places. */
export function org(overrides: Partial<OrganizationInput> = {}): OrganizationInput {
	return {
		name: 'Caritas Köln',
		alternateNames: [],
		description: originalText('de', 'Beratung für Zugewanderte'),
		actorType: 'welfare_association',
		email: '',
		phone: '',
		website: '',
		visibility: 'public',
		instanceId: null,
		socialSpaceIds: [],
		locations: [],
		...overrides
	};
}

/** A free, low-threshold German course in Köln-Kalk, Tuesdays 9–12, at one step-free place. */
export function offer(organizationId: string, overrides: Partial<ServiceInput> = {}): ServiceInput {
	return {
		organizationId,
		instanceId: null,
		name: originalText('de', 'Deutschkurs für Anfänger'),
		description: originalText('de', 'Kostenloser Sprachkurs am Vormittag'),
		status: 'active',
		visibility: 'public',
		themeFields: [],
		subtopics: ['language_course'],
		dimensionsOverride: null,
		targetGroups: ['newcomers'],
		minimumAge: 16,
		maximumAge: null,
		languages: ['de', 'ar'],
		costKind: 'free',
		costAmountCents: null,
		costNote: {},
		lowThreshold: true,
		accessRequirements: {},
		requiredDocuments: originalText('de', 'Ausweis'),
		eligibility: {},
		url: '',
		email: '',
		phone: '',
		contactName: '',
		locations: [
			{
				name: 'Bürgerzentrum Kalk',
				street: 'Kalker Hauptstraße 1',
				postalCode: '51103',
				city: 'Köln',
				latitude: 50.9385,
				longitude: 6.9985,
				accessibility: ['step_free'],
				accessibilityNote: {},
				directions: {}
			}
		],
		schedules: [
			{ weekday: 2, opensAt: '09:00', closesAt: '12:00', validFrom: null, validTo: null, appointmentOnly: false, note: {}, location: 0 }
		],
		...overrides
	};
}

