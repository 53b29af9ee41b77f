# meshgate itself as a container image: what `meshgate manifests gate` runs in a cluster
# (validate --env existing as a Job or CronJob, and load workers as an Indexed Job).
#   docker build -t registry.example/meshgate:0.1.0 . && docker push registry.example/meshgate:0.1.0
# No nginx inside: in a cluster the gateways under test are the cluster's own.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: none of meshgate's dependencies needs one (see the README).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY tsconfig.json ./
COPY bin ./bin
COPY harness ./harness
COPY suites ./suites
COPY scenarios ./scenarios
COPY baselines ./baselines
# The node user (uid 1000), as the manifests' securityContext expects; reports go to /reports.
USER node
ENTRYPOINT ["node", "bin/meshgate.js"]
CMD ["--help"]
