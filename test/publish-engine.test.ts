import test from 'ava';
import { runPublish, describeFailure, checkSkips } from '../kit/publish/index.ts';
import type { PublishEvent, PublishPlugin } from '../kit/publish/index.ts';

function collector(names: string[]): PublishPlugin {
  return {
    label: 'Collect Instances', order: 0,
    process(ctx) {
      for (const n of names) ctx.createInstance({ id: n, name: n, productType: n.startsWith('render') ? 'render' : 'workfile', families: n.startsWith('render') ? ['render.local'] : [] });
    },
  };
}

test('plugins run in order; instance plugins once per matching instance; events stream; the report has pyblish\'s shape', async (t) => {
  const calls: string[] = [];
  const events: PublishEvent[] = [];
  const spy = (label: string, order: number, extra: Partial<PublishPlugin> = {}): PublishPlugin => ({
    label, order, ...extra, process: (_ctx, inst, log) => { calls.push(`${label}:${inst?.name ?? '-'}`); log.info(`ran ${label}`); },
  });
  const report = await runPublish({
    plugins: [
      spy('Integrate', 3, { instance: true }),
      spy('Extract Render', 2, { instance: true, families: ['render.local'] }),
      spy('Validate Scene', 1),
      collector(['renderMain', 'renderBg', 'workfileMain']),
      spy('Collect Scene', 0.1),
    ],
    onEvent: (e) => events.push(e),
  });
  t.true(report.success);
  t.deepEqual(calls, ['Collect Scene:-', 'Validate Scene:-', 'Extract Render:renderMain', 'Extract Render:renderBg',
    'Integrate:renderMain', 'Integrate:renderBg', 'Integrate:workfileMain']);
  t.is(report.results.length, 8);
  t.like(report.results[3], { plugin: 'Extract Render', stage: 'extract', instance: 'renderMain', success: true, error: null });
  t.is(report.results[3]!.records[0]!.msg, 'ran Extract Render');
  t.is(events[0]!.type, 'start');
  t.is(events.at(-1)!.type, 'end');
  t.is(events.filter((e) => e.type === 'result').length, 8);
  t.deepEqual(report.instances.map((i) => i.families), [['render', 'render.local'], ['render', 'render.local'], ['workfile']]);
});

test('a failed validator stops the run before anything is extracted; every validator still reports; --repair fixes and validates again', async (t) => {
  let fps = 25;
  let extracted = 0;
  const plugins: PublishPlugin[] = [
    collector(['renderMain']),
    { label: 'Validate Scene Settings', order: 1, repair: () => { fps = 24; }, process: () => { if (fps !== 24) throw new Error(`fps is ${fps}, the context says 24`); } },
    { label: 'Validate Write Paths', order: 1.1, instance: true, process: () => {} },
    { label: 'Extract', order: 2, process: () => { extracted++; } },
  ];
  const failed = await runPublish({ plugins });
  t.false(failed.success);
  t.is(failed.stoppedAt, 'validate');
  t.is(extracted, 0);
  t.deepEqual(failed.results.map((r) => [r.plugin, r.success]), [['Collect Instances', true], ['Validate Scene Settings', false], ['Validate Write Paths', true]]);
  t.true(failed.results[1]!.repairable);
  t.is(describeFailure(failed), 'Validate Scene Settings failed: fps is 25, the context says 24. It can be repaired: publish with --repair (or press Repair).');

  const repaired = await runPublish({ plugins, repair: true });
  t.true(repaired.success);
  t.is(extracted, 1);
  t.deepEqual(repaired.results.map((r) => [r.plugin, r.success]), [
    ['Collect Instances', true], ['Validate Scene Settings', false], ['Validate Write Paths', true],
    ['Validate Scene Settings (repair)', true], ['Validate Scene Settings', true], ['Validate Write Paths', true], ['Extract', true],
  ]);
});

test('a dry run validates and lists what would be extracted; until stops after a stage; optional plugins can be skipped; a failed extractor stops integration', async (t) => {
  let ran = 0;
  const plugins: PublishPlugin[] = [
    collector(['renderMain']),
    { label: 'Validate Audio', order: 1, optional: true, process: () => { throw new Error('no audio'); } },
    { label: 'Extract', order: 2, instance: true, process: () => { ran++; } },
    { label: 'Integrate', order: 3, instance: true, process: () => { ran++; } },
  ];
  const dry = await runPublish({ plugins, dryRun: true, skip: ['Validate Audio'] });
  t.true(dry.success);
  t.is(ran, 0);
  t.deepEqual(dry.results.filter((r) => r.skipped).map((r) => r.plugin), ['Extract', 'Integrate']);
  const validateOnly = await runPublish({ plugins, until: 'validate' });
  t.false(validateOnly.success);
  t.is(ran, 0);
  const broken = await runPublish({ plugins: [...plugins.slice(0, 1), { label: 'Extract', order: 2, hint: 'Check the render log.', process: () => { throw new Error('no frames'); } }, plugins[3]!] });
  t.false(broken.success);
  t.is(broken.stoppedAt, 'extract');
  t.is(ran, 0);
  t.is(broken.results.at(-1)!.error!.hint, 'Check the render log.');
});

test('checkSkips: only the exact label of an optional plugin may be skipped; the error lists those that may', (t) => {
  const plugins: PublishPlugin[] = [
    { label: 'Collect Scene', order: 0, process: () => {} },
    { label: 'Validate Audio', order: 1, optional: true, process: () => {} },
  ];
  t.notThrows(() => checkSkips(plugins, ['Validate Audio']));
  t.notThrows(() => checkSkips(plugins, []));
  const err = (skip: string) => t.throws(() => checkSkips(plugins, [skip]), { code: 'USAGE' })!.message;
  t.is(err('Bogus'), 'no publish plugin is called "Bogus"; the optional plugins are: "Validate Audio"');
  t.is(err('validate audio'), 'plugin names are exact: "Validate Audio", not "validate audio"; the optional plugins are: "Validate Audio"');
  t.is(err('Collect Scene'), '"Collect Scene" is not optional and cannot be skipped; the optional plugins are: "Validate Audio"');
});

test('describeFailure names the plugin that stopped a repaired run, not the validator the repair fixed', async (t) => {
  let fps = 25;
  const plugins: PublishPlugin[] = [
    collector(['renderMain']),
    { label: 'Validate Scene Settings', order: 1, repair: () => { fps = 24; }, process: () => { if (fps !== 24) throw new Error(`fps is ${fps}`); } },
    { label: 'Integrate', order: 3, process: () => {} },
    { label: 'Version Up', order: 3.9, process: () => { throw new Error('no Harmony session is connected'); } },
  ];
  const report = await runPublish({ plugins, repair: true });
  t.false(report.success);
  t.is(describeFailure(report), 'Version Up failed: no Harmony session is connected.');
});
