/** `unhandled_rejection:` as written → its body: a mode word, or `{ message, mode }`. */

import type { Node } from 'yaml';
import type { CheckContext } from './check-fields.js';
import { parseSelector } from './selector.js';
import type { CheckBody } from './types.js';

const MODES = ['required', 'allowed', 'forbidden'] as const;
const HINT = 'write required, allowed or forbidden, or { message: "Error: boom" } (with mode: allowed to tolerate it)';

export function rejectionBody(ctx: CheckContext, node: Node | undefined): CheckBody | undefined {
  const { y } = ctx;
  const map = y.asMap(node);
  if (!map) {
    const v = y.js(node);
    if ((MODES as readonly unknown[]).includes(v)) return { kind: 'unhandled_rejection', mode: v as (typeof MODES)[number] };
    ctx.sink.error(node, `unhandled_rejection: ${JSON.stringify(v)} is not required, allowed or forbidden`, HINT);
    return undefined;
  }
  const modeNode = y.get(map, 'mode');
  const mode = y.has(map, 'mode') ? y.js(modeNode) : 'required';
  if (mode !== 'required' && mode !== 'allowed') {
    ctx.sink.error(modeNode, `unhandled_rejection.mode: ${JSON.stringify(mode)} is not required or allowed`, 'a message cannot be forbidden: write unhandled_rejection: forbidden, or absent: on the stderr line');
    return undefined;
  }
  if (!y.has(map, 'message')) {
    ctx.sink.error(node, 'unhandled_rejection: a mapping needs message:', HINT);
    return undefined;
  }
  // Matched against the message itself ("Error: boom"), never a stream: the stream field is moot.
  const message = parseSelector(ctx, y.get(map, 'message'), 'stderr');
  return message && { kind: 'unhandled_rejection', mode, message };
}
