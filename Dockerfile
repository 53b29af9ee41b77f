# meshgate itself as a container image: what `meshgate manifests gate` runs in a cluster
# (validate --env existing as a Job or CronJob, judge as a CronJob, and load workers as an
# Indexed Job).
#   docker build -t registry.example/meshgate:0.1.0 . && docker push registry.example/meshgate:0.1.0
# No nginx inside: in a cluster the gateways under test are the cluster's own.
#
# Node 24 (LTS) on Debian 12, pinned by digest: docker.io/library/node:24-bookworm-slim at
# the digest mantoniocc/node-runtime-base pins in its Dockerfile (kept current by
# Dependabot). Not checked against the registry here (no Docker engine); check and move
# it with `docker buildx imagetools inspect node:24-bookworm-slim`.
FROM node:24-bookworm-slim@sha256:3638d9a6fe4030bd716be989438248074489337ba3275657f93595428be4fc03
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, no install scripts (none of them needs one). hpack ships
# its 65 MiB test corpus and its own tarball in the package; neither is code.
RUN npm ci --omit=dev --ignore-scripts \
  && npm cache clean --force \
  && rm -rf node_modules/hpack/test node_modules/hpack/hpack-1.0.0.tgz
COPY tsconfig.json ./
COPY bin ./bin
COPY harness ./harness
COPY suites ./suites
COPY scenarios ./scenarios
COPY baselines ./baselines
# Writable for the node user: the default reports folder, the state folder (`up`'s target
# file) and /reports, where the Job mounts its claim. The rest of /app stays root's.
RUN mkdir -p /app/reports /app/.meshgate /reports && chown node:node /app/reports /app/.meshgate /reports
# The node user by number (uid 1000), so the kubelet can check runAsNonRoot.
USER 1000:1000
ENTRYPOINT ["node", "bin/meshgate.js"]
CMD ["--help"]
