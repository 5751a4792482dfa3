// Queen display names where only an id is known (the Sessions tree, pickers): Hive's default profiles
// give the name and title; a custom queen shows her id until her session runs.
import { DEFAULT_QUEENS } from '../runtime/queen/default-profiles';
import { queenDisplayName, queenTooltip } from '../shared/display-names';

export function queenLabel(queenId: string): string {
  const known = DEFAULT_QUEENS[queenId];
  return queenDisplayName({ id: queenId, name: known?.name ?? '', title: known?.title ?? '' });
}

export function queenLabelWithId(queenId: string): string {
  const known = DEFAULT_QUEENS[queenId];
  return queenTooltip({ id: queenId, name: known?.name ?? '', title: known?.title ?? '' });
}
