/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then the date. Times in epoch seconds. */
export function relativeTime(epochSeconds: number, nowMs: number = Date.now()): string {
  if (!Number.isFinite(epochSeconds) || epochSeconds <= 0) return 'unknown time';
  const s = Math.max(0, Math.round(nowMs / 1000 - epochSeconds));
  if (s < 45) return 'just now';
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(s / 3600);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(s / 86400);
  if (d === 1) return 'yesterday';
  if (d < 30) return `${d} days ago`;
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}

export function formatDate(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds) || epochSeconds <= 0) return 'unknown';
  return new Date(epochSeconds * 1000).toLocaleString();
}

/** "in 40 s", "in 5 min", "in 3 h", "in 2 days": how long until `epochMs`. */
export function timeUntil(epochMs: number, nowMs: number = Date.now()): string {
  const s = Math.max(0, Math.round((epochMs - nowMs) / 1000));
  if (s < 60) return `in ${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `in ${min} min`;
  const h = Math.round(s / 3600);
  if (h < 48) return `in ${h} h`;
  return `in ${Math.round(s / 86400)} days`;
}
