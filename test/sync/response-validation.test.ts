/**
 * Every body from the national service is checked before use; a malformed page is refused as a
 * whole with SYNC_RESPONSE_INVALID (or SYNC_BUNDLE_TOO_LARGE) saying what and where, and an
 * OperationOutcome becomes an error carrying the server's diagnostics.
 */
import { describe, expect, it } from 'vitest';
import { TabibError } from '../../main/errors';
import {
  httpError,
  isUnderBase,
  parseJsonBody,
  validateBundle,
  validateResource,
  type BundleExpectation,
} from '../../main/sync/response-validation';

const base = 'https://dpp.sante.example/fhir/R4';
const expectation: BundleExpectation = {
  request: 'GET Patient?organization=1',
  kind: 'searchset',
  limits: { maxBytes: 1_000_000, maxEntries: 3 },
  baseUrl: base,
};

const patient = (id: unknown, extra: object = {}) => ({ resourceType: 'Patient', id, ...extra });
const searchset = (entries: object[], extra: object = {}) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: entries.map((resource) => ({ resource })),
  ...extra,
});

function refusal(run: () => unknown): TabibError {
  try {
    run();
  } catch (error) {
    if (error instanceof TabibError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function problemsOf(error: TabibError): { path: string; problem: string }[] {
  return (error.details as { problems: { path: string; problem: string }[] }).problems;
}

describe('a well-formed page', () => {
  it('is returned as it came', () => {
    const body = searchset(
      [
        patient('a1'),
        patient('a-2.x', { meta: { versionId: '3', lastUpdated: '2026-11-23T10:00:00.123Z' } }),
      ],
      {
        link: [{ relation: 'next', url: `${base}/Patient?organization=1&_page=2` }],
      },
    );
    expect(validateBundle(body, expectation)).toBe(body);
  });
});

describe('malformed responses are refused as a whole', () => {
  it('invalid JSON', () => {
    const error = refusal(() => parseJsonBody('{"resourceType":"Bundle",', expectation));
    expect(error.code).toBe('SYNC_RESPONSE_INVALID');
    expect(problemsOf(error)[0]).toMatchObject({ path: '(body)' });
    expect(error.message).toContain('GET Patient?organization=1');
    expect(refusal(() => parseJsonBody('[1,2]', expectation)).code).toBe('SYNC_RESPONSE_INVALID');
    expect(refusal(() => parseJsonBody('null', expectation)).code).toBe('SYNC_RESPONSE_INVALID');
  });

  it('a resource where a Bundle was expected, and a Bundle of the wrong type', () => {
    const wrongResource = refusal(() => validateBundle(patient('a1'), expectation));
    expect(problemsOf(wrongResource)).toEqual([
      { path: 'resourceType', problem: 'expected Bundle, got "Patient"' },
    ]);
    const wrongType = refusal(() => validateBundle({ ...searchset([]), type: 'history' }, expectation));
    expect(problemsOf(wrongType)).toEqual([{ path: 'type', problem: 'expected searchset, got "history"' }]);
  });

  it('a resource of another type than asked for', () => {
    const error = refusal(() =>
      validateResource(patient('a1'), 'Observation', { request: 'GET Observation/a1' }),
    );
    expect(error.code).toBe('SYNC_RESPONSE_INVALID');
    expect(problemsOf(error)[0]?.path).toBe('resourceType');
  });

  it('entries with a missing or malformed id, naming each entry', () => {
    const error = refusal(() =>
      validateBundle(searchset([patient('ok'), patient(undefined), patient('bad id/…')]), expectation),
    );
    expect(error.code).toBe('SYNC_RESPONSE_INVALID');
    expect(problemsOf(error)).toEqual([
      { path: 'entry[1].resource.id', problem: 'missing' },
      { path: 'entry[2].resource.id', problem: 'not a FHIR id: "bad id/…"' },
    ]);
    expect(problemsOf(refusal(() => validateBundle(searchset([patient(42)]), expectation)))[0]?.path).toBe(
      'entry[0].resource.id',
    );
    expect(
      problemsOf(
        refusal(() =>
          validateBundle({ resourceType: 'Bundle', type: 'searchset', entry: [{}] }, expectation),
        ),
      ),
    ).toEqual([{ path: 'entry[0].resource', problem: 'missing' }]);
  });

  it('a single resource without an id', () => {
    expect(
      problemsOf(
        refusal(() => validateResource({ resourceType: 'Patient' }, 'Patient', { request: 'GET Patient/x' })),
      ),
    ).toEqual([{ path: 'id', problem: 'missing' }]);
  });

  it('malformed meta (the cursor relies on it)', () => {
    const error = refusal(() =>
      validateBundle(
        searchset([patient('a', { meta: { versionId: 'v 1', lastUpdated: 'yesterday' } })]),
        expectation,
      ),
    );
    expect(problemsOf(error).map((p) => p.path)).toEqual([
      'entry[0].resource.meta.versionId',
      'entry[0].resource.meta.lastUpdated',
    ]);
  });

  it('a bundle with more entries than allowed', () => {
    const error = refusal(() =>
      validateBundle(searchset([patient('a'), patient('b'), patient('c'), patient('d')]), expectation),
    );
    expect(error.code).toBe('SYNC_BUNDLE_TOO_LARGE');
    expect(error.details).toMatchObject({ entries: 4, maxEntries: 3 });
  });

  it('resource types the record does not hold', () => {
    const error = refusal(() =>
      validateBundle(searchset([patient('a'), { resourceType: 'Basic', id: 'b' }]), expectation),
    );
    expect(problemsOf(error)).toEqual([
      { path: 'entry[1].resource.resourceType', problem: 'Basic is not a type the record holds' },
    ]);
    // …unless the caller widened the accepted types (e.g. $everything on a richer server).
    const widened = { ...expectation, acceptedTypes: ['Patient', 'Basic'] };
    expect(() =>
      validateBundle(searchset([patient('a'), { resourceType: 'Basic', id: 'b' }]), widened),
    ).not.toThrow();
  });

  it('a next link off the base URL’s origin or outside its path', () => {
    for (const url of [
      'https://evil.example/fhir/R4/Patient?page=2',
      'http://dpp.sante.example/fhir/R4/Patient?page=2',
      'https://dpp.sante.example:8443/fhir/R4/Patient?page=2',
      'https://dpp.sante.example/other/Patient?page=2',
      'https://dpp.sante.example/fhir/R4x/Patient',
      'https://user:pw@dpp.sante.example/fhir/R4/Patient',
      '//evil.example/fhir/R4/Patient',
    ]) {
      const error = refusal(() =>
        validateBundle(searchset([patient('a')], { link: [{ relation: 'next', url }] }), expectation),
      );
      expect(problemsOf(error), url).toEqual([
        { path: 'link[0].url', problem: `${url} is not under ${base}` },
      ]);
    }
    expect(isUnderBase(`${base}/Patient?_page=2`, base)).toBe(true);
    expect(isUnderBase('Patient?_page=2', base)).toBe(true);
  });

  it('an OperationOutcome instead of the page, with the server’s diagnostics', () => {
    const outcome = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'too-costly', diagnostics: 'Search would return too many results' }],
    };
    const error = refusal(() => validateBundle(outcome, expectation));
    expect(error.code).toBe('SYNC_RESPONSE_INVALID');
    expect(error.message).toContain('Search would return too many results');
    expect(error.details).toMatchObject({ issues: [{ code: 'too-costly' }] });
  });

  it('history: deletions need Type/id in request.url, other entries a resource', () => {
    const history = {
      resourceType: 'Bundle',
      type: 'history',
      entry: [
        { request: { method: 'DELETE', url: 'Observation/o1' } },
        { request: { method: 'PUT', url: 'Patient/p1' }, resource: patient('p1') },
        { request: { method: 'DELETE', url: '' } },
        { request: { method: 'POST', url: 'Patient' } },
        { resource: patient('p2') },
      ],
    };
    const error = refusal(() =>
      validateBundle(history, {
        ...expectation,
        kind: 'history',
        limits: { ...expectation.limits, maxEntries: 10 },
      }),
    );
    expect(problemsOf(error)).toEqual([
      { path: 'entry[2].request.url', problem: 'not Type/id: ' },
      { path: 'entry[3].resource', problem: 'missing' },
      { path: 'entry[4].request', problem: 'missing method or url' },
    ]);
  });

  it('a transaction response that does not answer every entry', () => {
    const response = {
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: [{ response: { status: '201 Created' } }, { response: {} }],
    };
    const error = refusal(() =>
      validateBundle(response, { ...expectation, kind: 'transaction-response', requestEntries: 3 }),
    );
    expect(problemsOf(error)).toEqual([
      { path: 'entry', problem: '2 entries answer 3 sent' },
      { path: 'entry[1].response.status', problem: 'missing or not an HTTP status' },
    ]);
  });
});

describe('HTTP errors become TabibErrors with the server’s diagnostics', () => {
  const outcome = JSON.stringify({
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'invalid',
        diagnostics: 'Patient.birthDate: invalid date',
        expression: ['Patient.birthDate'],
      },
    ],
  });

  it('maps each status to its code', () => {
    const cases: [number, string][] = [
      [400, 'SYNC_REQUEST_REFUSED'],
      [422, 'SYNC_REQUEST_REFUSED'],
      [401, 'SYNC_UNAUTHORIZED'],
      [403, 'SYNC_UNAUTHORIZED'],
      [404, 'RESOURCE_NOT_FOUND'],
      [410, 'RESOURCE_NOT_FOUND'],
      [409, 'VERSION_CONFLICT'],
      [412, 'VERSION_CONFLICT'],
      [408, 'SYNC_TIMEOUT'],
      [413, 'SYNC_BUNDLE_TOO_LARGE'],
      [429, 'SYNC_SERVER_ERROR'],
      [503, 'SYNC_SERVER_ERROR'],
    ];
    for (const [status, code] of cases)
      expect(httpError(status, '', 'PUT Patient/1').code, `${status}`).toBe(code);
  });

  it('carries the diagnostics and where they point', () => {
    const error = httpError(422, outcome, 'PUT Patient/1');
    expect(error.message).toBe(
      'PUT Patient/1: HTTP 422: Patient.birthDate: invalid date (Patient.birthDate)',
    );
    expect(error.details).toEqual({
      request: 'PUT Patient/1',
      status: 422,
      issues: [
        {
          severity: 'error',
          code: 'invalid',
          diagnostics: 'Patient.birthDate: invalid date',
          expression: ['Patient.birthDate'],
        },
      ],
    });
  });

  it('keeps a proxy’s HTML error page out of the message', () => {
    const error = httpError(502, '<html><body>Bad gateway</body></html>', 'GET Patient/1');
    expect(error.message).toBe('GET Patient/1: HTTP 502');
    expect(error.details).toMatchObject({ status: 502, issues: [] });
  });
});
