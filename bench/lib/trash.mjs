// Folders the bench replaces (a previous run's sites, shard folders, Pagefind's bundle and
// source pages: tens of thousands of files) are moved aside into work/.trash, and deleted only
// once nothing is timed any more. Deleting them just before a timed build would slow that
// build's own file creations for the next half minute on ext4 without a journal (the inode
// allocator skips inodes deleted in the last 30 s: `recently_deleted` in fs/ext4/ialloc.c, a
// scan per created file), and charge the bench's housekeeping to whichever engine builds next.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TRASH = path.join(path.dirname(fileURLToPath(import.meta.url)), '../work/.trash');
let serial = 0;

/** Moves `dir` (if it exists) out of the way, into the trash: no files are deleted now. */
export function retire(dir) {
  if (!fs.existsSync(dir)) return;
  fs.mkdirSync(TRASH, { recursive: true });
  fs.renameSync(dir, path.join(TRASH, `${process.pid}-${serial++}-${path.basename(dir)}`));
}

/** Deletes what the trash holds; returns whether it held anything. */
export function emptyTrash() {
  const held = fs.existsSync(TRASH) && fs.readdirSync(TRASH).length > 0;
  fs.rmSync(TRASH, { recursive: true, force: true });
  return held;
}
