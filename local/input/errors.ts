import { NamedError } from '../../lambda-common/named-error';

/** An input the CLI cannot read; the message says what is wrong and what to do, in words. */
export class InputError extends NamedError {}

/** Words for the file system errors a user can cause, instead of an errno code. */
export function describeFsError(err: unknown, path: string): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return `"${path}" does not exist: check the path`;
    case 'EACCES':
    case 'EPERM':
      return `"${path}" cannot be read (permission denied): check its permissions`;
    case 'EISDIR':
      return `"${path}" is a directory where a file was expected`;
    case 'ENOTDIR':
      return `a part of "${path}" is not a directory: check the path`;
    default:
      return `"${path}" cannot be read (${(err as Error).message.replace(/^[A-Z]+: /, '')})`;
  }
}
