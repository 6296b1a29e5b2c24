/** `requires:` between checks: every id must exist, and the graph must have no cycle. */

/** Every cycle of the requires graph, each once, as the list of ids along it (first in file order). */
export function findCycles(ids: string[], requires: Map<string, string[]>): string[][] {
  const order = new Map(ids.map((id, i) => [id, i]));
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 'active');
    stack.push(id);
    for (const dep of requires.get(id) ?? []) {
      if (!order.has(dep)) continue;
      if (state.get(dep) === 'active') {
        const cycle = stack.slice(stack.indexOf(dep));
        // Rotate so the cycle starts at its earliest check: the same cycle found twice reads the same.
        const start = cycle.reduce((best, c, i) => (order.get(c)! < order.get(cycle[best]!)! ? i : best), 0);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = rotated.join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(rotated);
        }
      } else if (!state.has(dep)) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of ids) if (!state.has(id)) visit(id);
  return cycles;
}
