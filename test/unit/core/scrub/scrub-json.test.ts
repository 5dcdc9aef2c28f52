import { describe, expect, it } from 'vitest';
import { scrubJson } from '../../../../core/scrub/scrub-json.js';

describe('scrubJson', () => {
  it('replaces whole values under PHI keys and keeps machine data and types', () => {
    const input = { patient: { name: 'Ana Ruiz', dob: '1985-03-04', ssn: 123456789, mrn: 45112367, age: 93 }, build: '10.0.19045.3693', RecordCount: 20345, enabled: true, none: null };
    const { value, counts } = scrubJson(input);
    expect(value).toEqual({ patient: { name: '[PHI:NAME]', dob: '[PHI:DOB]', ssn: '[PHI:SSN]', mrn: '[PHI:MRN]', age: '[PHI:AGE]' }, build: '10.0.19045.3693', RecordCount: 20345, enabled: true, none: null });
    expect(counts).toMatchObject({ NAME: 1, DOB: 1, SSN: 1, MRN: 1, AGE: 1 });
    expect(input.patient.name).toBe('Ana Ruiz'); // the input is not changed
  });

  it('keeps a "name" that is not a person outside a patient record', () => {
    expect(scrubJson({ name: 'Windows Firewall', patient: { name: 'Ana Ruiz' } }).value).toEqual({ name: 'Windows Firewall', patient: { name: '[PHI:NAME]' } });
  });

  it('scrubs strings anywhere, and keys that are PHI themselves, keeping keys unique', () => {
    const { value } = scrubJson({ note: 'call 555-555-1234', 'C:\\Users\\jsmith\\a': 1, 'C:\\Users\\mgarcia\\a': 2 });
    expect(value).toEqual({ note: 'call [PHI:PHONE]', 'C:\\Users\\[PHI:NAME]\\a': 1, 'C:\\Users\\[PHI:NAME]\\a#2': 2 });
  });

  it('reads FHIR-style structures: identifier values, telecom, name parts, address lines', () => {
    const fhir = { resourceType: 'Patient', identifier: [{ system: 'urn:oid:1.2.36', value: 'E258466912' }], name: [{ family: 'Kent', given: ['Aaliyah'] }], telecom: [{ system: 'phone', value: '5555551234' }], birthDate: '1954-08-14', address: [{ line: ['710 Kent Walk'], city: 'East Robin', postalCode: '55184' }] };
    expect(scrubJson(fhir).value).toEqual({ resourceType: 'Patient', identifier: [{ system: 'urn:oid:1.2.36', value: '[PHI:MRN]' }], name: [{ family: '[PHI:NAME]', given: ['[PHI:NAME]'] }], telecom: [{ system: 'phone', value: '[PHI:PHONE]' }], birthDate: '[PHI:DOB]', address: [{ line: ['[PHI:ADDRESS]'], city: '[PHI:ADDRESS]', postalCode: '[PHI:ADDRESS]' }] });
  });

  it('keeps built-in accounts in account lists', () => {
    expect(scrubJson({ LocalAdmins: ['Administrator', 'CLINIC\\Domain Admins', 'CLINIC\\jsmith'] }).value).toEqual({ LocalAdmins: ['Administrator', 'CLINIC\\Domain Admins', '[PHI:NAME]'] });
  });

  it('withholds what it cannot vouch for: too deep, too long, cycles', () => {
    let deep: unknown = 'Ana Ruiz';
    for (let i = 0; i < 10; i++) deep = { d: deep };
    expect(JSON.stringify(scrubJson(deep, { maxDepth: 5 }).value)).toContain('[PHI:WITHHELD]');
    const long = scrubJson({ out: 'x'.repeat(50) }, { maxStringChars: 10 });
    expect(long.value).toEqual({ out: '[PHI:WITHHELD]' });
    expect(long.counts.WITHHELD).toBe(1);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(scrubJson(cyclic).value).toEqual({ a: 1, self: '[PHI:WITHHELD]' });
  });

  it('the result stringifies to valid JSON', () => {
    const { value } = scrubJson({ s: 'Patient: "Ana Ruiz"\n\\ C:\\Users\\jsmith', list: [1, 'x', { dob: 19800101 }] });
    expect(() => JSON.parse(JSON.stringify(value))).not.toThrow();
    expect(value).toMatchObject({ list: [1, 'x', { dob: '[PHI:DOB]' }] });
  });
});
