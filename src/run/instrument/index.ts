/** Instrumentation of the child: the Python tracer and parent-owned clock, the Node start marker. */

export { CHANNEL_FD, type ChannelRecord, type Instrumentation, type RunIo } from './types.js';
export { instrumentNode, runtimeNodeDir } from './node.js';
export { instrumentPython, runtimePythonDir, wantsInstrumentation, type InstrumentOptions } from './python.js';
export { CHANNEL_MAX_BYTES, ChannelReader, parseChannel, type ParsedChannel } from './channel.js';
export { ParentClock, LINE_WAIT_MS } from './clock.js';
export { mergeChannel, type MergeOptions } from './merge.js';
export { parseActivity } from './activity.js';
