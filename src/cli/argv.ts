// Naming a command-line argument in an error without showing a secret: an argument that is no
// option may be half of a token that an unquoted space cut in two, so only what reads as an
// option's name is shown.

const OPTION_NAME = /^(?:-[a-zA-Z]|--[a-z][a-z-]{0,31})$/;

/** “--name” for an argument that reads as an option name (its `=value` left out), else its position. */
export function shownArgument(arg: string, position: number): string {
  const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
  return OPTION_NAME.test(name) ? `“${name}”` : `number ${position}`;
}
