// A LAN of test machines: a switch (a bridge inside its own network namespace, so this host's
// firewall — Docker's FORWARD drop — never sees the bridged frames) with this host plugged in at
// 10.250.N.1 and each test host (netns-host.ts, `lan` option) at the next address. `setLink`
// takes one host's cable out (its veth's switch end down): a partition.
import { must, sh } from './netns-host';

export interface NetnsLan {
  /** This host's address on the LAN. */
  hostAddress: string;
  join(veth: string): Promise<{ address: string; hostAddress: string }>;
  /** Plugs a host's cable (by its address) in or out. */
  setLink(address: string, up: boolean): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createNetnsLan(): Promise<NetnsLan> {
  const n = 100 + Math.floor(Math.random() * 150);
  const sw = `skmh-sw-${process.pid % 10000}`;
  const uplink = `sku${process.pid % 100000}`.slice(0, 15);
  const ports = new Map<string, string>(); // address → the veth end on the switch
  let next = 2;
  const lan: NetnsLan = {
    hostAddress: `10.250.${n}.1`,
    async join(veth) {
      const address = `10.250.${n}.${next++}`;
      await must('ip', ['link', 'set', veth, 'netns', sw]);
      await must('ip', ['-n', sw, 'link', 'set', veth, 'master', 'br0']);
      await must('ip', ['-n', sw, 'link', 'set', veth, 'up']);
      ports.set(address, veth);
      return { address, hostAddress: lan.hostAddress };
    },
    async setLink(address, up) {
      await must('ip', ['-n', sw, 'link', 'set', ports.get(address)!, up ? 'up' : 'down']);
    },
    async cleanup() {
      await sh('ip', ['link', 'del', uplink]);
      await sh('ip', ['netns', 'del', sw]);
    },
  };
  try {
    await must('ip', ['netns', 'add', sw]);
    await must('ip', ['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    await must('ip', ['-n', sw, 'link', 'set', 'br0', 'up']);
    await must('ip', ['link', 'add', uplink, 'type', 'veth', 'peer', 'name', `${uplink}p`]);
    await must('ip', ['link', 'set', `${uplink}p`, 'netns', sw]);
    await must('ip', ['-n', sw, 'link', 'set', `${uplink}p`, 'master', 'br0']);
    await must('ip', ['-n', sw, 'link', 'set', `${uplink}p`, 'up']);
    await must('ip', ['addr', 'add', `${lan.hostAddress}/24`, 'dev', uplink]);
    await must('ip', ['link', 'set', uplink, 'up']);
  } catch (e) {
    await lan.cleanup();
    throw e;
  }
  return lan;
}
