/**
 * /proc/<pid>/maps, parsed. Pure: the caller reads the text. The child can name its own files
 * anything, so a mapping's path is only a hint; the file is identified by the device and inode
 * the kernel reports, matched against the host's own stat of a trusted path (host-file.ts).
 */

export interface Mapping {
  start: bigint;
  end: bigint;
  perms: string;
  /** Offset of the mapping in the file. */
  offset: bigint;
  /** The device as the kernel's maps prints it: major:minor. */
  major: number;
  minor: number;
  inode: bigint;
  /** The rest of the line: a path, "[heap]", "" (anonymous); may end in " (deleted)". */
  path: string;
}

// start-end perms offset major:minor inode [path]; the path may hold spaces.
const LINE = /^([0-9a-f]+)-([0-9a-f]+) ([rwxps-]{4}) ([0-9a-f]+) ([0-9a-f]+):([0-9a-f]+) (\d+)(?: +(.*))?$/;

export function parseMaps(text: string): Mapping[] {
  const out: Mapping[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    out.push({
      start: BigInt(`0x${m[1]}`),
      end: BigInt(`0x${m[2]}`),
      perms: m[3]!,
      offset: BigInt(`0x${m[4]}`),
      major: parseInt(m[5]!, 16),
      minor: parseInt(m[6]!, 16),
      inode: BigInt(m[7]!),
      path: m[8] ?? '',
    });
  }
  return out;
}

/**
 * st_dev as glibc's makedev encodes it (what Node's bigint stat returns), from maps' major:minor.
 */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

/** The file's first mapping (file offset 0): where its ELF header lies, for the load bias. */
export function firstMappings(maps: Mapping[]): Mapping[] {
  return maps.filter((m) => m.offset === 0n && m.inode !== 0n);
}
