# One image for the API, its migrations and the agent; docker-compose.yml and deploy/kubernetes pick the command.
FROM node:24-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends clang llvm libbpf-dev bpftool make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# The workspaces' manifests too, so npm ci installs what the web UI's build needs.
COPY apps/cli/package.json apps/cli/
COPY apps/web/package.json apps/web/
RUN npm ci --no-audit --no-fund
COPY . .
# CO-RE: vmlinux.h comes from the build machine's BTF; libbpf relocates the objects to each host's kernel.
# The web UI is static files the API serves at /.
RUN npm run build --workspace @bpfleet/web && npx tsc -p tsconfig.build.json && bash scripts/build-bpf.sh \
    && npm prune --omit=dev

# bpftool: the agent makes a minimized BTF per tool at boot (fast loads); llvm: llvm-symbolizer.
FROM node:24-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libbpf1 llvm bpftool bpftrace \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/build/bpf ./build/bpf
COPY --from=build /app/apps/web/dist ./apps/web/dist
ENV NODE_ENV=production
CMD ["node", "dist/apps/api/src/main.js"]
