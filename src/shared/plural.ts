/** "1 file", "3 files", "1,000 agents": one wording for the engine's messages, the CLI and the window. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
