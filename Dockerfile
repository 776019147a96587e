# The image holds the statically linked manager and nothing else: no shell,
# no package manager to patch. `make docker-build` compiles the binary first
# (CGO off, for the target architecture), so the image builds offline, with
# Docker or with buildah, without pulling any base image.
FROM scratch
ARG TARGETARCH=amd64
COPY dist/manager-linux-${TARGETARCH} /manager
USER 65532:65532
ENTRYPOINT ["/manager"]
