# syntax=docker/dockerfile:1.7
# One image per service, each a target of this file:
#   docker build --target call-router -t dragonpbx/call-router .
# Targets: sip-server, registrar, call-router, media-controller, hook-dispatcher, hooks-app.
# Each holds compiled JavaScript and production dependencies only, runs `node dist/main.js`
# as the unprivileged `node` user, and stops on SIGTERM (drain, then exit).
# test/e2e/production-build.test.ts runs the same build and pack commands outside Docker.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json turbo.json tsconfig.base.json tsconfig.json tsconfig.build.json ./
COPY libs libs
COPY services services
COPY examples examples
# Every workspace's manifest, so `npm ci` accepts the lock file.
COPY bench/package.json bench/package.json
COPY test/e2e/package.json test/e2e/package.json
COPY deploy/package.json deploy/package.json
COPY scripts/pack-production.mjs scripts/pack-production.mjs
RUN npm ci --ignore-scripts --no-audit --no-fund
RUN npx tsc -b tsconfig.build.json

FROM build AS pack-sip-server
RUN node scripts/pack-production.mjs /app services/sip-server
FROM build AS pack-registrar
RUN node scripts/pack-production.mjs /app services/registrar
FROM build AS pack-call-router
RUN node scripts/pack-production.mjs /app services/call-router
FROM build AS pack-media-controller
RUN node scripts/pack-production.mjs /app services/media-controller
FROM build AS pack-hook-dispatcher
RUN node scripts/pack-production.mjs /app services/hook-dispatcher
FROM build AS pack-hooks-app
RUN node scripts/pack-production.mjs /app examples/hooks-app

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
STOPSIGNAL SIGTERM
USER node

FROM runtime AS sip-server
COPY --from=pack-sip-server --chown=node:node /app /app
WORKDIR /app/services/sip-server
EXPOSE 5060/udp 5060/tcp 9022/tcp 9400/tcp
CMD ["node", "dist/main.js"]

FROM runtime AS registrar
COPY --from=pack-registrar --chown=node:node /app /app
WORKDIR /app/services/registrar
EXPOSE 9402/tcp
CMD ["node", "dist/main.js"]

FROM runtime AS call-router
# ffmpeg converts http(s) announcements to 8 kHz mono WAV.
USER root
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
USER node
COPY --from=pack-call-router --chown=node:node /app /app
WORKDIR /app/services/call-router
EXPOSE 9401/tcp
# A 32 MB young generation and single-threaded GC, as npm start runs it (scripts/stack.sh, bench/results/call-router.md).
CMD ["node", "--single-threaded-gc", "--max-semi-space-size=32", "dist/main.js"]

FROM runtime AS media-controller
COPY --from=pack-media-controller --chown=node:node /app /app
WORKDIR /app/services/media-controller
EXPOSE 9403/tcp
CMD ["node", "dist/main.js"]

FROM runtime AS hook-dispatcher
COPY --from=pack-hook-dispatcher --chown=node:node /app /app
WORKDIR /app/services/hook-dispatcher
EXPOSE 3004/tcp
# Single-threaded GC keeps the delivery latency tail down on small nodes (bench/results/hook-dispatcher.md).
CMD ["node", "--single-threaded-gc", "dist/main.js"]

FROM runtime AS hooks-app
COPY --from=pack-hooks-app --chown=node:node /app /app
WORKDIR /app/examples/hooks-app
EXPOSE 3000/tcp
CMD ["node", "dist/main.js"]
