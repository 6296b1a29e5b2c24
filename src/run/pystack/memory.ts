/**
 * Reads another process's memory synchronously through /proc/<pid>/mem (the parent calls the
 * reader while the child waits for its answer). Opened once; every read is bounded and any
 * failure — an unmapped address, the process gone or exec'd — is null, never a throw.
 */

import { closeSync, openSync, readSync } from 'node:fs';

/** What the walkers need; the unit tests give a fake one over a few buffers. */
export interface Memory {
  /** Exactly `length` bytes at `address`, or null. The buffer may be reused by the next read. */
  read(address: bigint, length: number): Buffer | null;
}

/** The largest single read: a few structs, or a string of 512 UCS-4 characters. */
export const MAX_READ = 4096;
/** User space on x86-64 ends below this; a pointer beyond (or below the first page) is garbage. */
const USER_END = 0x0000_8000_0000_0000n;

export function plausiblePointer(address: bigint): boolean {
  return address >= 0x1000n && address < USER_END;
}

export class ProcMemory implements Memory {
  private fd: number;
  private readonly scratch = Buffer.alloc(MAX_READ);

  private constructor(fd: number) {
    this.fd = fd;
  }

  static open(pid: number): ProcMemory | { error: string } {
    if (!Number.isInteger(pid) || pid <= 0) return { error: `not a pid: ${pid}` };
    try {
      return new ProcMemory(openSync(`/proc/${pid}/mem`, 'r'));
    } catch (e) {
      return { error: `cannot open /proc/${pid}/mem: ${(e as Error).message}` };
    }
  }

  read(address: bigint, length: number): Buffer | null {
    if (this.fd < 0 || length <= 0 || length > MAX_READ || !plausiblePointer(address)) return null;
    if (!plausiblePointer(address + BigInt(length) - 1n)) return null;
    try {
      const n = readSync(this.fd, this.scratch, 0, length, address);
      return n === length ? this.scratch.subarray(0, length) : null;
    } catch {
      return null;
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Little-endian field readers over one struct's bytes. */
export const u64 = (b: Buffer, at: number): bigint => b.readBigUInt64LE(at);
export const i32 = (b: Buffer, at: number): number => b.readInt32LE(at);
