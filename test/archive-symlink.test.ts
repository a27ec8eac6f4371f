/**
 * Symlinks in a project folder being saved (issue 15): links inside the folder are followed as before; a link
 * leading outside it refuses the save, naming the link and the flag, unless following is asked for.
 */
import test from 'ava';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OutsideLinkError, listZip, zipDirectory } from '../kit/archive/index.ts';
import { findOutsideLinks } from '../kit/archive/scan.ts';
import { snapshotProject } from '../adapters/harmony/workfiles/snapshot.ts';
import { sandbox } from './support/cli.ts';

const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dcckit-archive-symlink-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'home');
test.after.always(() => fs.rm(scratch, { recursive: true, force: true }));

/** A project with a folder link inside it, and (when `outside`) a folder link to a library outside it. */
async function project(name: string, outside: boolean): Promise<string> {
  const dir = path.join(scratch, name, 'project');
  await fs.mkdir(path.join(dir, 'elements', 'Drawing'), { recursive: true });
  await fs.writeFile(path.join(dir, 'scene.xstage'), '<project/>');
  await fs.writeFile(path.join(dir, 'elements', 'Drawing', 'Drawing-1.tvg'), 'drawing');
  await fs.symlink(path.join('elements', 'Drawing'), path.join(dir, 'drawing-alias'));
  if (outside) {
    const library = path.join(scratch, name, 'library');
    await fs.mkdir(library, { recursive: true });
    await fs.writeFile(path.join(library, 'palette.plt'), 'shared palette');
    await fs.symlink(library, path.join(dir, 'palette-library'));
  }
  return dir;
}

test('findOutsideLinks reports links leading outside the folder, not those inside it', async (t) => {
  const dir = await project('find', true);
  const links = await findOutsideLinks(dir);
  t.deepEqual(links.map((l) => l.rel), ['palette-library']);
  t.is(links[0]!.target, await fs.realpath(path.join(scratch, 'find', 'library')));
});

test('a save of a project linking outside itself is refused and leaves nothing; --follow-outside-links archives the target', async (t) => {
  const dir = await project('save', true);
  const workArea = path.join(scratch, 'save', 'work');
  const err = await t.throwsAsync(snapshotProject(dir, workArea), { instanceOf: OutsideLinkError });
  t.is(err!.code, 'ARCHIVE_OUTSIDE_LINK');
  t.regex(err!.message, /holds 1 symlink leading outside it \(palette-library -> .*library\)/);
  t.regex(err!.message, /dcc-kit workfile save --follow-outside-links/);
  t.deepEqual(await fs.readdir(workArea).catch(() => []), []);

  const snapshot = await snapshotProject(dir, workArea, { followOutsideLinks: true });
  t.teardown(() => snapshot.release());
  const zip = path.join(scratch, 'save', 'followed.zip');
  // The snapshot's links are absolute, into the project folder: the service zips it following them (service.ts).
  await zipDirectory(snapshot.dir, zip, { followOutsideLinks: true });
  const names = (await listZip(zip)).map((e) => e.name);
  t.true(names.includes('palette-library/palette.plt'), 'the linked folder is archived as its content');
  t.true(names.includes('drawing-alias/Drawing-1.tvg'));
});

test('links inside the project folder need no flag', async (t) => {
  const dir = await project('inside', false);
  const snapshot = await snapshotProject(dir, path.join(scratch, 'inside', 'work'));
  t.teardown(() => snapshot.release());
  t.is(snapshot.files, 2); // the link to elements/Drawing is copied as a link
});

test('dcc-kit workfile save --help names --follow-outside-links', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const help = await sb.run(['workfile', '--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /save \[--version-up\] .*\[--follow-outside-links\]/);
  t.regex(help.stdout, /a link leading outside the project folder refuses the\s+save unless --follow-outside-links/);
});

test('zipDirectory refuses a folder linking outside itself unless followOutsideLinks, and writes nothing', async (t) => {
  const dir = await project('zip', true);
  const out = path.join(scratch, 'zip', 'out');
  await fs.mkdir(out);
  const zip = path.join(out, 'project.zip');
  const err = await t.throwsAsync(zipDirectory(dir, zip), { instanceOf: OutsideLinkError });
  t.regex(err!.message, /holds 1 symlink leading outside it \(palette-library -> .*zip\/library\)/);
  t.regex(err!.message, /Nothing was written.*followOutsideLinks: true/);
  t.deepEqual(err!.links.map((l) => l.rel), ['palette-library']);
  t.deepEqual(await fs.readdir(out), [], 'no archive and no temp file');

  const followed = await zipDirectory(dir, zip, { followOutsideLinks: true });
  t.is(followed.files, 4);
  const names = (await listZip(zip)).map((e) => e.name);
  t.true(names.includes('palette-library/palette.plt'));
});

test('zipDirectory follows links inside the folder without being asked', async (t) => {
  const dir = await project('zip-inside', false);
  await fs.symlink(path.join(dir, 'scene.xstage'), path.join(dir, 'absolute-alias.xstage'));
  const zip = path.join(scratch, 'zip-inside', 'project.zip');
  const summary = await zipDirectory(dir, zip);
  t.deepEqual(summary.skipped, []);
  const names = (await listZip(zip)).map((e) => e.name);
  t.true(names.includes('drawing-alias/Drawing-1.tvg'));
  t.true(names.includes('absolute-alias.xstage'));
});
