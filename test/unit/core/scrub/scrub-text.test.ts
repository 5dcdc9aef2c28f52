import { describe, expect, it } from 'vitest';
import { findPhiSpans } from '../../../../core/scrub/find-phi-spans.js';
import { PHI_CATEGORIES, phiToken } from '../../../../core/scrub/phi-category.js';
import { scrubText } from '../../../../core/scrub/scrub-text.js';

const scrub = (text: string, options = {}) => scrubText(text, options).text;

describe('scrubText: identifiers become fixed category tokens', () => {
  const cases: [string, string, string][] = [
    ['sshd failed password', 'sshd[812]: Failed password for invalid user jsmith from 10.0.5.23 port 52144 ssh2', 'sshd[812]: Failed password for invalid user [PHI:NAME] from [PHI:IP] port 52144 ssh2'],
    ['sshd accepted', 'Accepted publickey for maria.garcia from 192.168.1.44 port 22 ssh2', 'Accepted publickey for [PHI:NAME] from [PHI:IP] port 22 ssh2'],
    ['PAM user=', 'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.5.23  user=jsmith', 'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=[PHI:IP]  user=[PHI:NAME]'],
    ['sudo and PWD', 'sudo:  jsmith : TTY=pts/0 ; PWD=/home/jsmith ; USER=root ; COMMAND=/bin/ls', 'sudo:  [PHI:NAME] : TTY=pts/0 ; PWD=/home/[PHI:NAME] ; USER=root ; COMMAND=/bin/ls'],
    ['Windows profile path', 'Quarantined C:\\Users\\jsmith\\Downloads\\a.exe', 'Quarantined C:\\Users\\[PHI:NAME]\\Downloads\\a.exe'],
    ['profile with a space', 'C:\\Users\\John Smith\\Desktop\\a.txt', 'C:\\Users\\[PHI:NAME]\\Desktop\\a.txt'],
    ['UNC profile share', '\\\\fs01\\profiles$\\jsmith.V6\\Desktop', '\\\\fs01\\profiles$\\[PHI:NAME]\\Desktop'],
    ['DOMAIN\\user', 'Security ID:\t\tCLINIC\\jsmith', 'Security ID:\t\tCLINIC\\[PHI:NAME]'],
    ['event log Account Name', 'Account Name:\t\tjsmith\n\tAccount Domain:\t\tCLINIC', 'Account Name:\t\t[PHI:NAME]\n\tAccount Domain:\t\tCLINIC'],
    ['patient block', 'Patient: John A. Smith DOB: 03/04/1985 MRN: 00451123', 'Patient: [PHI:NAME] DOB: [PHI:DOB] MRN: [PHI:MRN]'],
    ['SSN valid-looking', 'SSN 123-45-6789', 'SSN [PHI:SSN]'],
    ['SSN invalid-looking, no label', 'id 000-12-3456 and 666-01-0001 and 987-65-4321', 'id [PHI:SSN] and [PHI:SSN] and [PHI:SSN]'],
    ['SSN bare nine digits with a label', 'social security number: 123456789', 'social security number: [PHI:SSN]'],
    ['member and account numbers', 'Member ID: XJH123456789 account number 4411223344', 'Member ID: [PHI:MEMBER] account number [PHI:ACCOUNT]'],
    ['payment card (Luhn)', 'card 4111-1111-1111-1111 ok', 'card [PHI:ACCOUNT] ok'],
    ['licence', "driver's license D1234567", "driver's license [PHI:LICENSE]"],
    ['phone and fax', 'Phone (555) 555-1234, Fax: 555.555.9876 x12', 'Phone [PHI:PHONE], Fax: [PHI:PHONE]'],
    ['bare ten digits with a label', 'cell: 5555551234', 'cell: [PHI:PHONE]'],
    ['email', 'sent to ana.ruiz@example.com today', 'sent to [PHI:EMAIL] today'],
    ['street address', 'ship to 257 Mulberry Street Apt. 534, Springfield, IL 62704 today', 'ship to [PHI:ADDRESS] today'],
    ['IPv6 client', 'lease fe80::1ff:fe23:4567:890a%eth0 ok', 'lease [PHI:IP] ok'],
    ['URL', 'redirect to https://portal.example.org/patients/123?visit=9 now', 'redirect to [PHI:URL] now'],
    ['HL7 PID', 'PID|1||123456^^^HOSP^MR||DOE^JOHN^A||19800101|M|||123 MAIN ST^^SPRINGFIELD^IL^62704||(555)555-1234|||||ACC998877|123-45-6789|D1234567', 'PID|1||[PHI:MRN]^^^HOSP^MR||[PHI:NAME]||[PHI:DOB]|M|||[PHI:ADDRESS]||[PHI:PHONE]|||||[PHI:ACCOUNT]|[PHI:SSN]|[PHI:LICENSE]'],
    ['SQL insert', "INSERT INTO patients (first_name, dob, notes) VALUES ('Ana', '1985-03-04', 'ok');", "INSERT INTO patients (first_name, dob, notes) VALUES ('[PHI:NAME]', '[PHI:DOB]', 'ok');"],
    ['SQL where', "WHERE last_name = 'O''Brien' AND mrn = '00451123'", "WHERE last_name = '[PHI:NAME]' AND mrn = '[PHI:MRN]'"],
    ['exception text', 'System.Exception: Patient Ana Ruiz (MRN 84512367) not found', 'System.Exception: Patient [PHI:NAME] (MRN [PHI:MRN]) not found'],
    ['age over 89 only', 'aged 92 years old; Age: 95; Age: 45', 'aged [PHI:AGE] years old; Age: [PHI:AGE]; Age: 45'],
    ['passwd line', 'jsmith:x:1001:1001:John Smith,,,:/home/jsmith:/bin/bash', '[PHI:NAME]:x:1001:1001:[PHI:NAME],,,:/home/[PHI:NAME]:/bin/bash'],
    ['X12 837', 'NM1*IL*1*DOE*JANE****MI*W123456789~DMG*D8*19800101*F~', 'NM1*IL*1*[PHI:NAME]*[PHI:NAME]****MI*[PHI:MEMBER]~DMG*D8*[PHI:DOB]*F~'],
    ['CSV with a header', 'timestamp,user,patient_mrn\n2023-11-14T10:22:33Z,jsmith,00451123', 'timestamp,user,patient_mrn\n2023-11-14T10:22:33Z,[PHI:NAME],[PHI:MRN]'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(scrub(input)).toBe(expected);
  });
});

describe('scrubText: machine tokens are kept', () => {
  const kept = [
    'Microsoft Windows [Version 10.0.19045.3693] KB5031356',
    'GUID {550e8400-e29b-41d4-a716-446655440000} 550e8400-e29b-41d4-a716-446655440000',
    'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709 md5 d41d8cd98f00b204e9800998ecf8427e',
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl appliance',
    'PermitRootLogin no\nMaxAuthTries 4\nPort 22\nCiphers aes256-gcm@openssh.com',
    'TCP 0.0.0.0:3389 LISTENING; 127.0.0.1:5986; ::1; 443/tcp ALLOW; netmask 255.255.255.0',
    'EventID 4625 at 2023-11-14T10:22:33Z; Nov 14 10:22:33 ws-014; 11/14/2023 10:22:33 AM',
    'ntlm 537395200 epoch 1700000000 RecordCount 20345 bytes 1234567890',
    'Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089; OID 1.3.6.1.4.1.311.21.8',
    'S-1-5-21-3623811015-3361044348-30300820-1013 MAC 00:1A:2B:3C:4D:5E',
    'Service Name: wuauserv\nDisplay Name: Windows Update\nAccount Name: WS-014$\nUser: NT AUTHORITY\\SYSTEM',
    'C:\\Users\\Public\\Documents C:\\Users\\Default\\AppData /home/svc.backup/.ssh HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion',
    'Failed password for root from 127.0.0.1 port 22; vitest@4.1.0; getty@tty1.service; git@github.com:org/repo.git',
    '{"name":"Windows Firewall","enabled":true,"services":["sshd","BITS"]}',
    'https://download.microsoft.com/download/x/setup.exe http://archive.ubuntu.com/ubuntu jammy',
  ];
  it.each(kept)('%s', (input) => {
    expect(scrub(input)).toBe(input);
  });

  it('keeps declared infrastructure addresses, hosts and accounts', () => {
    const text = 'appliance 10.0.5.2 server 10.0.6.77 client 10.0.5.23 https://ehr.clinic.example/login svc account backupsvc for backupsvc from 10.0.5.2';
    expect(scrub(text, { keepAddresses: ['10.0.5.2', '10.0.6.0/24'], keepUrlHosts: ['clinic.example'], keepAccounts: ['backupsvc'] }))
      .toBe('appliance 10.0.5.2 server 10.0.6.77 client [PHI:IP] https://ehr.clinic.example/login svc account backupsvc for backupsvc from 10.0.5.2');
  });
});

describe('scrubText: tokens carry nothing of the value', () => {
  it('uses the same token for different values of a category', () => {
    const a = scrub('SSN 123-45-6789');
    const b = scrub('SSN 987-65-4320');
    expect(a).toBe(b);
    expect(a).toBe(`SSN ${phiToken('SSN')}`);
  });

  it('tokens are the fixed strings [PHI:CATEGORY]', () => {
    for (const c of PHI_CATEGORIES) expect(phiToken(c)).toBe(`[PHI:${c}]`);
  });

  it('counts identifiers per category', () => {
    expect(scrubText('Patient: Ana Ruiz, SSN 123-45-6789, SSN 000-12-3456').counts).toMatchObject({ NAME: 1, SSN: 2, IP: 0 });
  });

  it('findPhiSpans returns offsets and categories only', () => {
    const spans = findPhiSpans('DOB: 03/04/1985');
    expect(spans).toEqual([{ start: 5, end: 15, category: 'DOB' }]);
  });
});

describe('scrubText: JSON text stays valid JSON', () => {
  const docs = [
    { ssn: 123456789, mrn: 45112367, RecordCount: 20345, path: 'C:\\Users\\jsmith\\Documents\\chart.pdf' },
    { patient: { name: 'Ana Ruiz', dob: '1985-03-04', phone: '(555) 555-1234', note: 'call "Ana Ruiz"\nat 555-555-1234\\x' } },
    { LockedAccounts: ['jsmith', 'mgarcia'], message: 'user=jsmith from 10.0.5.23', nested: [{ email: 'ana@example.com' }] },
    { log: 'Failed password for jsmith from 10.0.5.23\r\nPatient: John Smith\tDOB 01/02/1980 \u00e9\u00e8 \\u00e9' },
  ];
  it.each(docs.map((d) => [JSON.stringify(d)]))('%s', (json) => {
    const out = scrub(json);
    expect(() => JSON.parse(out)).not.toThrow();
    expect(out).not.toBe(json);
  });

  it('quotes a replaced bare JSON number', () => {
    expect(scrub('{"ssn": 123456789, "n": 1}')).toBe('{"ssn": "[PHI:SSN]", "n": 1}');
  });

  it('does not quote a number inside a JSON string', () => {
    const out = scrub('{"msg": "ssn: 123456789, ok"}');
    expect(out).toBe('{"msg": "ssn: [PHI:SSN], ok"}');
    expect(() => JSON.parse(out)).not.toThrow();
  });
});
