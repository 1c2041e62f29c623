// A 404 from a write or read means "already gone": controllers carry on; anything else propagates.
import { isStatus } from '../../client/types';

/** `.catch(ignoreNotFound)`: resolves undefined on 404, rethrows the rest. */
export function ignoreNotFound(e: unknown): undefined {
  if (isStatus(e, 404)) return undefined;
  throw e;
}
