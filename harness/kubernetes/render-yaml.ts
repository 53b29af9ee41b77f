import { stringify } from 'yaml';

/**
 * Objects as one multi-document YAML stream, in the given order, as
 * `kubectl apply -f -` reads it. Lines are never folded, so a long annotation
 * reads (and diffs) as one line; multi-line snippets become literal blocks; a value
 * shared by two routes is written out twice rather than as a YAML alias.
 */
export function renderManifests(objects: readonly object[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
