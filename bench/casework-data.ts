/**
 * Synthetic Lotsen data for benchmarks (issue 4 "Performance"): anonymous counselling contacts,
 * referrals and consent-based cases of one municipality, spread over its instances (one bench
 * instance per Stadtbezirk is created when it has none) and the last 12 months.
 *
 * Rows are made in the database by `generate_series` in batches (one statement per 50,000
 * contacts), so a million contacts take a few hundred statements' worth of work on PGlite and on
 * PostgreSQL. Pseudo-random choices come from `hashtext` of the row number and the seed, so a
 * run with the same seed on the same engine writes the same data. Distributions (invented, of
 * plausible shape), in the order they happened (evenly over the year, like a live system
 * writes them): walk-in 3/8, phone 2/8; Arabic and German most frequent; one or two
 * sub-topics; an interpreter for a quarter; a Sozialraum for 60 %; an unmet topic for 10 %.
 * Referrals: 20 % issued, 10 % received, 10 % appointment, 45 % helped, 15 % not possible;
 * tokens only for the last 90 days. Cases: a consent row, three steps, two notes (one
 * encrypted note text, encrypted once and reused — the cost measured is the database's).
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../src/lib/server/db/client';
import { CONTACT_ATTRIBUTES, CONTACT_CHANNELS, REFERRAL_FAILURE_REASONS } from '../src/lib/server/casework/model';
import { encryptText } from '../src/lib/server/casework/crypto';
import { SUBTOPIC_FIELD } from '../src/lib/server/directory/model';
import { organization } from '../src/lib/server/directory/schema';
import { district, municipality, socialSpace } from '../src/lib/server/geography/schema';
import { instance, instanceSocialSpace } from '../src/lib/server/instances/schema';

/** What to generate. */
export interface CaseworkScale {
	/** Municipality to fill (default `duesseldorf`). */
	municipalitySlug?: string;
	contacts: number;
	referrals: number;
	cases: number;
	/** Seed of the pseudo-random choices (same seed, same data). */
	seed: number;
}

const BATCH = 50_000;
const DAY_MS = 86_400_000;

function lit(values: readonly string[]): string {
	return `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]::text[]`;
}

/** `hashtext`-based pseudo-random integer in [0, n) for row `g`, stream `k`. */
function pick(k: string, n: number, seed: number): string {
	return `mod(abs(hashtext(g::text || '${k}${seed}')), ${n})`;
}

/**
 * Writes the data set. `now` anchors the 12 months (contacts lie in the year before it).
 * @returns counts written and the instance ids used.
 * @throws Error when the municipality does not exist or has no social spaces.
 */
export async function generateCasework(
	db: Db,
	scale: CaseworkScale,
	now: Date = new Date(),
	log: (s: string) => void = () => {}
): Promise<{ contacts: number; referrals: number; cases: number; instanceIds: string[]; municipalityId: string }> {
	const slug = scale.municipalitySlug ?? 'duesseldorf';
	const [m] = await db.select().from(municipality).where(eq(municipality.slug, slug));
	if (!m) throw new Error(`municipality "${slug}" not found`);
	const spaces = await db.select({ id: socialSpace.id, districtId: socialSpace.districtId }).from(socialSpace).where(eq(socialSpace.municipalityId, m.id)).orderBy(socialSpace.id);
	if (!spaces.length) throw new Error(`municipality "${slug}" has no social spaces`);
	let instances = await db
		.select({ id: instance.id, districtId: socialSpace.districtId })
		.from(instance)
		.innerJoin(instanceSocialSpace, eq(instanceSocialSpace.instanceId, instance.id))
		.innerJoin(socialSpace, eq(socialSpace.id, instanceSocialSpace.socialSpaceId))
		.where(eq(instance.municipalityId, m.id))
		.orderBy(instance.id, socialSpace.name);
	instances = instances.filter((r, i) => instances.findIndex((x) => x.id === r.id) === i);
	if (!instances.length) {
		const districts = await db.select().from(district).where(eq(district.municipalityId, m.id)).orderBy(district.code);
		for (const d of districts) {
			const [inst] = await db.insert(instance).values({ municipalityId: m.id, slug: `bench-wp-${d.slug}`, name: `Bench Welcome Point ${d.name}`, isDemo: true }).returning();
			const space = spaces.find((s) => s.districtId === d.id);
			if (space) await db.insert(instanceSocialSpace).values({ instanceId: inst.id, socialSpaceId: space.id });
			instances.push({ id: inst.id, districtId: d.id });
		}
	}
	const seed = scale.seed;
	const subtopics = Object.keys(SUBTOPIC_FIELD);
	const channels = ['walk_in', 'walk_in', 'walk_in', 'phone', 'phone', 'message', 'outreach', 'partner_hours'];
	if (!channels.every((c) => CONTACT_CHANNELS.some((k) => k.key === c))) throw new Error('channel list out of date');
	const languages = ['ar', 'ar', 'de', 'de', 'fa', 'uk', 'tr', 'ru', 'en', 'ti', 'ku', 'so'];
	const ages = CONTACT_ATTRIBUTES.age_band.map((a) => a.key);
	const households = CONTACT_ATTRIBUTES.household_type.map((a) => a.key);
	const start = now.getTime() - 365 * DAY_MS;
	const inst = `(${lit(instances.map((i) => i.id))})[1 + ${pick('i', instances.length, seed)}]::uuid`;
	const instDistrict = `(${lit(instances.map((i) => i.districtId))})[1 + ${pick('i', instances.length, seed)}]::uuid`;
	const space = `(${lit(spaces.map((s) => s.id))})[1 + ${pick('s', spaces.length, seed)}]::uuid`;
	const spaceDistrict = `(${lit(spaces.map((s) => s.districtId))})[1 + ${pick('s', spaces.length, seed)}]::uuid`;
	const st1 = `(${lit(subtopics)})[1 + ${pick('t1', subtopics.length, seed)}]`;
	const st2 = `(${lit(subtopics)})[1 + ${pick('t2', subtopics.length, seed)}]`;
	const sf1 = `(${lit(subtopics.map((s) => SUBTOPIC_FIELD[s]))})[1 + ${pick('t1', subtopics.length, seed)}]`;
	const sf2 = `(${lit(subtopics.map((s) => SUBTOPIC_FIELD[s]))})[1 + ${pick('t2', subtopics.length, seed)}]`;
	const two = `${pick('n', 3, seed)} = 0`;
	// Contacts are written in the order they happened, as a live system records them (so a
	// month's rows lie together in the table, like in production).
	const spacing = Math.max(1, Math.floor((365 * 86400) / Math.max(1, scale.contacts)));
	for (let from = 1; from <= scale.contacts; from += BATCH) {
		const to = Math.min(scale.contacts, from + BATCH - 1);
		await db.execute(
			sql.raw(`
			insert into counselling_contact (municipality_id, instance_id, district_id, social_space_id, contacted_at, channel, language,
				interpreter_needed, theme_fields, sub_topics, attributes, unmet_topics, created_at)
			select '${m.id}'::uuid, x.inst, coalesce(x.space_district, x.inst_district), x.space, x.at, x.channel, x.language, x.interpreter,
				case when x.two and x.f1 <> x.f2 then array[x.f1, x.f2] else array[x.f1] end,
				case when x.two and x.t1 <> x.t2 then array[x.t1, x.t2] else array[x.t1] end,
				x.attributes, case when x.unmet then array[x.t1] else '{}'::text[] end, x.at
			from (
				select ${inst} as inst, ${instDistrict} as inst_district,
					case when ${pick('sp', 10, seed)} < 6 then ${space} end as space,
					case when ${pick('sp', 10, seed)} < 6 then ${spaceDistrict} end as space_district,
					to_timestamp(${start / 1000} + (g - 1) * ${spacing} + ${pick('at', spacing, seed)}) as at,
					(${lit(channels)})[1 + ${pick('c', channels.length, seed)}] as channel,
					(${lit(languages)})[1 + ${pick('l', languages.length, seed)}] as language,
					${pick('ip', 4, seed)} = 0 as interpreter,
					${st1} as t1, ${st2} as t2, ${sf1} as f1, ${sf2} as f2, ${two} as two,
					jsonb_build_object('age_band', (${lit(ages)})[1 + ${pick('a', ages.length, seed)}],
						'household_type', (${lit(households)})[1 + ${pick('h', households.length, seed)}],
						'new_arrival', case when ${pick('na', 3, seed)} = 0 then 'yes' else 'no' end) as attributes,
					${pick('u', 10, seed)} = 0 as unmet
				from generate_series(${from}, ${to}) as g
			) x`)
		);
		log(`  contacts ${to}/${scale.contacts}`);
	}

	const orgs = await db.select({ id: organization.id, name: organization.name }).from(organization).where(eq(organization.municipalityId, m.id)).orderBy(organization.id).limit(200);
	const targets = orgs.length ? orgs : Array.from({ length: 50 }, (_, i) => ({ id: '', name: `Bench-Beratungsstelle ${i + 1}` }));
	const statuses = ['issued', 'issued', 'received', 'appointment', 'helped', 'helped', 'helped', 'helped', 'not_possible', 'not_possible'];
	const reasons = REFERRAL_FAILURE_REASONS.map((r) => r.key);
	const refSpacing = Math.max(1, Math.floor((365 * 86400) / Math.max(1, scale.referrals)));
	for (let from = 1; from <= scale.referrals; from += BATCH) {
		const to = Math.min(scale.referrals, from + BATCH - 1);
		const tokenDays = 90 * 86400;
		await db.execute(
			sql.raw(`
			insert into referral (municipality_id, instance_id, district_id, organization_id, target_label, topic, token_hash, reference_code,
				status, failure_reason, status_changed_at, expires_at, created_at)
			select '${m.id}'::uuid, x.inst, x.inst_district, nullif(x.org, '')::uuid, x.label, x.topic,
				case when x.age < ${tokenDays} then encode(sha256(('bench-${seed}-' || x.g)::bytea), 'hex') end,
				case when x.age < ${tokenDays} then 'B${seed}-' || x.g end,
				x.status, case when x.status = 'not_possible' then x.reason end, x.at, x.at + interval '90 days', x.at
			from (
				select g, ${inst} as inst, ${instDistrict} as inst_district,
					(${lit(targets.map((t) => t.id))})[1 + ${pick('o', targets.length, seed)}] as org,
					(${lit(targets.map((t) => t.name))})[1 + ${pick('o', targets.length, seed)}] as label,
					${st1} as topic,
					${365 * 86400} - (g - 1) * ${refSpacing} as age,
					to_timestamp(${now.getTime() / 1000} - ${365 * 86400} + (g - 1) * ${refSpacing}) as at,
					(${lit(statuses)})[1 + ${pick('rs', statuses.length, seed)}] as status,
					(${lit(reasons)})[1 + ${pick('rr', reasons.length, seed)}] as reason
				from generate_series(${from}, ${to}) as g
			) x`)
		);
		log(`  referrals ${to}/${scale.referrals}`);
	}

	if (scale.cases > 0) {
		const note = encryptText('Bench-Notiz: erfundener Beratungsverlauf, keine echte Person.');
		for (let from = 1; from <= scale.cases; from += BATCH) {
			const to = Math.min(scale.cases, from + BATCH - 1);
			const prefix = `B${seed}-`;
			await db.execute(
				sql.raw(`
				insert into case_file (municipality_id, instance_id, case_number, language, status, opened_at, closed_at, delete_after)
				select '${m.id}'::uuid, x.inst, '${prefix}' || g, x.language, x.status, x.opened,
					case when x.status = 'closed' then x.opened + interval '30 days' end,
					case when x.status = 'closed' then x.opened + interval '30 days' + interval '6 months' end
				from (
					select g, ${inst} as inst, (${lit(languages)})[1 + ${pick('l', languages.length, seed)}] as language,
						case when ${pick('cs', 3, seed)} = 0 then 'closed' else 'open' end as status,
						to_timestamp(${now.getTime() / 1000} - ${pick('co', 365 * 86400, seed)}) as opened
					from generate_series(${from}, ${to}) as g
				) x`)
			);
			const batch = sql.raw(`c.municipality_id = '${m.id}' and c.case_number like '${prefix}%' and substr(c.case_number, ${prefix.length + 1})::int between ${from} and ${to}`);
			await db.execute(sql`
				insert into case_consent (case_id, purposes, data_categories, partner_categories, given_on, explained_in, recorded_at)
				select c.id, '{counselling,referral}', '{language,topics,notes,appointments}', '{}', c.opened_at::date, c.language, c.opened_at
				from case_file c where ${batch}`);
			await db.execute(sql`
				insert into case_step (case_id, kind, at, topics, created_at)
				select c.id, (array['contact','appointment','referral'])[k], c.opened_at + k * interval '3 days', '{language_course}', c.opened_at
				from case_file c, generate_series(1, 3) as k where ${batch}`);
			await db.execute(sql`
				insert into case_note (case_id, body_enc, created_at)
				select c.id, ${note}, c.opened_at + k * interval '1 day' from case_file c, generate_series(1, 2) as k where ${batch}`);
			log(`  cases ${to}/${scale.cases}`);
		}
	}
	await db.execute(sql`analyze counselling_contact`);
	await db.execute(sql`analyze referral`);
	return { contacts: scale.contacts, referrals: scale.referrals, cases: scale.cases, instanceIds: instances.map((i) => i.id), municipalityId: m.id };
}
