// Section paths as the page shows them.

const GOAL_HEADING = /^(KF:s inriktningsmål|KF:s mål för verksamhetsområdet|Inriktningsmål|Verksamhetsområdesmål|Nämndmål)\s*:/i;

/**
 * A section path for display ("A › B › C"). With a goal shown beside it, the headings of
 * the goal hierarchy are left out (they repeat the goal).
 */
export function sectionText(section, goal) {
  let parts = (section || "").split(/\s+>\s+/).map((p) => p.trim()).filter(Boolean);
  if (goal) parts = parts.filter((p) => !GOAL_HEADING.test(p));
  return parts.join(" › ");
}
