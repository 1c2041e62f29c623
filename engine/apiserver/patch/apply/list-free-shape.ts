// A key for objects whose managedFields a create records alike. Without lists, the field set a
// create records is fixed by the object's keys and its leaves' JSON types (a list's elements can
// name fields by their values: associative keys, set members), so two list-free objects of one
// shape get the same fieldsV1 from the same writer.

/** The object's keys, in order, and each leaf's JSON type; undefined when it holds a list or an undefined value. */
export function listFreeShape(obj: unknown): string | undefined {
  let shape = '';
  const walk = (v: unknown): boolean => {
    if (v === null) {
      shape += 'n';
      return true;
    }
    switch (typeof v) {
      case 'string':
        shape += 's';
        return true;
      case 'number':
        shape += 'd';
        return true;
      case 'boolean':
        shape += 'b';
        return true;
      case 'object':
        if (Array.isArray(v)) return false;
        shape += '{';
        for (const k of Object.keys(v)) {
          // Length-prefixed: no key can run into the next part.
          shape += `${k.length}:${k}`;
          if (!walk((v as Record<string, unknown>)[k])) return false;
        }
        shape += '}';
        return true;
      default:
        return false;
    }
  };
  return walk(obj) ? shape : undefined;
}
