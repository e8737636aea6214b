/** Accounts' operator commands: creating users (the command line acts as the system principal). */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { optional, required, UsageError, type CliCommand } from '../core/command';
import { NotFoundError } from '../core/errors';
import { ROLES, type Role } from './model';

export const commands: CliCommand[] = [
	{
		name: 'user create',
		help: `user create --email E --name N --role ${ROLES.join('|')} --municipality SLUG
    [--instance SLUG …] [--password-file FILE]     (without a file a password is generated and printed once)`,
		options: {
			email: { type: 'string' },
			name: { type: 'string' },
			role: { type: 'string' },
			municipality: { type: 'string' },
			instance: { type: 'string', multiple: true },
			'password-file': { type: 'string' }
		},
		async run({ values, withDatabase }) {
			const role = required(values, 'role') as Role;
			if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
			const passwordFile = optional(values, 'password-file');
			const password = passwordFile ? (await readFile(passwordFile, 'utf8')).trim() : randomBytes(18).toString('base64url');
			const [{ createUser }, { requireMunicipality }, { listInstances }, { systemPrincipal }] = await Promise.all([
				import('./users'),
				import('../geography/service'),
				import('../instances/service'),
				import('../access')
			]);
			await withDatabase(async (h) => {
				const m = await requireMunicipality(h.db, required(values, 'municipality'));
				const instances = await listInstances(h.db, m.id);
				const instanceIds = ((values.instance as string[] | undefined) ?? []).map((slug) => {
					const found = instances.find((i) => i.slug === slug);
					if (!found) throw new NotFoundError(`unknown instance "${slug}" in ${m.slug}`);
					return found.id;
				});
				const user = await createUser(h.db, systemPrincipal('cli'), {
					email: required(values, 'email'),
					displayName: required(values, 'name'),
					role,
					municipalityId: m.id,
					instanceIds,
					password
				});
				console.log(`created ${user.role} ${user.email} in ${m.slug}`);
				if (!passwordFile) console.log(`password (shown once): ${password}`);
			});
		}
	}
];
