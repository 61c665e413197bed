# versions.sh -- the pinned inputs of the xenlab recipe.
# shellcheck disable=SC2034  # used by xenlab, which sources this file
#
# Sourced by tools/xenlab/xenlab.  Its hash is part of the cache key of every
# artefact (hypervisor and dom0 image), so changing a version here rebuilds them.

# Debian release whose packages make up the hypervisor source and dom0.
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=http://deb.debian.org/debian
DEBIAN_SECURITY_MIRROR=http://deb.debian.org/debian-security
DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# Xen: hypervisor source and every binary package built from src:xen (xl,
# libxl, xenstored, ...) come from this one version, so that the toolstack
# and the hypervisor match.  bookworm-security carries a newer 4.17 whose
# source is not downloadable, and apt would prefer it; the private apt
# configuration pins src:xen to this version.
XEN_VERSION=4.17.5+72-g01140da4e8-1
XEN_BRANCH=4.17

# The dom0 kernel is not pinned: it is whatever linux-image-amd64 depends on
# when the dom0 image is first built (its version becomes part of the cache
# key).  `xenlab setup --update` looks again.
DOM0_KERNEL_META=linux-image-amd64
