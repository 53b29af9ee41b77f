import { readFile } from 'node:fs/promises';
import { InputFileError, errorMessage } from './errors.ts';

/**
 * A file the user named, read as text and parsed by `parse`; a file that is missing,
 * unreadable or does not parse is an InputFileError (exit 2): `<file>: cannot read <what>: <reason>`.
 */
export async function readInputFile<T = string>(file: string, what: string, parse: (text: string) => T = (text) => text as T): Promise<T> {
  try {
    return parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputFileError(file, `cannot read ${what}: ${errorMessage(error)}`, { cause: error });
  }
}
