/**
 * Asks a FHIR server for its CapabilityStatement (FHIR R4 http.html#capabilities) to tell an
 * administrator whether the national record service answers and what it is.
 */
import type { CapabilityStatement } from '@medplum/fhirtypes';
import type { ServiceReachability } from '../contract/types';

export async function probeCapabilityStatement(
  baseUrl: string,
  timeoutMs = 5000,
): Promise<ServiceReachability> {
  const url = `${baseUrl.replace(/\/+$/, '')}/metadata`;
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/fhir+json' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    if (!response.ok) {
      return {
        reachable: false,
        httpStatus: response.status,
        fhirVersion: null,
        software: null,
        error: `HTTP ${response.status}`,
      };
    }
    const body = (await response.json()) as Partial<CapabilityStatement>;
    if (body.resourceType !== 'CapabilityStatement') {
      return {
        reachable: false,
        httpStatus: response.status,
        fhirVersion: null,
        software: null,
        error: 'not a FHIR CapabilityStatement',
      };
    }
    return {
      reachable: true,
      httpStatus: response.status,
      fhirVersion: body.fhirVersion ?? null,
      software: body.software ? [body.software.name, body.software.version].filter(Boolean).join(' ') : null,
      error: null,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const message =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : (cause ?? String(error));
    return { reachable: false, httpStatus: null, fhirVersion: null, software: null, error: message };
  }
}
