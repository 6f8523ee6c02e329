FROM node:20-bookworm-slim
WORKDIR /app
# node-gyp needs a compiler for hnswlib-node.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
ENV MEDIC_DATA_DIR=/data
VOLUME /data
ENTRYPOINT ["node", "bin/medic.js"]
CMD ["--help"]
