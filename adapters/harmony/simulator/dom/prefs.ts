/**
 * Harmony preferences the simulator knows, with Harmony's defaults: what `preferences.getBool(name)` returns
 * when a script has not set the preference, and what the simulated installation's resources/prefs.xml lists
 * (libraries read that file to enumerate preferences: OpenHarmony's `$.app.preferences`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './persist.ts';

export type PrefType = 'bool' | 'int' | 'double' | 'string' | 'color';
export interface PrefDef { category: string; keyword: string; type: PrefType; value: boolean | number | string; description: string }

export const KNOWN_PREFERENCES: PrefDef[] = [
  { category: 'General', keyword: 'ELEMENT_CAN_BE_ANIMATED_DEFAULT_VALUE', type: 'bool', value: false, description: 'New drawing layers can be animated' },
  { category: 'General', keyword: 'READ_DEFAULT_SEPARATE_POSITION', type: 'bool', value: true, description: 'New drawing layers use separate position functions' },
  { category: 'General', keyword: 'READ_DEFAULT_SEPARATE_SCALE', type: 'bool', value: true, description: 'New drawing layers use separate scale functions' },
  { category: 'General', keyword: 'READ_USE_DRAWING_PIVOT', type: 'bool', value: false, description: 'New drawing layers apply the embedded drawing pivot' },
  { category: 'Exposure Sheet', keyword: 'XSHEET_NAME_BY_FRAME', type: 'bool', value: true, description: 'Name new drawings after the frame they are created on' },
  { category: 'Exposure Sheet', keyword: 'XSHEET_DEFAULT_EXPOSURE', type: 'int', value: 1, description: 'Default exposure of new drawings' },
  { category: 'Scene', keyword: 'DEFAULT_FRAME_RATE', type: 'double', value: 24, description: 'Frame rate of new scenes' },
  { category: 'Node View', keyword: 'NODE_VIEW_DEFAULT_NODE_SPACING', type: 'int', value: 40, description: 'Spacing between nodes placed automatically' },
];

const byKeyword = new Map(KNOWN_PREFERENCES.map((p) => [p.keyword, p]));
export function knownPreference(keyword: string): PrefDef | undefined { return byKeyword.get(keyword); }

const xmlAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function prefsXml(): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<preferences>'];
  for (const category of [...new Set(KNOWN_PREFERENCES.map((p) => p.category))]) {
    lines.push(` <category id="${xmlAttr(category)}">`);
    for (const p of KNOWN_PREFERENCES.filter((x) => x.category === category)) {
      lines.push(`  <${p.type} id="${p.keyword}" shortDesc="${xmlAttr(p.description)}" value="${String(p.value)}"/>`);
    }
    lines.push(' </category>');
  }
  lines.push('</preferences>', '');
  return lines.join('\n');
}

/**
 * The simulated installation's scripts/TB_orderNetworkUp.js (Harmony ships one; this is dcc-kit's own, ES5):
 * TB_orderNetworkUpBatchFromList(nodes) lays the nodes out top-down by how many of them feed each one.
 */
export const ORDER_NETWORK_SCRIPT = `// dcc-kit simulator: lays out nodes in the Node View, sources at the top.
function TB_orderNetworkUpBatchFromList(nodes) {
  var inSet = {};
  var i, j;
  for (i = 0; i < nodes.length; i++) inSet[nodes[i]] = true;
  var level = {};
  var depthOf = function (n, guard) {
    if (level[n] !== undefined) return level[n];
    if (guard > nodes.length) return 0;
    var d = 0;
    for (var p = 0; p < node.numberOfInputPorts(n); p++) {
      var src = node.srcNode(n, p);
      if (src !== "" && inSet[src]) d = Math.max(d, depthOf(src, guard + 1) + 1);
    }
    level[n] = d;
    return d;
  };
  var rows = [];
  for (i = 0; i < nodes.length; i++) {
    var d = depthOf(nodes[i], 0);
    (rows[d] = rows[d] || []).push(nodes[i]);
  }
  for (i = 0; i < rows.length; i++) {
    if (!rows[i]) continue;
    for (j = 0; j < rows[i].length; j++) node.setCoord(rows[i][j], j * 180 - (rows[i].length - 1) * 90, i * 100);
  }
}
function TB_orderNetworkUp() { TB_orderNetworkUpBatchFromList(node.subNodes(node.root())); }
`;

const written = new Set<string>();
/** Makes `<resourceDir>` hold prefs.xml and scripts/TB_orderNetworkUp.js as the simulator writes them (once per process and folder). */
export function ensureResources(resourceDir: string): void {
  if (written.has(resourceDir)) return;
  for (const [rel, text] of [['prefs.xml', prefsXml()], [path.join('scripts', 'TB_orderNetworkUp.js'), ORDER_NETWORK_SCRIPT]] as const) {
    const file = path.join(resourceDir, rel);
    try {
      if (fs.readFileSync(file, 'utf8') !== text) throw new Error('stale');
    } catch {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      writeFileAtomic(file, text);
    }
  }
  written.add(resourceDir);
}
