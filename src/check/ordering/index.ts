/**
 * Ordering constructs: exists, absent, count, first, last, order (FileCheck CHECK / CHECK-NEXT)
 * and group (CHECK-DAG), each optionally inside a Dwyer scope.
 */
export { evalAbsent, evalCount, evalExists } from './presence.js';
export { evalFirst, evalLast } from './edges.js';
export { matchOrder, matchStrict } from './match-order.js';
export { evalOrder } from './order.js';
export { evalGroup, matchGroup } from './group.js';
