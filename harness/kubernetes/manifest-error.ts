import { MeshgateError } from '../errors.ts';
import { objectRef } from './objects.ts';

/** An object meshgate was about to apply is wrong; the message names the object and the field. */
export class ManifestError extends MeshgateError {
  constructor(
    /** `Kind namespace/name`. */
    readonly object: string,
    /** Path of the bad field, e.g. `spec.http[0].corsPolicy`. */
    readonly field: string,
    message: string,
  ) {
    super('E_MANIFEST', `${object}: ${field}: ${message}`);
  }

  /** The error for a field of a parsed object. */
  static at(object: Parameters<typeof objectRef>[0], field: string, message: string): ManifestError {
    return new ManifestError(objectRef(object), field, message);
  }
}
