/**
 * Whether an image input names a registry image or something read from disk: scanners put either in the
 * field that names the image (Trivy's ArtifactName, Grype's userInput), and only the first is a reference
 * a workload can run or a digest can pin.
 */
import { parseImageReference } from '../../core/image-reference.js';

// A transport prefix (skopeo's, Grype's) that reads from disk.
const LOCAL_TRANSPORT = /^(?:docker-archive|oci-archive|oci-dir|oci|dir|file|singularity):/;
// Transports that name a registry or daemon image: the rest is the image reference.
const IMAGE_TRANSPORT = /^(?:registry|docker|podman|containerd):(?:\/\/)?/;
// `app.tar` parses as a repository name; no registry image is named like an archive.
const ARCHIVE_NAME = /\.(?:tar|tar\.gz|tgz|tar\.zst)$/i;
const PATH_START = /^(?:\/|\.{1,2}\/|~)/;

/** The image reference an input names, without its transport; undefined when the input is a file or directory. */
export function registryReferenceOf(input: string | undefined): string | undefined {
  if (input === undefined || LOCAL_TRANSPORT.test(input)) return undefined;
  const name = input.replace(IMAGE_TRANSPORT, '');
  if (PATH_START.test(name) || ARCHIVE_NAME.test(name)) return undefined;
  return parseImageReference(name) === undefined ? undefined : name;
}
