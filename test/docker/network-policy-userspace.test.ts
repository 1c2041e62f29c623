// The NetworkPolicy attacks of network-policy.test.ts again, with the Service proxy forced to its
// userspace fallback (SKIFF_SERVICE_PROXY=userspace, as where the kernel path is unavailable):
// pod → pod stays on the nftables rules, and pod → Service → pod is judged by the userspace
// proxy's policy check, so every attack must still fail.
process.env.SKIFF_SERVICE_PROXY = 'userspace';
await import('./network-policy.test');
export {};
