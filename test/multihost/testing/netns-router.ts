// Two subnets joined by a router, for test machines that share no subnet (netns-host.ts, `lan`
// option): the router is a network namespace of its own with IPv4 forwarding on (there only),
// holding the switch end of each host's veth with that subnet's gateway address, 10.251.N.1 on
// the first subnet and 10.252.N.1 on the second; hosts plugged in take turns (first → 10.251.N.2,
// second → 10.252.N.2) and reach each other only through it (`defaultRoute` adds the route).
// This host is not plugged in: tests reach the machines through their namespaces and sockets.
import { must, sh } from './netns-host';
import type { NetnsLan } from './netns-lan';

export interface NetnsRouter extends NetnsLan {
  /** Sends a test host's traffic for other subnets through the router (its gateway on the host's subnet). */
  defaultRoute(host: { name: string; hostAddress: string }): Promise<void>;
}

export async function createNetnsRouter(): Promise<NetnsRouter> {
  const n = 100 + Math.floor(Math.random() * 150);
  const rt = `skmh-rt-${process.pid % 10000}`;
  const ports = new Map<string, string>(); // host address → the veth end in the router
  let joined = 0;
  const router: NetnsRouter = {
    hostAddress: `10.251.${n}.1`,
    async join(veth) {
      const subnet = `10.${251 + (joined++ % 2)}.${n}`;
      await must('ip', ['link', 'set', veth, 'netns', rt]);
      await must('ip', ['-n', rt, 'addr', 'add', `${subnet}.1/24`, 'dev', veth]);
      await must('ip', ['-n', rt, 'link', 'set', veth, 'up']);
      ports.set(`${subnet}.2`, veth);
      return { address: `${subnet}.2`, hostAddress: `${subnet}.1` };
    },
    async setLink(address, up) {
      await must('ip', ['-n', rt, 'link', 'set', ports.get(address)!, up ? 'up' : 'down']);
    },
    async defaultRoute(host) {
      await must('ip', ['-n', host.name, 'route', 'replace', 'default', 'via', host.hostAddress]);
    },
    async cleanup() {
      await sh('ip', ['netns', 'del', rt]); // the veth ends in it go with it
    },
  };
  try {
    await must('ip', ['netns', 'add', rt]);
    await must('ip', ['-n', rt, 'link', 'set', 'lo', 'up']);
    await must('ip', ['netns', 'exec', rt, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
  } catch (e) {
    await router.cleanup();
    throw e;
  }
  return router;
}
