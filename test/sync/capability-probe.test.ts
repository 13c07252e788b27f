/**
 * The enrolment and `tabib doctor` probe of the national service, now through the FHIR client:
 * what it reports for a real FHIR server, a closed port, an error status and a non-FHIR answer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeCapabilityStatement } from '../../main/sync/capability-probe';
import { startFhirPeer, type FhirPeer } from '../peers/fhir/fhir-peer';

let fhir: FhirPeer;
let other: Server;
let otherUrl: string;
let answer: { status: number; body: string } = { status: 200, body: '{}' };

beforeAll(async () => {
  fhir = await startFhirPeer();
  other = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/fhir`;
}, 60_000);

afterAll(async () => {
  await fhir?.stop();
  await new Promise((resolve) => other.close(resolve));
});

describe('the capability probe', () => {
  it('reports a FHIR server’s version and software', async () => {
    expect(await probeCapabilityStatement(fhir.baseUrl)).toEqual({
      reachable: true,
      httpStatus: 200,
      fhirVersion: '4.0.1',
      software: 'Tabib test FHIR peer (Medplum fhir-router 4.5) 1',
      error: null,
    });
  });

  it('reports a closed port by its cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await probeCapabilityStatement(`http://127.0.0.1:${port}/fhir`)).toMatchObject({
      reachable: false,
      httpStatus: null,
      error: 'ECONNREFUSED',
    });
  });

  it('reports an error status, once (no retries while an administrator waits)', async () => {
    answer = { status: 503, body: '' };
    expect(await probeCapabilityStatement(otherUrl)).toMatchObject({
      reachable: false,
      httpStatus: 503,
      error: 'HTTP 503',
    });
  });

  it('reports an answer that is not a CapabilityStatement', async () => {
    answer = { status: 200, body: '{"resourceType":"Patient","id":"x"}' };
    const result = await probeCapabilityStatement(otherUrl);
    expect(result.reachable).toBe(false);
    expect(result.error).toMatch(/^not a FHIR CapabilityStatement/);
  });
});
