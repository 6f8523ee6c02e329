import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { createServer as createHttpsServer } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { TestCA } from './fixtures/certs.js';
import { medic, tempDir } from './helpers.js';

interface Result {
  node: string;
  check: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  conditions: Array<{ condition: string; ok: boolean; actual: string }>;
}

const listen = (s: Server | TlsServer): Promise<number> => new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
const close = (s: Server | TlsServer): Promise<void> => new Promise((r) => s.close(() => r()));

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const METRICS = `# HELP hybridgrid_circuit_state Circuit state per worker (0 closed, 1 open)
# TYPE hybridgrid_circuit_state gauge
hybridgrid_circuit_state{worker="w1"} 0
hybridgrid_circuit_state{worker="w2"} 1
hybridgrid_tasks_total 1234
`;

describe('medic check against real loopback targets', () => {
  const dir = tempDir();
  const ca = new TestCA();
  const servers: Array<Server | TlsServer> = [];
  let http = 0;
  let closed = 0;
  const tlsPorts: Record<string, number> = {};

  before(async () => {
    const web = createServer((req, res) => {
      if (req.url === '/health') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', peers: 3 }));
      else if (req.url === '/broken') res.writeHead(500).end('boom');
      else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end('late'), 3000);
      else if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain' }).end(METRICS);
      else if (req.url === '/v1/models') res.writeHead(200).end(JSON.stringify({ object: 'list', data: [{ id: 'llama-3-8b-instruct' }, { id: 'qwen2.5-7b' }] }));
      else if (req.url === '/away') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else if (req.url === '/moved') res.writeHead(301, { location: '/health' }).end();
      else res.writeHead(404).end();
    });
    servers.push(web);
    http = await listen(web);
    closed = await freePort();
    const certs = {
      valid: ca.issue('127.0.0.1', -1, 30),
      expiring: ca.issue('127.0.0.1', -1, 2),
      expired: ca.issue('127.0.0.1', -30, -1),
      wrongName: ca.issue('other.example', -1, 30),
    };
    for (const [name, pem] of Object.entries(certs)) {
      const s = createTlsServer({ cert: pem.cert, key: pem.key }, (sock) => sock.end());
      servers.push(s);
      tlsPorts[name] = await listen(s);
    }
    for (const [name, pem] of [['httpsValid', certs.valid], ['httpsWrongName', certs.wrongName]] as const) {
      const s = createHttpsServer({ cert: pem.cert, key: pem.key }, (_req, res) => res.writeHead(200).end('ok'));
      servers.push(s);
      tlsPorts[name] = await listen(s);
    }
    writeFileSync(join(dir, 'ca.pem'), ca.pem);
    const yaml = `
nodes:
  - name: lab
    system: hybridgrid
    host: 127.0.0.1
    labels: { role: coordinator }
    checks:
      - { name: health, kind: http, url: "http://{host}:${http}/health", conditions: ["[STATUS] == 200", "[RESPONSE_TIME] < 2000", "[BODY].status == ok", "[BODY].peers >= 3", "[BODY] contains ok", "[BODY] !contains error"] }
      - { name: broken, kind: http, url: "http://{host}:${http}/broken", conditions: ["[STATUS] == 200"] }
      - { name: slow, kind: http, url: "http://{host}:${http}/slow", timeoutMs: 500 }
      - { name: away, kind: http, url: "http://{host}:${http}/away" }
      - { name: moved, kind: http, url: "http://{host}:${http}/moved", conditions: ["[STATUS] == 200", "[STATUS] != 301"] }
      - { name: port-open, kind: tcp, port: ${http} }
      - { name: port-closed, kind: tcp, port: ${closed}, severity: warn }
      - { name: circuit-w1, kind: metrics, url: "http://{host}:${http}/metrics", conditions: ['[METRIC:hybridgrid_circuit_state{worker="w1"}] == 0'] }
      - { name: circuit-any, kind: metrics, url: "http://{host}:${http}/metrics", conditions: ["[METRIC:hybridgrid_circuit_state] == 0", "[METRIC:hybridgrid_tasks_total] > 1000"] }
      - { name: models, kind: models, url: "http://{host}:${http}/v1", conditions: ["[MODELS] contains llama-3", "[MODEL_COUNT] <= 2"] }
      - { name: models-missing, kind: models, url: "http://{host}:${http}/v1", conditions: ["[MODELS] contains llama-2-13b"] }
      - { name: dns, kind: dns, host: localhost }
      - { name: tls-valid, kind: tls, port: ${tlsPorts.valid}, ca: "${join(dir, 'ca.pem')}", conditions: ["[CHAIN_VALID] == true", "[HOSTNAME_MATCH] == true", "[CERTIFICATE_EXPIRATION] > 72h"] }
      - { name: tls-expiring, kind: tls, port: ${tlsPorts.expiring}, ca: "${join(dir, 'ca.pem')}", conditions: ["[CERTIFICATE_EXPIRATION] > 72h"] }
      - { name: tls-expired, kind: tls, port: ${tlsPorts.expired}, ca: "${join(dir, 'ca.pem')}" }
      - { name: tls-wrong-name, kind: tls, port: ${tlsPorts.wrongName}, ca: "${join(dir, 'ca.pem')}" }
      - { name: tls-untrusted, kind: tls, port: ${tlsPorts.valid} }
      - { name: tls-expiry-only-wrong-name, kind: tls, port: ${tlsPorts.wrongName}, ca: "${join(dir, 'ca.pem')}", conditions: ["[CERTIFICATE_EXPIRATION] > 72h"] }
      - { name: tls-expiry-only-untrusted, kind: tls, port: ${tlsPorts.valid}, conditions: ["[CERTIFICATE_EXPIRATION] > 72h"] }
      - { name: tls-expiry-only-expired, kind: tls, port: ${tlsPorts.expired}, ca: "${join(dir, 'ca.pem')}", conditions: ["[CERTIFICATE_EXPIRATION] > -720h"] }
      - { name: tls-insecure, kind: tls, port: ${tlsPorts.wrongName}, insecure: true, conditions: ["[CERTIFICATE_EXPIRATION] > 72h"] }
      - { name: https-valid, kind: http, url: "https://{host}:${tlsPorts.httpsValid}/", ca: "${join(dir, 'ca.pem')}", conditions: ["[STATUS] == 200"] }
      - { name: https-wrong-name, kind: http, url: "https://{host}:${tlsPorts.httpsWrongName}/", ca: "${join(dir, 'ca.pem')}", conditions: ["[STATUS] == 200"] }
      - { name: https-untrusted, kind: http, url: "https://{host}:${tlsPorts.httpsValid}/", conditions: ["[STATUS] == 200"] }
      - { name: https-insecure, kind: http, url: "https://{host}:${tlsPorts.httpsWrongName}/", insecure: true, conditions: ["[STATUS] == 200"] }
`;
    writeFileSync(join(dir, 'medic.yaml'), yaml);
  });

  after(async () => {
    for (const s of servers) await close(s);
  });

  const run = (args: string[]) => medic(['check', ...args], { env: { MEDIC_CONFIG: join(dir, 'medic.yaml'), MEDIC_DATA_DIR: dir, REDIS_URL: 'off' } });

  it('runs every check kind and reports pass, warn and fail with the measured value', async () => {
    const r = await run(['lab', '--json']);
    assert.equal(r.code, 1, 'exit 1 when any check fails');
    const results = JSON.parse(r.stdout) as Result[];
    const by = Object.fromEntries(results.map((x) => [x.check, x]));
    const expect: Record<string, Result['status']> = {
      health: 'pass',
      broken: 'fail',
      slow: 'fail',
      away: 'fail',
      moved: 'pass',
      'port-open': 'pass',
      'port-closed': 'warn',
      'circuit-w1': 'pass',
      'circuit-any': 'fail',
      models: 'pass',
      'models-missing': 'fail',
      dns: 'pass',
      'tls-valid': 'pass',
      'tls-expiring': 'fail',
      'tls-expired': 'fail',
      'tls-wrong-name': 'fail',
      'tls-untrusted': 'fail',
      'tls-expiry-only-wrong-name': 'fail',
      'tls-expiry-only-untrusted': 'fail',
      'tls-expiry-only-expired': 'fail',
      'tls-insecure': 'pass',
      'https-valid': 'pass',
      'https-wrong-name': 'fail',
      'https-untrusted': 'fail',
      'https-insecure': 'pass',
    };
    assert.deepEqual(Object.fromEntries(results.map((x) => [x.check, x.status])), expect);
    assert.match(by.broken!.message, /\[STATUS\] == 200 \(got 500\)/);
    assert.match(by.slow!.message, /timed out after 500 ms/);
    assert.match(by.away!.message, /redirect to another host \(169\.254\.169\.254\) refused/);
    assert.match(by['port-closed']!.message, /ECONNREFUSED/);
    assert.match(by['circuit-any']!.message, /hybridgrid_circuit_state\] == 0 \(got 1\)/);
    assert.match(by['models-missing']!.message, /got llama-3-8b-instruct, qwen2\.5-7b/);
    assert.match(by['tls-expired']!.message, /CHAIN_VALID\] == true \(got false\).*CERTIFICATE_EXPIRATION\] > 0/);
    assert.match(by['tls-wrong-name']!.message, /HOSTNAME_MATCH\] == true \(got false\)/);
    assert.match(by['tls-untrusted']!.message, /CHAIN_VALID\] == true \(got false\)/);
    // A condition of the user's adds to the chain and hostname checks; only insecure: true drops them.
    assert.match(by['tls-expiry-only-wrong-name']!.message, /HOSTNAME_MATCH\] == true \(got false\)/);
    assert.match(by['tls-expiry-only-untrusted']!.message, /CHAIN_VALID\] == true \(got false\)/);
    assert.match(by['tls-expiry-only-expired']!.message, /CHAIN_VALID\] == true \(got false\)/);
    assert.match(by['https-wrong-name']!.message, /ERR_TLS_CERT_ALTNAME_INVALID/);
    assert.match(by['https-untrusted']!.message, /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
  });

  it('prints a table, and exits 0 when every selected check passes', async () => {
    const r = await run(['lab', '--check', 'health']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NODE +CHECK +KIND +STATUS +TIME +DETAIL\nlab +health +http +PASS +\d+ ms/);
  });

  it('lists nodes with their last status', async () => {
    const r = await medic(['nodes', '--json'], { env: { MEDIC_CONFIG: join(dir, 'medic.yaml'), MEDIC_DATA_DIR: dir, REDIS_URL: 'off' } });
    assert.equal(r.code, 0, r.stderr);
    const [node] = JSON.parse(r.stdout) as Array<{ name: string; status: string; checks: string[] }>;
    assert.equal(node!.name, 'lab');
    assert.equal(node!.status, 'down');
    assert.equal(node!.checks.length, 25);
  });

  it('refuses unknown nodes and checks, and bad conditions in medic.yaml, clearly', async () => {
    const unknown = await run(['nowhere']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no node "nowhere"; known: lab/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'nodes:\n  - name: x\n    system: lloom\n    host: 127.0.0.1\n    checks:\n      - { name: h, kind: http, conditions: ["STATUS = 200"] }\n');
    const r = await medic(['check', 'x'], { env: { MEDIC_CONFIG: bad, REDIS_URL: 'off' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nodes\.0\.checks\.0\.url: a http check needs a url/);
    assert.match(r.stderr, /nodes\.0\.checks\.0\.conditions\.0: cannot read condition "STATUS = 200"/);
  });
});
