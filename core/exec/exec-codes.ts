import type { LintCode } from '../lint/lint-context.js';

/**
 * Reason codes of running steps on hosts: why a host could not be reached or a step did not run to
 * its end. Listed in docs/reason-codes.md.
 */
export const EXEC_CODES: readonly LintCode[] = [
  { code: 'EXEC_PARAM_INVALID', title: 'Parameter refused', help: 'A parameter value does not match the runbook\'s declaration or cannot travel as data (a NUL byte, a newline inside an array item, text that is not well-formed Unicode). Nothing ran. Fix the value in the rule or site file.' },
  { code: 'EXEC_TIMEOUT', title: 'Step timed out', help: 'The step ran past its timeout_seconds and was stopped; reported as error, never as pass. Raise the runbook\'s timeout or look at the host.' },
  { code: 'EXEC_OUTPUT_TOO_LARGE', title: 'Output over the cap', help: 'The step printed more than the transport keeps; the output was cut and the step is reported as error.' },
  { code: 'EXEC_CONNECTION_LOST', title: 'Connection lost', help: 'The connection to the host broke while steps ran; those steps are reported as error and run again next cycle.' },
  { code: 'EXEC_CONNECT_FAILED', title: 'Host unreachable', help: 'The appliance could not connect to the host (refused, no route, DNS). Check the address, port and the host\'s SSH service.' },
  { code: 'EXEC_CONNECT_TIMEOUT', title: 'Connect timed out', help: 'The host did not answer within the connect timeout. Check that it is up and that the appliance can reach it.' },
  { code: 'EXEC_HOST_KEY_MISSING', title: 'No pinned host key', help: 'The site file pins no host_key for this host, so its identity cannot be checked. Add the host\'s public key to the site file.' },
  { code: 'EXEC_HOST_KEY_MISMATCH', title: 'Host key changed', help: 'The host presented a key other than the one pinned in the site file. Nothing was sent. Confirm the host was rebuilt (not impersonated) before changing host_key.' },
  { code: 'EXEC_TLS_PIN_MISMATCH', title: 'WinRM certificate changed', help: 'The host\'s WinRM HTTPS certificate does not match tls_cert_sha256 in the site file. Nothing was sent.' },
  { code: 'EXEC_TLS_PIN_MISSING', title: 'No pinned WinRM certificate', help: 'The site file pins no tls_cert_sha256 for this WinRM host, so its identity cannot be checked. Nothing was sent. Add the SHA-256 fingerprint of the host\'s WinRM HTTPS certificate, checked out of band.' },
  { code: 'EXEC_AUTH_FAILED', title: 'Login refused', help: 'The host refused the credential. Check the user and key in the appliance\'s credential store.' },
  { code: 'EXEC_CREDENTIAL_MISSING', title: 'Credential not in the store', help: 'The site names a credential the appliance\'s credential store does not hold. Add it to the agent config.' },
  { code: 'EXEC_TRANSPORT_UNAVAILABLE', title: 'Transport not available', help: 'The appliance lacks what this transport needs (pwsh, WinRM support). Install it or change the host\'s transport.' },
  { code: 'EXEC_PLATFORM_MISMATCH', title: 'Script for another platform', help: 'A step was sent to a transport that runs another platform\'s scripts.' },
  { code: 'EXEC_RUNNER_FAILED', title: 'Remote runner failed', help: 'The host lacks a tool the step runner needs (bash, base64, timeout, mktemp) or its protocol broke.' },
  { code: 'EXEC_RESULT_INVALID', title: 'No valid check result', help: 'The check or verify printed no check-result JSON on its last line (schemas/check-result.schema.json); reported as error, never as pass.' },
];
