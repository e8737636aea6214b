/**
 * Finds numbers that would reach a reader as JavaScript writes them ("12", never "۱۲" or
 * "1.234"), with the type checker over `src/` — TypeScript files, and Svelte components through
 * svelte2tsx, as svelte-check reads them:
 * - `numberInputs`: every call `m.<key>({ input: value })` whose value is typed as a number (the
 *   plural test requires the message to declare it as a number or plural);
 * - `numbersShownRaw`: every `{expression}` in a component's markup typed as a number.
 * Source: issue 12 §8 (plurals and numbers in the reader's language).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { parse } from 'svelte/compiler';
import { svelte2tsx } from 'svelte2tsx';

/** A message input given a number somewhere: `key`, `input`, and the first place (`file:line`). */
export interface NumberInput {
	key: string;
	input: string;
	at: string;
}

/** A number written into markup as it is: the expression and its place (`file:line`). */
export interface RawNumber {
	expression: string;
	at: string;
}

interface Component {
	file: string;
	source: string;
	/** The expressions of `{…}` in markup text (not attribute values), with their offsets. */
	shown: { text: string; start: number }[];
}

interface Project {
	program: ts.Program;
	checker: ts.TypeChecker;
	/** The component behind each generated file (`X.svelte.ts`). */
	components: Map<string, Component>;
	own: (file: string) => boolean;
}

const projects = new Map<string, Project>();

/** The `{…}` expressions of markup text: children of elements and blocks, not attributes. */
function shownExpressions(node: unknown, source: string, out: Component['shown'] = []): Component['shown'] {
	if (!node || typeof node !== 'object') return out;
	const n = node as { type?: string; expression?: { start: number; end: number }; children?: unknown[]; else?: unknown; pending?: unknown; then?: unknown; catch?: unknown };
	if (n.type === 'MustacheTag' && n.expression) out.push({ text: source.slice(n.expression.start, n.expression.end), start: n.expression.start });
	for (const child of n.children ?? []) shownExpressions(child, source, out);
	for (const branch of [n.else, n.pending, n.then, n.catch]) shownExpressions(branch, source, out);
	return out;
}

/** Reads the project once per folder, with its `tsconfig.json` (after `svelte-kit sync`, for the routes' `$types`). */
function readProject(root: string): Project {
	const cached = projects.get(root);
	if (cached) return cached;
	const configFile = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
	if (!configFile) throw new Error(`message-numbers: no tsconfig.json in ${root}`);
	const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
	if (!parsed) throw new Error(`message-numbers: ${configFile} cannot be read`);
	const src = path.join(root, 'src') + path.sep;
	const own = (f: string) => f.startsWith(src) && !f.includes(`${path.sep}paraglide${path.sep}`);
	// A component is read as the TypeScript svelte2tsx makes of it, under its name with `.ts` added.
	const components = new Map<string, Component>();
	const code = new Map<string, string>();
	for (const file of ts.sys.readDirectory(path.join(root, 'src'), ['.svelte']).filter(own)) {
		const source = readFileSync(file, 'utf8');
		components.set(`${file}.ts`, { file, source, shown: shownExpressions(parse(source, { filename: file }).html, source) });
		code.set(`${file}.ts`, svelte2tsx(source, { filename: file, isTsFile: true, mode: 'ts' }).code);
	}
	const host = ts.createCompilerHost(parsed.options);
	const { getSourceFile, fileExists, readFile } = host;
	host.fileExists = (f) => code.has(f) || fileExists.call(host, f);
	host.readFile = (f) => code.get(f) ?? readFile.call(host, f);
	host.getSourceFile = (f, lang, ...rest) => (code.has(f) ? ts.createSourceFile(f, code.get(f)!, lang, true) : getSourceFile.call(host, f, lang, ...rest));
	const shims = createRequire(import.meta.url).resolve('svelte2tsx/svelte-shims-v4.d.ts');
	const program = ts.createProgram({
		rootNames: [...parsed.fileNames.filter((f) => f.endsWith('.ts') && own(f)), ...code.keys(), shims],
		options: { ...parsed.options, noEmit: true },
		host
	});
	const project = { program, checker: program.getTypeChecker(), components, own };
	projects.set(root, project);
	return project;
}

/** A number, or a number that may be missing (`count ?? 0` is typed so; `x?.length` is not). */
function isNumber(type: ts.Type): boolean {
	return type.isUnion()
		? type.types.every((t) => t.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.Null | ts.TypeFlags.Undefined)) && type.types.some((t) => t.flags & ts.TypeFlags.NumberLike)
		: !!(type.flags & ts.TypeFlags.NumberLike);
}

function lineOf(text: string, offset: number): number {
	return text.slice(0, offset).split('\n').length;
}

/**
 * The message inputs the code gives a number.
 * @param root the project folder.
 * @returns each input once, sorted by key and input.
 */
export function numberInputs(root: string): NumberInput[] {
	const { program, checker, components, own } = readProject(root);
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
						const component = components.get(file.fileName);
						// A component's line is looked up by the call's text in its source (the generated code has other lines).
						const line = component ? lineOf(component.source, Math.max(0, component.source.indexOf(`m.${key}(`))) : file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
						const id = `${key}.${input}`;
						if (!found.has(id)) found.set(id, { key, input, at: `${path.relative(root, component?.file ?? file.fileName)}:${line}` });
					}
				}
			}
			ts.forEachChild(node, visit);
		};
		visit(file);
	}
	return [...found.values()].sort((a, b) => a.key.localeCompare(b.key) || a.input.localeCompare(b.input));
}

/**
 * The `{expression}`s of component markup that are typed as numbers: svelte2tsx writes markup
 * text as expression statements, matched here by their text to the markup's own `{…}`.
 * @param root the project folder.
 * @returns each place once, in file order.
 */
export function numbersShownRaw(root: string): RawNumber[] {
	const { program, checker, components } = readProject(root);
	const out: RawNumber[] = [];
	for (const file of program.getSourceFiles()) {
		const component = components.get(file.fileName);
		if (!component) continue;
		const numeric = new Set<string>();
		const visit = (node: ts.Node): void => {
			if (ts.isExpressionStatement(node) && isNumber(checker.getTypeAtLocation(node.expression))) numeric.add(node.expression.getText().replace(/\s+/g, ' '));
			ts.forEachChild(node, visit);
		};
		visit(file);
		for (const shown of component.shown) {
			if (numeric.has(shown.text.replace(/\s+/g, ' '))) out.push({ expression: shown.text, at: `${path.relative(root, component.file)}:${lineOf(component.source, shown.start)}` });
		}
	}
	return out;
}
