// TODO: greet in the user's language.
export function greet(name: string): string {
  return `Hello, ${name}!`;
}
