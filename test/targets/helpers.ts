/**
 * Shared bits of the target tests: a TCP port nothing listens on, and a random tag made of
 * letters that key-pattern detection never mistakes for an id.
 */
import net from 'node:net';

/** A loopback port that was free a moment ago (bound to port 0, then closed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Six random letters from g-z (never hex, never digits): unique names per test run. */
export function randomTag(): string {
  const letters = 'ghijklmnopqrstuvwxyz';
  return Array.from({ length: 6 }, () => letters[Math.floor(Math.random() * letters.length)]).join('');
}
