/**
 * `dcc-kit-harmony-sim --check <script.js | folder>`: reads a studio's Harmony scripts (ES5, parsed with acorn)
 * and lists every use of a Harmony global object's member that the simulator does not model in full, with
 * file:line, so a studio knows before its CI runs what it can test in the simulator. A name is a Harmony
 * global unless the script declares it itself (a `var node` in a function shadows Harmony's `node` there).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as acorn from 'acorn';
import { DOCUMENTED_API } from './documented-api.ts';
import { definedMemberNames, memberStatuses, type ConformanceRow } from './conformance.ts';

export interface CheckFinding {
  file: string;
  line: number;
  column: number;
  member: string;
  status: 'partial' | 'stub' | 'not simulated' | 'undocumented';
  note: string;
}

export interface CheckResult { files: string[]; findings: CheckFinding[]; errors: Array<{ file: string; message: string }> }

type AstNode = acorn.Node & Record<string, unknown>;

const GLOBAL_OBJECTS = new Set(Object.keys(DOCUMENTED_API).map((k) => k.split('.')[0]!));

/** Every .js file under a folder (sorted), or the file itself. */
export function scriptFiles(target: string): string[] {
  const stat = fs.statSync(target);
  if (stat.isFile()) return [target];
  return fs.readdirSync(target, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => {
      const p = path.join(target, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : scriptFiles(p);
      return e.name.endsWith('.js') ? [p] : [];
    });
}

/** Names a function (or the program) declares for its whole body: var, function declarations, not nested functions. */
function hoisted(body: AstNode, into: Set<string>): void {
  const visit = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) { for (const x of n) visit(x); return; }
    const node = n as AstNode;
    if (typeof node.type !== 'string') return;
    if (node.type === 'FunctionDeclaration') { into.add(((node.id as AstNode).name as string)); return; }
    if (node.type === 'FunctionExpression') return;
    if (node.type === 'VariableDeclarator' && (node.id as AstNode).type === 'Identifier') into.add((node.id as AstNode).name as string);
    for (const key of Object.keys(node)) if (key !== 'loc') visit(node[key]);
  };
  visit(body);
}

function memberChain(n: AstNode): string[] | null {
  if (n.type === 'Identifier') return [n.name as string];
  if (n.type === 'MemberExpression' && !n.computed) {
    const head = memberChain(n.object as AstNode);
    return head === null ? null : [...head, (n.property as AstNode).name as string];
  }
  return null;
}

function findingsOf(file: string, source: string, statuses: Map<string, ConformanceRow>, defined: Set<string>): CheckFinding[] {
  const ast = acorn.parse(source, { ecmaVersion: 5, sourceType: 'script', locations: true, allowReturnOutsideFunction: true }) as unknown as AstNode;
  const out: CheckFinding[] = [];
  const shadowed = (scopes: Set<string>[], name: string) => scopes.some((s) => s.has(name));
  const walk = (n: unknown, scopes: Set<string>[]): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) { for (const x of n) walk(x, scopes); return; }
    const node = n as AstNode;
    if (typeof node.type !== 'string') return;
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') {
      const scope = new Set<string>();
      for (const p of node.params as AstNode[]) if (p.type === 'Identifier') scope.add(p.name as string);
      if (node.type === 'FunctionExpression' && node.id) scope.add((node.id as AstNode).name as string);
      scope.add('arguments');
      hoisted(node.body as AstNode, scope);
      walk(node.body, [...scopes, scope]);
      return;
    }
    if (node.type === 'CatchClause') {
      const scope = new Set<string>();
      if (node.param && (node.param as AstNode).type === 'Identifier') scope.add((node.param as AstNode).name as string);
      walk(node.body, [...scopes, scope]);
      return;
    }
    if (node.type === 'MemberExpression') {
      const chain = memberChain(node);
      if (chain !== null && chain.length >= 2 && GLOBAL_OBJECTS.has(chain[0]!) && !shadowed(scopes, chain[0]!)) {
        // The longest documented object the chain starts with ("Drawing.query" before "Drawing").
        for (let i = chain.length - 1; i >= 1; i--) {
          const object = chain.slice(0, i).join('.');
          if (DOCUMENTED_API[object] === undefined) continue;
          const member = `${object}.${chain[i]}`;
          const row = statuses.get(member);
          const loc = (node.loc as acorn.SourceLocation).start;
          if (row === undefined) {
            if (!defined.has(member)) out.push({ file, line: loc.line, column: loc.column + 1, member, status: 'undocumented', note: 'neither Harmony 24\'s reference nor the simulator has it: a TypeError in both' });
          } else if (row.status !== 'full') {
            out.push({ file, line: loc.line, column: loc.column + 1, member, status: row.status, note: row.note });
          }
          return; // the chain's inner member expressions are the same use
        }
        return;
      }
    }
    for (const key of Object.keys(node)) if (key !== 'loc') walk(node[key], scopes);
  };
  const top = new Set<string>();
  hoisted(ast, top);
  walk(ast, [top]);
  return out;
}

/** Members the simulator defines on its global objects beyond the documented ones (PaletteObjectManager.Constants...). */
function definedMembers(rows: Map<string, ConformanceRow>, extra: Record<string, string[]>): Set<string> {
  const out = new Set(rows.keys());
  for (const [object, names] of Object.entries(extra)) for (const n of names) out.add(`${object}.${n}`);
  return out;
}

export function checkScripts(target: string, simulatorMembers: Record<string, string[]> = definedMemberNames()): CheckResult {
  const files = scriptFiles(target);
  const statuses = memberStatuses();
  const defined = definedMembers(statuses, simulatorMembers);
  const findings: CheckFinding[] = [];
  const errors: CheckResult['errors'] = [];
  for (const file of files) {
    try {
      findings.push(...findingsOf(file, fs.readFileSync(file, 'utf8'), statuses, defined));
    } catch (err) {
      const e = err as Error & { loc?: { line: number; column: number } };
      errors.push({ file, message: e.loc ? `${file}:${e.loc.line}:${e.loc.column + 1}: not ES5 (${e.message})` : `${file}: ${e.message}` });
    }
  }
  return { files, findings, errors };
}

/** The lines --check prints and its exit code: 1 when a call is not modelled (stub, not simulated, undocumented) or a file does not parse. */
export function formatCheck(result: CheckResult, cwd = process.cwd()): { text: string; code: number } {
  const rel = (f: string) => (path.isAbsolute(f) ? path.relative(cwd, f) || f : f);
  const lines: string[] = [];
  for (const e of result.errors) lines.push(e.message.replace(e.file, rel(e.file)));
  for (const f of result.findings) lines.push(`${rel(f.file)}:${f.line}:${f.column}: ${f.member}: ${f.status}${f.note ? ` (${f.note})` : ''}`);
  const missing = result.findings.filter((f) => f.status !== 'partial');
  const partial = result.findings.length - missing.length;
  lines.push(missing.length === 0 && result.errors.length === 0
    ? `${result.files.length} file(s): every Harmony call is modelled by the simulator${partial ? ` (${partial} use(s) of partly modelled members listed above)` : ''}`
    : `${result.files.length} file(s): ${missing.length} call(s) the simulator does not model${partial ? `, ${partial} partly modelled` : ''}${result.errors.length ? `, ${result.errors.length} file(s) that do not parse as ES5` : ''}`);
  return { text: lines.join('\n'), code: missing.length > 0 || result.errors.length > 0 ? 1 : 0 };
}
