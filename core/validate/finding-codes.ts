import type { LintCode } from '../lint/lint-context.js';
import { LINT_CODES } from '../lint/all-lint-rules.js';

/** Codes reported while loading YAML and checking it against the schemas. */
export const LOAD_CODES: readonly LintCode[] = [
  { code: 'YAML_FILE_TOO_LARGE', title: 'File over the size cap', help: 'The file is larger than writ reads (1 MiB by default).' },
  { code: 'YAML_INVALID_UTF8', title: 'Not UTF-8', help: 'The file holds bytes that are not valid UTF-8.' },
  { code: 'YAML_EMPTY', title: 'Empty file', help: 'The file holds no document.' },
  { code: 'YAML_SYNTAX', title: 'YAML syntax error', help: 'The YAML cannot be parsed.' },
  { code: 'YAML_WARNING', title: 'YAML warning', help: 'The YAML parser warned about a construct.' },
  { code: 'YAML_MULTIPLE_DOCUMENTS', title: 'Several documents in one file', help: 'A writ file holds exactly one YAML document.' },
  { code: 'YAML_DUPLICATE_KEY', title: 'Duplicate key', help: 'A mapping repeats a key; YAML would keep only one.' },
  { code: 'YAML_UNSUPPORTED_TAG', title: 'Tag not allowed', help: 'Custom and language tags (!Ref, !!python/object) are not allowed.' },
  { code: 'YAML_ALIAS_BOMB', title: 'Alias expansion too large', help: 'Aliases expand beyond the limit (a "billion laughs" attack or an accident).' },
  { code: 'YAML_ALIAS_CYCLE', title: 'Self-referencing alias', help: 'An alias refers to a node that contains it.' },
  { code: 'YAML_TOO_DEEP', title: 'Nesting too deep', help: 'The document nests deeper than the limit.' },
  { code: 'YAML_OCTAL_AMBIGUOUS', title: 'Octal look-alike', help: 'A number with a leading zero means different things in YAML 1.1 and 1.2.' },
  { code: 'YAML_NUMBER_NOT_STRING', title: 'Number where text is meant', help: 'An unquoted value such as 1.10 is read as a number and loses its form.' },
  { code: 'YAML_BOOLEAN_WORD', title: 'YAML 1.1 boolean word', help: 'yes/no/on/off are text in YAML 1.2; write true or false.' },
  { code: 'SCHEMA_REQUIRED', title: 'Missing key', help: 'A required key is missing.' },
  { code: 'SCHEMA_UNKNOWN_KEY', title: 'Unknown key', help: 'A key the schema does not define (often a typo).' },
  { code: 'SCHEMA_TYPE', title: 'Wrong type', help: 'A value has the wrong type.' },
  { code: 'SCHEMA_ENUM', title: 'Value not allowed', help: 'A value is not one of the allowed values.' },
  { code: 'SCHEMA_CONST', title: 'Wrong fixed value', help: 'A key must hold one fixed value.' },
  { code: 'SCHEMA_KIND', title: 'Kind does not match folder', help: 'The kind of a document must match its folder.' },
  { code: 'SCHEMA_API_VERSION', title: 'Unknown format version', help: 'apiVersion names a format this writ does not read.' },
  { code: 'SCHEMA_PATTERN', title: 'Wrong form', help: 'A value or key does not have the expected form.' },
  { code: 'SCHEMA_FORMAT', title: 'Wrong format', help: 'A date or e-mail address is malformed.' },
  { code: 'SCHEMA_RANGE', title: 'Out of range', help: 'A number, text or list is too small or too large.' },
  { code: 'SCHEMA_DUPLICATE_ITEM', title: 'Repeated list item', help: 'A list that must hold distinct items repeats one.' },
  { code: 'SCHEMA_INVALID', title: 'Invalid value', help: 'A value fails the schema.' },
  { code: 'LINT_FILE_EXTENSION', title: 'File extension', help: 'writ files end in .yaml.' },
  { code: 'LINT_SCRIPT_SOURCE', title: 'Script source', help: 'A script needs exactly one of inline or file.' },
  { code: 'LINT_SCRIPT_EXTENSION', title: 'Script extension', help: 'Linux scripts end in .sh, Windows scripts in .ps1.' },
  { code: 'LINT_SCRIPT_PATH_ESCAPE', title: 'Script path leaves runbooks/', help: 'A script file must live under runbooks/.' },
  { code: 'LINT_SCRIPT_FILE_MISSING', title: 'Script file missing', help: 'A script file named by a runbook does not exist.' },
  { code: 'LINT_SCRIPT_ENCODING', title: 'Script not UTF-8', help: 'A script file is not valid UTF-8.' },
  { code: 'LINT_SCRIPT_LIBRARY_MISSING', title: 'Linux result library missing', help: 'runbooks/linux/lib/writ-result.sh, prepended to every Linux script, is missing.' },
  { code: 'LINT_SHELLCHECK_UNAVAILABLE', title: 'shellcheck not run', help: 'shellcheck is missing or was skipped, so shell scripts were not checked by it.' },
  { code: 'REPO_SYMLINK', title: 'Symbolic link in the repository', help: 'Links are not followed (one could point outside the repository); commit the file itself.' },
  { code: 'REPO_SUBMODULE', title: 'Submodule in the policy folders', help: 'A git submodule inside policies/, runbooks/, sites/ or frameworks/ is not read; commit the files themselves.' },
];

/** Errors that stop a command (exit 2), with the user's next step. */
export const COMMAND_ERROR_CODES: readonly LintCode[] = [
  { code: 'CLI_USAGE', title: 'Usage error', help: 'An unknown command, option or value; the message names it and the hint lists what is valid.' },
  { code: 'REPO_READ_FAILED', title: 'Repository not readable', help: 'The --repo folder is missing or unreadable; pass the folder that holds policies/, runbooks/, sites/ and frameworks/.' },
  { code: 'GIT_REV_NOT_FOUND', title: 'Git revision not found', help: 'The --base or --head revision names no commit of the repository; run `git log --oneline` to find one (in CI, fetch enough history).' },
  { code: 'TOOL_UNAVAILABLE', title: 'Helper tool missing', help: 'A tool writ runs (such as shellcheck) is missing or failed; install it (bash .ci/setup) and run again.' },
  { code: 'GIT_FETCH_FAILED', title: 'Fetch failed', help: 'The release or evidence remote could not be fetched: network or server trouble (retried with backoff), or a wrong token or URL (fix the configuration).' },
  { code: 'GIT_BRANCH_NOT_FOUND', title: 'Branch not found', help: 'The remote has no such branch; check --branch, and that a release was published.' },
  { code: 'GIT_PACK_TOO_LARGE', title: 'Fetch too large', help: 'The remote sent more than the fetch size cap; the source is wrong or hostile.' },
  { code: 'GIT_BLOB_TOO_LARGE', title: 'File too large', help: 'A file in the fetched commit is larger than allowed for its kind; the release is corrupt or hostile.' },
  { code: 'GIT_OBJECT_READ_FAILED', title: 'Git object unreadable', help: 'A fetched object is missing or malformed; fetch again, or fix the path.' },
  { code: 'GIT_BAD_REF_NAME', title: 'Bad branch name', help: 'The branch name is not a valid git ref name.' },
  { code: 'DEMO_STATE_INVALID', title: 'Demo state folder unusable', help: 'writ demo keeps everything in one folder (--state, default .writ-demo); it refuses a folder it did not make, or one it cannot write. Pass another --state or remove the folder.' },
  { code: 'DEMO_POLICY_SOURCE_MISSING', title: 'Nothing to demo', help: 'writ demo copies policies/, runbooks/ and frameworks/ from the writ checkout (or --from DIR); run it in a full clone.' },
  { code: 'DEMO_TOOL_MISSING', title: 'Demo tool missing', help: 'The demo needs git (its loopback server runs git http-backend) and shellcheck (writ release checks scripts); install them (bash .ci/setup on Debian) and run again.' },
  { code: 'DEMO_STAGE_FAILED', title: 'Demo stage failed', help: 'One stage of writ demo (validate, release, agent, evidence push or verify) failed; the message names the stage and what it printed.' },
];

/** Why a release was refused (writ release, writ verify, the agent), with the next step. */
export const RELEASE_CODES: readonly LintCode[] = [
  { code: 'REL_ROLLBACK', title: 'Rollback', help: 'The release offered is older than one already trusted. Keep enforcing the last verified release and alert the MSP.' },
  { code: 'REL_EXPIRED', title: 'Frozen or stale release', help: 'Metadata expired at the reference time; the App must re-sign. The agent keeps enforcing the last verified release.' },
  { code: 'REL_THRESHOLD_NOT_MET', title: 'Too few signatures', help: 'Fewer of the role\'s keys signed than its threshold requires.' },
  { code: 'REL_DUPLICATE_SIGNATURE', title: 'Key counted twice', help: 'The same key signed twice; a key counts once toward a threshold.' },
  { code: 'REL_KEY_OUTSIDE_ROLE', title: 'Signature from another role', help: 'A key signed metadata of a role it does not belong to.' },
  { code: 'REL_MIX_AND_MATCH', title: 'Mixed metadata', help: 'Snapshot or targets metadata do not match what the signed timestamp or snapshot says.' },
  { code: 'REL_TARGET_MISMATCH', title: 'Bundle altered', help: 'A bundle does not match its signed hash.' },
  { code: 'REL_UNLISTED_FILE', title: 'Unsigned file in the release', help: 'The release branch holds a file no signed metadata lists.' },
  { code: 'REL_OVERSIZE', title: 'Endless data', help: 'Metadata or a bundle is larger than its limit or signed length.' },
  { code: 'REL_ROOT_CHAIN_BROKEN', title: 'Root rotation does not chain', help: 'A new root version is not signed by the previous root\'s threshold and its own.' },
  { code: 'REL_SITE_NOT_IN_RELEASE', title: 'Site not released', help: 'The release carries no bundle for this site; check the site id and that its file validates.' },
  { code: 'REL_NOT_FOR_THIS_APPLIANCE', title: 'Not this appliance\'s bundle', help: 'The bundle is sealed for another site or appliance key; put this appliance\'s encryption_key in the site file.' },
  { code: 'REL_DECRYPT_FAILED', title: 'Bundle does not decrypt', help: 'The sealed bundle was altered or is not a writ bundle.' },
  { code: 'REL_BUNDLE_INVALID', title: 'Bundle invalid', help: 'The decrypted bundle does not match its signed digest or is not a bundle for this site.' },
  { code: 'REL_METADATA_MISSING', title: 'Metadata missing', help: 'A metadata file the release needs is absent; is the source the release branch?' },
  { code: 'REL_METADATA_INVALID', title: 'Metadata invalid', help: 'Release metadata is not valid TUF metadata; do not use the release.' },
  { code: 'REL_VALIDATION_FAILED', title: 'Policy fails validation', help: 'writ release refuses a commit that fails writ validate; fix and commit first.' },
  { code: 'REL_KEYS_INVALID', title: 'Key problem', help: 'A key file is missing, unreadable by its owner only, not Ed25519, or not listed by the root.' },
  { code: 'REL_PUSH_FAILED', title: 'Release not pushed', help: 'The release remote could not be fetched or refused the push (credentials, URL, network); nothing was published. Check the release identity\'s token and its write access to the release branch.' },
  { code: 'REL_PUSH_REJECTED', title: 'Release branch kept moving', help: 'Every attempt found the release branch moved by another release; nothing was published. Release again.' },
];

/** Every code writ validate can report (shellcheck's LINT_SH_SC#### codes come on top). */
export const FINDING_CODES: readonly LintCode[] = [...LOAD_CODES, ...LINT_CODES];
