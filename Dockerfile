FROM node:20-bookworm-slim
WORKDIR /app
# node-gyp needs a compiler for hnswlib-node; the digest chart needs a font.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY . .
# The index is built where it is used: a new named volume on /data starts with it.
ENV MEDIC_DATA_DIR=/data
RUN npm ci --no-audit --no-fund && npx medic index && npm prune --omit=dev
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s CMD node -e "fetch('http://127.0.0.1:8080/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" || exit 1
ENTRYPOINT ["node", "bin/medic.js"]
CMD ["serve"]
