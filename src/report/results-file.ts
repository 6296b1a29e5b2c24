/**
 * Reading a results.json written by tracegrade (for `report`, `merge`, `grade --failed`).
 * `openResultsFile` streams it once (results-scan.ts), keeping per submission its byte range,
 * a hash of those bytes, its summary and digest (source.ts); a page re-reads one range at a
 * time through a handle kept open, so a report that replaces this very file (report into the
 * folder it reads from) still reads the original. A file not in our layout is parsed whole.
 */

import { createHash } from 'node:crypto';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { GradeResults, SubmissionResult } from '../score/types.js';
import { submissionDigest } from './output-key.js';
import { relieve } from './heap.js';
import { scanResults } from './results-scan.js';
import { memorySource, summarizer, type ResultSource } from './source.js';

/** What is wrong with a results file: callers word it (`report` and `merge` say it their way). */
export class ResultsFileError extends Error {
  override name = 'ResultsFileError';
  constructor(
    readonly file: string,
    readonly problem: 'unreadable' | 'json' | 'shape' | 'version',
    /** The errno code, JSON.parse's message, or the schemaVersion found. */
    readonly detail: string,
  ) {
    super(
      problem === 'unreadable'
        ? `${file}: cannot read results (${detail}); pass the results.json a 'tracegrade grade' run wrote`
        : problem === 'json'
          ? `${file}: not valid JSON (${detail}); was the file edited or cut short?`
          : problem === 'shape'
            ? `${file}: not a tracegrade results.json (expected "tool": {"name": "tracegrade"} and a "submissions" array)`
            : `${file}: results schemaVersion ${detail} is not supported by this tracegrade (supports 1); re-grade or upgrade tracegrade`,
    );
  }
}

function parse(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ResultsFileError(file, 'json', (err as Error).message);
  }
}

function checkHeader(file: string, data: unknown): GradeResults {
  const d = data as Partial<GradeResults> | null;
  if (!d || typeof d !== 'object' || d.tool?.name !== 'tracegrade' || !Array.isArray(d.submissions)) throw new ResultsFileError(file, 'shape', '');
  if (d.schemaVersion !== 1) throw new ResultsFileError(file, 'version', String(d.schemaVersion));
  return d as GradeResults;
}

/** A results file's text, checked: its parsed GradeResults, or a ResultsFileError. */
export function parseResultsText(file: string, text: string): GradeResults {
  return checkHeader(file, parse(file, text));
}

export const unreadable = (file: string, err: unknown) => new ResultsFileError(file, 'unreadable', (err as NodeJS.ErrnoException).code ?? String(err));

/** The whole file parsed at once (small files, and any file not in our layout). */
export async function readResultsFile(file: string): Promise<GradeResults> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw unreadable(file, err);
  });
  return parseResultsText(file, text);
}

interface Block {
  start: number;
  end: number;
  sha: string;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64url');

/** A source over `file`; close it when done. Throws ResultsFileError as readResultsFile does. */
export async function openResultsFile(file: string): Promise<ResultSource> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    throw unreadable(file, err);
  }
  try {
    const blocks: Block[] = [];
    const summaries: SubmissionResult[] = [];
    const digests: string[] = [];
    let bad = false;
    const summarize = summarizer();
    const head = await scanResults(fh, (bytes, start, end) => {
      if (bad) return;
      relieve();
      let s: SubmissionResult;
      try {
        s = JSON.parse(bytes.toString('utf8')) as SubmissionResult;
      } catch {
        bad = true; // the whole parse below says where
        return;
      }
      blocks.push({ start, end, sha: sha(bytes) });
      digests.push(submissionDigest(s));
      summaries.push(s && typeof s === 'object' && Array.isArray(s.checks) && Array.isArray(s.runs) ? summarize(s) : s);
    });
    const header = head === null || bad ? undefined : (() => { try { return JSON.parse(head) as unknown; } catch { return undefined; } })();
    if (header === undefined || !Array.isArray((header as GradeResults | null)?.submissions) || (header as GradeResults).submissions.length) {
      await fh.close();
      return memorySource(await readResultsFile(file));
    }
    const results = { ...checkHeader(file, header), submissions: summaries };
    return {
      results,
      digests,
      async load(i) {
        relieve();
        const b = blocks[i]!;
        const buf = Buffer.allocUnsafe(b.end - b.start);
        const { bytesRead } = await fh.read(buf, 0, buf.length, b.start);
        if (bytesRead !== buf.length || sha(buf) !== b.sha) {
          throw new Error(`${file} changed while its reports were being written (submission ${i + 1}); run the command again`);
        }
        return JSON.parse(buf.toString('utf8')) as SubmissionResult;
      },
      close: () => fh.close(),
    };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}
