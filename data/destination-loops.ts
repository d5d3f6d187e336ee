// Menus and opening hours lead to each other; a call inside a group of them that never leads out
// goes round forever. This finds those groups (strongly connected components of "leads to", by
// Tarjan's algorithm) so Apply changes can refuse them. A menu that goes back to a parent is fine as
// long as some key or fallback of the group leads out of it (to a user, a box, a hang-up, ...).
import type { Destination, PbxConfig } from './schema.ts';

export interface DestinationLoop {
  /** In configuration order. */
  menuIds: string[];
  openingHoursIds: string[];
  /**
   * `no-exit`: nothing in the group leads out of it. `no-menu`: opening hours that lead to each
   * other with no menu in between, so a call would go round without waiting for anything.
   */
  kind: 'no-exit' | 'no-menu';
}

type NodeKey = `menu:${string}` | `hours:${string}`;

function nodeOf(destination: Destination): NodeKey | null {
  if (destination.type === 'ivr') return `menu:${destination.menuId}`;
  if (destination.type === 'opening-hours') return `hours:${destination.openingHoursId}`;
  return null;
}

export function findDestinationLoops(config: PbxConfig): DestinationLoop[] {
  /** Where each node leads: other nodes, or null for a way out (anything that is not a menu or hours). */
  const edges = new Map<NodeKey, (NodeKey | null)[]>();
  for (const menu of config.ivrMenus) {
    edges.set(`menu:${menu.id}`, [...menu.choices.map((c) => c.destination), menu.fallback].map(nodeOf));
  }
  for (const hours of config.openingHours) edges.set(`hours:${hours.id}`, [hours.open, hours.closed].map(nodeOf));

  const loops: DestinationLoop[] = [];
  const describe = (members: Set<NodeKey>, kind: DestinationLoop['kind']): DestinationLoop => ({
    menuIds: config.ivrMenus.filter((m) => members.has(`menu:${m.id}`)).map((m) => m.id),
    openingHoursIds: config.openingHours.filter((h) => members.has(`hours:${h.id}`)).map((h) => h.id),
    kind,
  });
  for (const component of cycles(edges)) {
    const members = new Set(component);
    const leadsOut = component.some((node) => edges.get(node)!.some((next) => next === null || !members.has(next)));
    if (!leadsOut && component.some((node) => node.startsWith('menu:'))) loops.push(describe(members, 'no-exit'));
  }
  // Opening hours between themselves: the same search with the menus left out.
  const hoursOnly = new Map([...edges].filter(([node]) => node.startsWith('hours:')).map(([node, next]) => [node, next.filter((n) => n?.startsWith('hours:'))] as const));
  for (const component of cycles(hoursOnly)) loops.push(describe(new Set(component), 'no-menu'));
  return loops;
}

/** The strongly connected components that hold a cycle (Tarjan's algorithm). */
function cycles(edges: ReadonlyMap<NodeKey, readonly (NodeKey | null)[]>): NodeKey[][] {
  const index = new Map<NodeKey, number>();
  const lowLink = new Map<NodeKey, number>();
  const onStack = new Set<NodeKey>();
  const stack: NodeKey[] = [];
  const found: NodeKey[][] = [];
  let counter = 0;
  const visit = (node: NodeKey) => {
    index.set(node, counter);
    lowLink.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      // A reference to something that does not exist leads nowhere; validation reports it by itself.
      if (next === null || !edges.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(next)!));
      }
    }
    if (lowLink.get(node) !== index.get(node)) return;
    const component: NodeKey[] = [];
    let member: NodeKey;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || edges.get(node)!.includes(node)) found.push(component);
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}
