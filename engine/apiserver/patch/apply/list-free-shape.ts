// A key for objects whose managedFields a create records alike. Without lists, the field set a
// create records is fixed by the object's keys and its leaves' JSON types (a list's elements can
// name fields by their values: associative keys, set members), so two list-free objects of one
// shape get the same fieldsV1 from the same writer.

/** The object's keys, in order, and each leaf's JSON type; undefined when it holds a list or an undefined value. */
export function listFreeShape(obj: unknown): string | undefined {
  const parts: string[] = [];
  const walk = (v: unknown): boolean => {
    if (v === null) return parts.push('n') > 0;
    switch (typeof v) {
      case 'string':
        return parts.push('s') > 0;
      case 'number':
        return parts.push('d') > 0;
      case 'boolean':
        return parts.push('b') > 0;
      case 'object':
        if (Array.isArray(v)) return false;
        parts.push('{');
        for (const k of Object.keys(v)) {
          parts.push(JSON.stringify(k), ':');
          if (!walk((v as Record<string, unknown>)[k])) return false;
        }
        parts.push('}');
        return true;
      default:
        return false;
    }
  };
  return walk(obj) ? parts.join('') : undefined;
}
