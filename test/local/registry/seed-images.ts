/**
 * The `images` key of test/local/seed.json: what the local registry is seeded with for the demo.
 * Each entry is either a string "repository:tag" (an OCI image with WorkingDir /home/jovyan/work)
 * or an object in the SeedImage shape of fixtures.ts (docker/oci with a workdir, or a multi-arch
 * oci-index/docker-list with platforms). Commit images are named as the service looks for them:
 * <project path lower-cased>:<commit sha[:7]>.
 */
import { z } from "zod";
import { type SeedImage, WORKDIRS } from "./fixtures.js";
import { type Authorize, Pusher } from "./pusher.js";

const platform = z.strictObject({
  architecture: z.string().min(1),
  workdir: z.string().optional(),
});
const objectForm = z.union([
  z.strictObject({
    repository: z.string().min(1),
    tag: z.string().min(1),
    kind: z.enum(["docker", "oci"]),
    workdir: z.string().optional(),
    /** Which Jupyter its `jupyter notebook` starts (the simulated session reads it); server2 if unset. */
    jupyter: z.enum(["notebook6", "server2"]).optional(),
  }),
  z.strictObject({
    repository: z.string().min(1),
    tag: z.string().min(1),
    kind: z.enum(["oci-index", "docker-list"]),
    platforms: z.array(platform).min(1),
    jupyter: z.enum(["notebook6", "server2"]).optional(),
  }),
]);
const stringForm = z
  .string()
  .regex(/^[a-z0-9._/-]+:[\w][\w.-]*$/, 'must be "repository:tag"')
  .transform((s): SeedImage => {
    const colon = s.lastIndexOf(":");
    return {
      repository: s.slice(0, colon),
      tag: s.slice(colon + 1),
      kind: "oci",
      workdir: WORKDIRS.commit,
    };
  });

export const seedImageEntry = z.union([stringForm, objectForm]);

/** Validates the seed's images; throws naming the bad entry. */
export function toSeedImages(entries: readonly unknown[]): SeedImage[] {
  return entries.map((entry, i) => {
    const parsed = seedImageEntry.safeParse(entry);
    if (!parsed.success) {
      throw new Error(`seed images[${i}]: ${parsed.error.issues.map((x) => x.message).join("; ")}`);
    }
    return parsed.data as SeedImage;
  });
}

/** Pushes the seed's images to a registry (e.g. the one `npm start` runs). */
export async function pushSeedImages(
  registryUrl: string,
  entries: readonly unknown[],
  authorize?: Authorize,
): Promise<SeedImage[]> {
  const images = toSeedImages(entries);
  const pusher = new Pusher(registryUrl, authorize);
  for (const image of images) await pusher.push(image);
  return images;
}
