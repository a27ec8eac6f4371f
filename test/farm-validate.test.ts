import test from 'ava';
import { JobValidationError } from '../kit/farm/errors.ts';
import { assertValidJobDocument, validateJobDocument } from '../kit/farm/validate.ts';

const paths = (doc: unknown) => validateJobDocument(doc).map((p) => p.path);

const validBlock = () => ({ name: 'render', service: 'generic', flags: 1, frame_first: 1, frame_last: 10, frames_per_task: 2, frames_inc: 1, command: 'echo frame @#@ to @#@' });
const validJob = () => ({ job: { name: 'shot', user_name: 'tsk', host_name: 'ws', priority: 50, blocks: [validBlock()] } });

test('the reference\'s minimal valid job passes', (t) => {
  const doc = { job: { name: 'raw_harmony_test', user_name: 'tsk', host_name: 'localhost', priority: 50, blocks: [{ name: 'render', service: 'generic', parser: 'generic', flags: 1, frame_first: 1, frame_last: 10, frames_per_task: 2, frames_inc: 1, capacity: 1000, working_directory: '/path/to/shot', command: 'echo frame @#@ to @#@' }] } };
  t.deepEqual(validateJobDocument(doc), []);
  t.notThrows(() => assertValidJobDocument(doc));
});

test('a task-list block passes, with the command in the tasks or in the block', (t) => {
  const tasksOnly = { job: { user_name: 'tsk', blocks: [{ name: 'b', tasks: [{ name: 'a', command: 'echo a' }] }] } };
  t.deepEqual(validateJobDocument(tasksOnly), []);
  const blockCommand = { job: { user_name: 'tsk', blocks: [{ name: 'b', command: 'render @#@', tasks: [{ name: 'a', command: '' }] }] } };
  t.deepEqual(validateJobDocument(blockCommand), []);
});

test('the docs\' minimum job (no "flags": 1) is refused with the reason', (t) => {
  const doc = { job: { name: 'docs', user_name: 'tsk', blocks: [{ name: 'b', service: 'generic', frame_first: 1, frame_last: 3, command: 'echo @#@' }] } };
  const problems = validateJobDocument(doc);
  t.is(problems.length, 1);
  t.is(problems[0].path, 'job.blocks[0].flags');
  t.regex(problems[0].message, /bit 0 is not set/);
});

test('every problem is listed at once, each with its JSON path', (t) => {
  const doc = {
    job: {
      name: 42,
      priority: 300,
      blocks: [
        { ...validBlock(), frame_first: 10, frame_last: 1, frames_per_task: 0, frames_inc: 1.5 },
        { name: 'strings', flags: 1, frame_first: '1', frame_last: 3, command: '' },
        { name: 'empty', command: 'x' },
        { name: 'tasks', tasks: [{ name: 't', command: '' }, 'oops'] },
        { ...validBlock(), tasks: [{ name: 'a', command: 'b' }], hosts_mask: '(' },
      ],
    },
  };
  t.deepEqual(paths(doc), [
    'job.user_name',
    'job.name',
    'job.priority',
    'job.blocks[0].frame_last',
    'job.blocks[0].frames_per_task',
    'job.blocks[0].frames_inc',
    'job.blocks[1].command',
    'job.blocks[1].frame_first',
    'job.blocks[2]',
    'job.blocks[3].tasks[0].command',
    'job.blocks[3].tasks[1]',
    'job.blocks[4].hosts_mask',
    'job.blocks[4].tasks',
  ]);
  const err = t.throws(() => assertValidJobDocument(doc), { instanceOf: JobValidationError });
  t.is(err.problems.length, 13);
  t.is(err.code, 'FARM_INVALID_JOB');
  t.regex(err.message, /13 problems/);
  t.true(err.message.includes('job.blocks[0].frames_per_task: must be >= 1, not 0'));
  t.true(err.message.includes('job.blocks[1].frame_first: must be an integer, not the string "1" (afserver ignores numbers given as strings)'));
});

test('no user, no blocks, empty blocks', (t) => {
  t.deepEqual(paths({ job: { name: 'x' } }), ['job.user_name', 'job.blocks']);
  t.deepEqual(paths({ job: { user_name: '  ', blocks: [] } }), ['job.user_name', 'job.blocks']);
  t.deepEqual(paths({ job: { user_name: 'tsk', blocks: {} } }), ['job.blocks']);
});

test('the document shape itself', (t) => {
  t.deepEqual(paths(1), ['$']);
  t.deepEqual(paths({ job: 1 }), ['job']);
  t.deepEqual(paths({ name: 'x', blocks: [] }), ['name', 'blocks', 'job']);
  t.deepEqual(paths({ ...validJob(), get: { type: 'jobs' } }), ['get']);
});

test('NUL characters are refused anywhere, keys included', (t) => {
  const doc = validJob();
  (doc.job as Record<string, unknown>).description = 'a\u0000b';
  doc.job.blocks[0].command = 'echo \u0000';
  (doc.job.blocks[0] as Record<string, unknown>).environment = { 'K\u0000': 'v' };
  t.deepEqual(paths(doc).sort(), ['job.blocks[0].command', 'job.blocks[0].environment["K\\u0000"]', 'job.description']);
});

test('non-ASCII text is fine', (t) => {
  const doc = validJob();
  doc.job.name = 'ショット_010_über';
  doc.job.blocks[0].command = 'echo 描画 @#@';
  t.deepEqual(validateJobDocument(doc), []);
});

test('optional fields are type-checked', (t) => {
  const doc = { job: { ...validJob().job, offline: 'yes', max_running_tasks: -2, depend_mask: 5, blocks: [{ ...validBlock(), files: ['a', 1], environment: { A: 1 }, capacity: 0, service: '' }] } };
  t.deepEqual(paths(doc), [
    'job.depend_mask',
    'job.max_running_tasks',
    'job.offline',
    'job.blocks[0].service',
    'job.blocks[0].capacity',
    'job.blocks[0].files[1]',
    'job.blocks[0].environment.A',
  ]);
});
