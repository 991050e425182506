/**
 * A child process for the real-socket mDNS tests, run inside a network namespace. It prints one
 * JSON object per line on stdout:
 *
 *   open                                  {families} or {error, message}
 *   respond <announce 0|1> <address>...   {names, families}; on stdin's end, {stats}; exits
 *   resolve <timeoutMs> <families> <name>...  {results: [{name, address} | {name, error, cause}]}; exits
 *                                         (families: IPv4, IPv6 or IPv4,IPv6)
 *   pair <address>                        two services in this process: {name, address} or {error}
 */
import { MdnsError, MdnsService } from '../../src/index.js';

const [role, ...args] = process.argv.slice(2);

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function describeError(err: unknown): { error: string; message: string; cause?: string } {
  if (err instanceof MdnsError) {
    const cause = (err.cause as { code?: string } | undefined)?.code;
    return { error: err.code, message: err.message, ...(cause === undefined ? {} : { cause }) };
  }
  return { error: 'UNEXPECTED', message: String(err) };
}

async function resolveAll(service: MdnsService, names: string[]): Promise<unknown[]> {
  return Promise.all(
    names.map((name) =>
      service.resolve(name).then(
        (address) => ({ name, address }),
        (err: unknown) => ({ name, ...describeError(err) }),
      ),
    ),
  );
}

if (role === 'open') {
  try {
    const service = await MdnsService.open();
    print({ families: service.families });
    await service.close();
  } catch (err) {
    print(describeError(err));
  }
} else if (role === 'respond') {
  const service = await MdnsService.open({ responder: { announce: args[0] === '1' } });
  const names = args.slice(1).map((address) => service.register(address));
  print({ names, families: service.families });
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.once('end', resolve));
  print({ stats: service.responder.stats });
  await service.close();
} else if (role === 'resolve') {
  const families = (args[1] as string).split(',') as ('IPv4' | 'IPv6')[];
  const service = await MdnsService.open({ families, resolver: { timeout: Number(args[0]) } });
  print({ results: await resolveAll(service, args.slice(2)), families: service.families });
  await service.close();
} else if (role === 'pair') {
  try {
    const a = await MdnsService.open({ responder: { announce: false } });
    const b = await MdnsService.open({ resolver: { timeout: 3000 } });
    const name = a.register(args[0] as string);
    const [result] = await resolveAll(b, [name]);
    print({ name, ...(result as object), answered: a.responder.stats.answered });
    await Promise.all([a.close(), b.close()]);
  } catch (err) {
    print(describeError(err));
  }
} else {
  print({ error: 'USAGE', message: `unknown role ${role}` });
}
