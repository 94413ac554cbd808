#!/bin/sh
# Build the academy's image with Podman: a Debian base from Debian's packages
# (mmdebstrap), then deploy/Containerfile on top. Prints the image's size.
#   deploy/build-image.sh [TAG]        # default localhost/academy:latest
set -eu
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/deploy/containers.conf}"
tag="${1:-localhost/academy:latest}"
base=localhost/academy-base:bookworm
if ! podman image exists "$base"; then
  work=$(mktemp -d)
  mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$work/base.tar"
  podman import --quiet "$work/base.tar" "$base" >/dev/null
  rm -rf "$work"
fi
# Where the host trusts an extra CA (a TLS-inspecting proxy), pip in the build does too.
set --
cert="${PIP_CERT:-${SSL_CERT_FILE:-}}"
if [ -n "$cert" ] && [ -f "$cert" ]; then
  set -- --volume "$cert:/run/build-ca.crt:ro" --build-arg PIP_CERT=/run/build-ca.crt
fi
podman build --quiet --network host --build-arg BASE="$base" "$@" \
  -f deploy/Containerfile -t "$tag" . >/dev/null
podman image inspect "$tag" --format '{{.Id}} {{.Size}}'
