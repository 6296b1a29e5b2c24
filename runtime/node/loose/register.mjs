// tracegrade's loose resolution for Node course folders (run.node_resolve: loose), loaded with
// `node --import` before the entry. It only registers hooks.mjs; see there. It never prints.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
