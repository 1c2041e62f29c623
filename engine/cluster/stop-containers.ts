// A stopped cluster uses no CPU: its Docker containers are stopped with it. The cluster process
// does this itself on a clean stop; `skiff stop` does it when the process had to be killed.
export async function stopDockerContainers(clusterDir: string, name: string): Promise<number> {
  try {
    const { Docker } = await import('../docker/dockerode');
    const { stopClusterContainers } = await import('../docker/stop-cluster');
    const { loadClusterRef } = await import('./cluster-id');
    return await stopClusterContainers(new Docker(), loadClusterRef(clusterDir, name, { create: false }));
  } catch {
    return 0; // Docker absent or unused
  }
}
