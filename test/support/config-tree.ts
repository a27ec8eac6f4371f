/** A temp folder tree for config tests: <root>/home/proj/scenes, with files written relative to <root>. */
import fs from 'node:fs/promises';
import path from 'node:path';

export interface Tree { root: string; home: string; project: string; cwd: string }

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
  }
}

export async function makeTree(scratch: string, files: Record<string, string> = {}): Promise<Tree> {
  const root = await fs.mkdtemp(path.join(scratch, 't-'));
  const home = path.join(root, 'home');
  const project = path.join(home, 'proj');
  const cwd = path.join(project, 'scenes');
  await fs.mkdir(cwd, { recursive: true });
  await writeFiles(root, files);
  return { root, home, project, cwd };
}
