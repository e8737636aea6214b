/**
 * Finds the numbers that reach UI messages: every call `m.<key>({ input: value })` in `src/`
 * (TypeScript files, and Svelte components through svelte2tsx, as svelte-check reads them) whose
 * value the type checker types as a number. The plural test requires each of them to be declared
 * as a number or plural in the message, so it is written with the reader's digits (issue 12 §8).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { svelte2tsx } from 'svelte2tsx';

/** A message input given a number somewhere: `key`, `input`, and the first place (`file:line`). */
export interface NumberInput {
	key: string;
	input: string;
	at: string;
}

/**
 * Reads the project with its `tsconfig.json` (after `svelte-kit sync`, for the routes' `$types`).
 * @param root the project folder.
 * @returns the numeric inputs, each once, sorted by key and input.
 */
export function numberInputs(root: string): NumberInput[] {
	const configFile = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
	if (!configFile) throw new Error(`message-numbers: no tsconfig.json in ${root}`);
	const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
	if (!parsed) throw new Error(`message-numbers: ${configFile} cannot be read`);
	const src = path.join(root, 'src') + path.sep;
	const own = (f: string) => f.startsWith(src) && !f.includes(`${path.sep}paraglide${path.sep}`);
	// A component is read as the TypeScript svelte2tsx makes of it, under its name with `.ts` added.
	const svelteFiles = ts.sys.readDirectory(path.join(root, 'src'), ['.svelte']).filter(own);
	const virtual = new Map<string, string>(
		svelteFiles.map((f) => [`${f}.ts`, svelte2tsx(readFileSync(f, 'utf8'), { filename: f, isTsFile: true, mode: 'ts' }).code])
	);
	const host = ts.createCompilerHost(parsed.options);
	const { getSourceFile, fileExists, readFile } = host;
	host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
	host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
	host.getSourceFile = (f, lang, ...rest) => (virtual.has(f) ? ts.createSourceFile(f, virtual.get(f)!, lang, true) : getSourceFile.call(host, f, lang, ...rest));
	const shims = createRequire(import.meta.url).resolve('svelte2tsx/svelte-shims-v4.d.ts');
	const program = ts.createProgram({
		rootNames: [...parsed.fileNames.filter((f) => f.endsWith('.ts') && own(f)), ...virtual.keys(), shims],
		options: { ...parsed.options, noEmit: true },
		host
	});
	const checker = program.getTypeChecker();
	// A number, or a number that may be missing (`count ?? 0` is typed so; `x?.length` is not).
	const isNumber = (type: ts.Type): boolean =>
		type.isUnion()
			? type.types.every((t) => t.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.Null | ts.TypeFlags.Undefined)) && type.types.some((t) => t.flags & ts.TypeFlags.NumberLike)
			: !!(type.flags & ts.TypeFlags.NumberLike);
	const found = new Map<string, NumberInput>();
	for (const file of program.getSourceFiles()) {
		if (!own(file.fileName)) continue;
		const visit = (node: ts.Node): void => {
			if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'm') {
				const [arg] = node.arguments;
				if (arg && ts.isObjectLiteralExpression(arg)) {
					for (const p of arg.properties) {
						const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : null;
						if (!value || !isNumber(checker.getTypeAtLocation(value))) continue;
						const key = node.expression.name.text;
						const input = p.name!.getText();
						const id = `${key}.${input}`;
						if (!found.has(id)) found.set(id, { key, input, at: `${path.relative(root, file.fileName.replace(/\.svelte\.ts$/, '.svelte'))}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}` });
					}
				}
			}
			ts.forEachChild(node, visit);
		};
		visit(file);
	}
	return [...found.values()].sort((a, b) => a.key.localeCompare(b.key) || a.input.localeCompare(b.input));
}
