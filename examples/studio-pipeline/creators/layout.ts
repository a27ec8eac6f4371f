/**
 * A studio creator in ONE file: a layout peg (a PEG node named layout<Variant>) whose position and scale
 * publish as a "layout" product (see ../plugins/extract-layout.ts). Its Harmony half is the ES5 below, which
 * the hub injects into every scene of the project (checked as ES5 first).
 */
import type { HarmonyCreator } from 'dcc-kit/harmony';

const layout: HarmonyCreator = {
  name: 'layout',
  label: 'Layout peg',
  family: 'layout',
  description: 'A PEG node whose position and scale publish as a layout',
  attributes: {
    scale: { type: 'enum', values: ['1', '2'], default: '1', label: 'Scale' },
  },
  harmonyScript: `
dcckitPipeline.registerCreator('layout', {
  create: function (args) {
    var record = args.record;
    var name = record.productName;
    if (node.type('Top/' + name)) throw new Error('a node named ' + name + ' already exists: choose another variant');
    var peg = node.add('Top', name, 'PEG', 0, -200, 0);
    if (!peg) throw new Error('Harmony refused to create the PEG ' + name);
    node.setTextAttr(peg, 'SCALE.X', 1, String(record.attributes.scale));
    node.setTextAttr(peg, 'SCALE.Y', 1, String(record.attributes.scale));
    record.key = peg;
    record.node = peg;
    return record;
  },
  present: function (rec) { return !!node.type(rec.node); },
  remove: function (rec) { if (node.type(rec.node)) node.deleteNode(rec.node, true, true); }
});
`,
};

export default layout;
