import { fileURLToPath } from 'node:url';
import type { ClusterTools } from './command-runner.ts';

/** The repository root: the fixture image's build context. */
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The image name meshgate builds for the echo fixture: one tag per meshgate version. */
export function defaultFixtureImage(version: string): string {
  return `meshgate-echo:${version}`;
}

/** Builds the echo fixture image from harness/fixture/Dockerfile (the Docker engine must run; `meshgate doctor --env kind`). */
export async function buildFixtureImage({ runner, timeouts }: ClusterTools, image: string, signal?: AbortSignal): Promise<void> {
  await runner.run('docker', ['build', '--file', 'harness/fixture/Dockerfile', '--tag', image, repositoryRoot], { timeoutMs: timeouts.installStepMs, signal, cwd: repositoryRoot });
}
