/**
 * Thrown by a service's `build` when it has nothing to run and has already said
 * why (e.g. `--help`, `--version`, or a command-line error printed in the
 * format its users expect): the runner exits with `exitCode` without adding a
 * line of its own.
 */
export class ServiceExit extends Error {
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ServiceExit';
    this.exitCode = exitCode;
  }
}
