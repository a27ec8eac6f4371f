import test from 'ava';
import { taskCount, taskFrames, taskName } from '../kit/farm/frames.ts';
import { JobBuilder, framePlaceholder, toAfanasyJson } from '../kit/farm/job.ts';
import { parseJob, parseStates, jobStatus } from '../kit/farm/status.ts';
import { validateJobDocument } from '../kit/farm/validate.ts';

test('the builder produces the Afanasy document the reference submits', (t) => {
  const doc = new JobBuilder('raw_harmony_test')
    .user('tsk')
    .host('localhost')
    .priority(50)
    .frameBlock('render', `echo frame ${framePlaceholder()} to ${framePlaceholder()}`, { first: 1, last: 10, perTask: 2 }, { workingDirectory: '/path/to/shot' })
    .toAfanasyJson();
  t.deepEqual(doc, {
    job: {
      name: 'raw_harmony_test',
      user_name: 'tsk',
      host_name: 'localhost',
      priority: 50,
      blocks: [{
        name: 'render', service: 'generic', parser: 'generic', capacity: 1000, flags: 1,
        frame_first: 1, frame_last: 10, frames_per_task: 2, frames_inc: 1,
        command: 'echo frame @#@ to @#@', working_directory: '/path/to/shot',
      }],
    },
  });
  t.deepEqual(validateJobDocument(doc), []);
});

test('every job option maps to its Afanasy key', (t) => {
  const job = new JobBuilder('comp')
    .maxRunningTasks(3)
    .dependMask('^anim$')
    .hostsMask('render.*')
    .paused()
    .description('shot 10')
    .taskBlock('convert', [{ name: 'a', command: 'convert a' }, { name: 'b', command: 'convert b', files: ['/b.png'] }], { files: ['/out/*.png'], environment: { OCIO: '/ocio' }, errorsRetries: 0 })
    .build();
  const doc = toAfanasyJson(job, { userName: 'fallback', hostName: 'ws9' });
  t.like(doc.job, { user_name: 'fallback', host_name: 'ws9', max_running_tasks: 3, depend_mask: '^anim$', hosts_mask: 'render.*', offline: true, description: 'shot 10' });
  const block = doc.job.blocks![0];
  t.false('flags' in block);
  t.deepEqual(block.tasks, [{ name: 'a', command: 'convert a' }, { name: 'b', command: 'convert b', files: ['/b.png'] }]);
  t.like(block, { command: '', files: ['/out/*.png'], environment: { OCIO: '/ocio' }, errors_retries: 0 });
  t.deepEqual(validateJobDocument(doc), []);
});

test('build() returns a copy', (t) => {
  const builder = new JobBuilder('a').frameBlock('b', 'x @#@', { first: 1, last: 2 });
  const job = builder.build();
  job.blocks[0].command = 'changed';
  t.is(builder.build().blocks[0].command, 'x @#@');
});

test('frame arithmetic follows BlockData::genNumbers', (t) => {
  const range = { first: 1, last: 10, perTask: 2, increment: 1 };
  t.is(taskCount(range), 5);
  t.deepEqual(taskFrames(range, 0), { start: 1, end: 2 });
  t.deepEqual(taskFrames(range, 4), { start: 9, end: 10 });
  t.is(taskName(range, 0), 'frame 1-2');
  const odd = { first: 1, last: 10, perTask: 3, increment: 2 };
  t.is(taskCount(odd), 2); // frames 1 3 5 | 7 9
  t.deepEqual(taskFrames(odd, 1), { start: 7, end: 9 });
  t.is(taskName(odd, 0), 'frame 1-5 / 2');
  t.is(taskName({ first: 5, last: 5, perTask: 1, increment: 1 }, 0), 'frame 5');
});

test('state strings are split into tokens and summarised', (t) => {
  t.deepEqual(parseStates(' RDY RUN'), ['RDY', 'RUN']);
  t.deepEqual(parseStates(undefined), []);
  t.is(jobStatus(['RDY', 'OFF']), 'paused');
  t.is(jobStatus(['RUN', 'ERR']), 'error');
  t.is(jobStatus(['DON']), 'done');
  const job = parseJob({ id: 4, serial: 9, name: 'x-1', state: ' RDY RUN', blocks: [{ name: 'b', flags: 1, tasks_num: 5, frame_first: 1, frame_last: 10, frames_per_task: 2, frames_inc: 1, p_tasks_done: 2, running_tasks_counter: 1 }] });
  t.like(job, { id: 4, serial: 9, name: 'x-1', status: 'running', tasksTotal: 5, tasksDone: 2, tasksRunning: 1, tasksError: 0 });
  t.deepEqual(job.blocks[0].frames, { first: 1, last: 10, perTask: 2, increment: 1 });
});
