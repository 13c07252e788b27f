/**
 * Asks a FHIR server for its CapabilityStatement (FHIR R4 http.html#capabilities) to tell an
 * administrator whether the national record service answers and what it is. It goes through the
 * FHIR client, so the probe trusts the same CA, refuses redirects and checks the body as sync does;
 * one attempt only, since an administrator is waiting for the answer.
 */
import type { ServiceReachability } from '../contract/types';
import { TabibError } from '../errors';
import { FhirClient } from './fhir-client';
import { createFetch } from './http-transport';

export async function probeCapabilityStatement(
  baseUrl: string,
  timeoutMs = 5000,
  options: { caCertificateFile?: string } = {},
): Promise<ServiceReachability> {
  const transport = createFetch({ ...options, connectTimeoutMs: timeoutMs });
  try {
    const client = new FhirClient({ baseUrl, fetch: transport.fetch, timeoutMs, retry: { maxAttempts: 1 } });
    const capabilities = await client.capabilities();
    return {
      reachable: true,
      httpStatus: 200,
      fhirVersion: capabilities.fhirVersion,
      software: capabilities.software,
      error: null,
    };
  } catch (error) {
    const details = (error instanceof TabibError ? error.details : undefined) as
      { status?: number; cause?: string } | undefined;
    const status = typeof details?.status === 'number' ? details.status : null;
    let message: string;
    if (!(error instanceof TabibError)) message = String(error);
    else if (error.code === 'SYNC_TIMEOUT') message = `no answer within ${timeoutMs} ms`;
    else if (error.code === 'SYNC_UNREACHABLE') message = details?.cause ?? error.message;
    else if (error.code === 'SYNC_RESPONSE_INVALID')
      message = `not a FHIR CapabilityStatement (${error.message})`;
    else if (status !== null) message = `HTTP ${status}`;
    else message = error.message;
    return { reachable: false, httpStatus: status, fhirVersion: null, software: null, error: message };
  } finally {
    await transport.close();
  }
}
