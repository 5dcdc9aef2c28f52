import { describe, expect, it } from 'vitest';
import { scanShell } from '../../../../../../core/lint/scripts/shell/scan-shell.js';
import type { ScriptIssue } from '../../../../../../core/lint/scripts/script-issue.js';

const HEAD = '#!/bin/bash\nset -euo pipefail\n';

/** Issues other than the file-level ones that most cases do not care about. */
function scan(body: string, params: readonly string[] = []): ScriptIssue[] {
  return scanShell(HEAD + body, params);
}

function codes(body: string, params: readonly string[] = []): string[] {
  return scan(body, params).map((i) => i.code);
}

/** 1-based line/column (in HEAD + body) of the n-th occurrence of `needle` in body, plus `shift` code units. */
function at(body: string, needle: string, nth = 0, shift = 0): { line: number; column: number } {
  const text = HEAD + body;
  let idx = -1;
  for (let k = 0; k <= nth; k++) {
    idx = body.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`needle ${needle} #${nth} not found`);
  }
  idx += HEAD.length + shift;
  const before = text.slice(0, idx);
  const line = before.split('\n').length;
  return { line, column: idx - before.lastIndexOf('\n') };
}

function only(issues: ScriptIssue[], code: string): ScriptIssue[] {
  return issues.filter((i) => i.code === code);
}

function expectAt(issue: ScriptIssue | undefined, pos: { line: number; column: number }): void {
  expect(issue, 'issue exists').toBeDefined();
  expect({ line: issue?.line, column: issue?.column }).toEqual(pos);
}

describe('scanShell', () => {
  describe('every issue is well formed', () => {
    it('carries a code, a message naming the construct and a hint', () => {
      const issues = scanShell("eval \"$p\"\nbash -c \"$p\"\nsource \"$p\"\nawk \"$p\"\nIFS= read -r -d '' z\n", ['p', 'q']);
      expect(new Set(issues.map((i) => i.code))).toEqual(
        new Set([
          'LINT_SH_EVAL',
          'LINT_SH_CHILD_SHELL',
          'LINT_SH_SOURCE_VARIABLE',
          'LINT_SH_SPLICED_PARAM',
          'LINT_SH_PARAM_UNBOUND',
          'LINT_SH_PARAM_UNDECLARED',
          'LINT_SH_NO_STRICT_MODE',
        ]),
      );
      for (const i of issues) {
        expect(i.code).toMatch(/^LINT_SH_[A-Z_]+$/);
        expect(i.message.length).toBeGreaterThan(10);
        expect(i.hint.length).toBeGreaterThan(10);
        expect(i.line).toBeGreaterThanOrEqual(1);
        expect(i.column).toBeGreaterThanOrEqual(1);
      }
    });

    it('returns nothing for a clean script', () => {
      const body = "IFS= read -r -d '' host || true\nIFS= read -r -d '' port || true\nping -c 1 -- \"$host\"\nnc -z \"$host\" \"$port\"\n";
      expect(scan(body, ['host', 'port'])).toEqual([]);
    });

    it('is sorted by position', () => {
      const issues = scan('eval a\neval b\nsh -c "$x"\neval c\n');
      const keys = issues.map((i) => i.line * 1000 + i.column);
      expect(keys).toEqual([...keys].sort((a, b) => a - b));
    });

    it('counts columns in UTF-16 code units', () => {
      const body = 'echo "😀é"; eval x\n';
      expectAt(scan(body)[0], at(body, 'eval'));
      expect(scan(body)[0]?.column).toBe(13);
    });
  });

  describe('LINT_SH_EVAL', () => {
    const spellings: [string, string][] = [
      ['eval "$cmd"\n', 'eval'],
      ['eval echo hi\n', 'eval'],
      ['builtin eval "$x"\n', 'eval'],
      ['command eval "$x"\n', 'eval'],
      ['command -p eval "$x"\n', 'eval'],
      ['command -- eval "$x"\n', 'eval'],
      ["'eval' x\n", "'eval'"],
      ['"eval" x\n', '"eval"'],
      ['e\\val x\n', 'e\\val'],
      ['if eval "$x"; then :; fi\n', 'eval'],
      ['while eval "$x"; do :; done\n', 'eval'],
      ['true && eval "$x"\n', 'eval'],
      ['false || eval "$x"\n', 'eval'],
      ['echo | eval "$x"\n', 'eval'],
      ['y=$(eval "$x")\n', 'eval'],
      ['y=`eval "$x"`\n', 'eval'],
      ['echo "$(eval "$x")"\n', 'eval'],
      ['f() { eval "$x"; }\n', 'eval'],
      ['( eval "$x" )\n', 'eval'],
      ['{ eval "$x"; }\n', 'eval'],
      ['FOO=1 eval "$x"\n', 'eval'],
      ['>/dev/null eval "$x"\n', 'eval'],
      ['! eval "$x"\n', 'eval'],
      ['case $a in x) eval "$x";; esac\n', 'eval'],
      ['for i in 1; do eval "$i"; done\n', 'eval'],
      ['ev\\\nal "$x"\n', 'ev'],
      ['bash -c \'eval "$1"\' _ x\n', 'eval'],
      ['trap \'eval "$cleanup"\' EXIT\n', 'eval'],
    ];
    for (const [body, needle] of spellings) {
      it(`flags ${JSON.stringify(body.trim())}`, () => {
        const issues = only(scan(body), 'LINT_SH_EVAL');
        expect(issues).toHaveLength(1);
        expectAt(issues[0], at(body, needle));
        expect(issues[0]?.severity).toBe('error');
        expect(issues[0]?.message).toContain('eval');
      });
    }

    const negatives = [
      '# eval "$x"\n',
      'echo hi # eval "$x"\n',
      'echo eval\n',
      "echo 'eval \"$x\"'\n",
      'echo "eval $x"\n',
      "echo $'eval \\'x\\''\n",
      "cat <<'EOF'\neval \"$x\"\nEOF\n",
      'cat <<EOF\neval "$x"\nEOF\n',
      'cat <<-EOF\n\teval "$x"\n\tEOF\n',
      'command -v eval\n',
      'command -V eval\n',
      'evaluate x\n',
      'x=eval\n',
      'echo x=eval\n',
      'printf "%s\\n" eval\n',
      'grep -e eval file\n',
      "bash -c 'echo \"$1\"' _ eval\n",
      'echo a#eval\n',
    ];
    for (const body of negatives) {
      it(`does not flag ${JSON.stringify(body.trim())}`, () => {
        expect(only(scan(body), 'LINT_SH_EVAL')).toEqual([]);
      });
    }
  });

  describe('LINT_SH_CHILD_SHELL', () => {
    const shells = ['sh', 'bash', 'dash', 'zsh', 'ksh', '/bin/sh', '/usr/bin/bash'];
    const prefixes = ['', 'sudo ', 'sudo -u root ', 'sudo -E -- ', 'env ', 'env -i PATH=/bin ', 'nohup ', 'timeout 5 ', 'exec ', 'xargs ', 'xargs -0 -n 1 ', 'nice -n 5 ', 'setsid ', 'builtin command ', 'time ', 'stdbuf -oL '];
    const flags = ['-c', '-ec', '-xc', '-euc', '-o pipefail -c', '--norc -c', '-c --'];
    const strings = ['"echo $x"', '"$cmd"', '$cmd', '"$(cat f)"', '"`cat f`"', '"${x:-a}"', "'a'\"$x\"", '"$((1+2))"'];

    it('flags every shell, wrapper, -c spelling and dynamic command string', () => {
      let n = 0;
      for (const shell of shells) {
        for (const prefix of prefixes) {
          for (const flag of flags) {
            for (const str of strings) {
              const body = `${prefix}${shell} ${flag} ${str} arg\n`;
              const issues = only(scan(body), 'LINT_SH_CHILD_SHELL');
              expect(issues, body).toHaveLength(1);
              expectAt(issues[0], at(body, shell, 0, 0));
              expect(issues[0]?.message).toContain(' -c');
              n++;
            }
          }
        }
      }
      expect(n).toBe(shells.length * prefixes.length * flags.length * strings.length);
    });

    it('allows a constant command string with positional arguments', () => {
      for (const shell of shells) {
        for (const prefix of prefixes) {
          for (const str of ["'echo \"$1\"' _ \"$x\"", '"echo \\$1" _ "$x"', "$'echo \"$1\"' _ \"$x\"", "'for f; do rm -- \"$f\"; done' _ \"$@\""]) {
            const body = `${prefix}${shell} -c ${str}\n`;
            expect(only(scan(body), 'LINT_SH_CHILD_SHELL'), body).toEqual([]);
          }
        }
      }
    });

    const cases: [string, string][] = [
      ['su -c "systemctl restart $svc" root\n', 'su'],
      ['su - root -c "$cmd"\n', 'su'],
      ['su -lc "$cmd" root\n', 'su'],
      ['su root --command="ls $d"\n', 'su'],
      ['runuser -l svc -c "ls $d"\n', 'runuser'],
      ['flock /run/x.lock -c "rm $f"\n', 'flock'],
      ['script -q -c "ls $d" /dev/null\n', 'script'],
      ['find . -name "*.log" -exec sh -c "gzip $x" \\;\n', 'sh'],
      ["find . -exec sh -c 'gzip {}' \\;\n", 'sh'],
      ["find . -execdir bash -c 'gzip {}' +\n", 'bash'],
      ["ls | xargs -I{} sh -c 'gzip {}'\n", 'sh'],
      ["ls | xargs -I % sh -c 'gzip %'\n", 'sh'],
      ["ls | xargs -i sh -c 'gzip {}'\n", 'sh'],
      ['bash <<EOF\nrm -rf $dir\nEOF\n', 'bash'],
      ['sh -s <<EOF\necho $(id)\nEOF\n', 'sh'],
      ['bash <<< "$script"\n', 'bash'],
      ['curl -fsSL https://example.com/install.sh | bash\n', 'bash'],
      ['printf "%s" "$x" | sudo sh\n', 'sh'],
      ['cat script |& bash -s -- arg\n', 'bash'],
      ['bash <(curl -s https://example.com/x)\n', 'bash'],
      ['bash < <(curl -s https://example.com/x)\n', 'bash'],
      ['docker exec web sh -c "ls $d"\n', 'sh'],
      ['kubectl exec pod -- bash -c "ls $d"\n', 'bash'],
      ['ssh admin@host "rm -rf $dir"\n', 'ssh'],
      ['ssh -p 2222 -i key host rm -rf "$dir"\n', 'ssh'],
      ['ssh host <<EOF\nrm -rf $dir\nEOF\n', 'ssh'],
      ['watch -n 5 "ls $d"\n', 'watch'],
      ['busybox sh -c "$x"\n', 'sh'],
      ['if bash -c "$x"; then :; fi\n', 'bash'],
      ['y=$(bash -c "$x")\n', 'bash'],
      ['bash \\\n  -c \\\n  "$x"\n', 'bash'],
    ];
    for (const [body, needle] of cases) {
      it(`flags ${JSON.stringify(body.trim())}`, () => {
        const issues = only(scan(body), 'LINT_SH_CHILD_SHELL');
        expect(issues).toHaveLength(1);
        expectAt(issues[0], at(body, needle));
        expect(issues[0]?.severity).toBe('error');
      });
    }

    const negatives = [
      "bash <<'EOF'\nrm -rf $dir\nEOF\n",
      'bash <<"EOF"\nrm -rf $dir\nEOF\n',
      'bash <<\\EOF\nrm -rf $dir\nEOF\n',
      'bash <<EOF\nrm -rf /tmp/x\nEOF\n',
      'bash ./script.sh "$x"\n',
      'bash "$dir/script.sh"\n',
      "ssh host 'rm -rf /tmp/x'\n",
      "ssh host 'IFS= read -r -d \"\" d; rm -rf -- \"$d\"' < <(printf '%s\\0' \"$dir\")\n",
      'watch -x ls "$d"\n',
      "find . -exec sh -c 'gzip \"$1\"' _ {} \\;\n",
      "ls | xargs -0 sh -c 'gzip \"$1\"' _\n",
      'runuser -u svc -- ls "$d"\n',
      'sudo -u svc ls "$d"\n',
      '# bash -c "$x"\n',
      'echo "bash -c $x"\n',
      "echo 'bash -c \"$x\"'\n",
      'cat <<EOF\nbash -c "$x"\nEOF\n',
      'bashful -c "$x"\n',
      'grep -c "$x" file\n',
      'wc -c "$x"\n',
    ];
    for (const body of negatives) {
      it(`does not flag ${JSON.stringify(body.trim())}`, () => {
        expect(only(scan(body), 'LINT_SH_CHILD_SHELL')).toEqual([]);
      });
    }

    it('analyses a constant single-quoted program as code, with positions inside the quotes', () => {
      const body = "sh -c 'source \"$1\"; bash -c \"$2\"' _ a b\n";
      const issues = scan(body);
      expectAt(only(issues, 'LINT_SH_SOURCE_VARIABLE')[0], at(body, 'source'));
      expectAt(only(issues, 'LINT_SH_CHILD_SHELL')[0], at(body, 'bash'));
      expect(issues).toHaveLength(2);
    });
  });

  describe('LINT_SH_SOURCE_VARIABLE', () => {
    const cases: [string, string][] = [
      ['source "$dir/lib.sh"\n', 'source'],
      ['. "$dir/lib.sh"\n', '.'],
      ['. $HOME/.profile\n', '.'],
      ['source "${LIB:-/opt/lib.sh}"\n', 'source'],
      ['source $(mktemp)\n', 'source'],
      ['. `ls lib`\n', '.'],
      ['source <(curl -s https://example.com/x)\n', 'source'],
      ['builtin source "$f"\n', 'source'],
      ['command . "$f"\n', '.'],
      ['if . "$f"; then :; fi\n', '.'],
      ['x=1 source "$f" arg\n', 'source'],
      ['[ -r "$f" ] && . "$f"\n', '.'],
    ];
    for (const [body, needle] of cases) {
      it(`flags ${JSON.stringify(body.trim())}`, () => {
        const issues = only(scan(body), 'LINT_SH_SOURCE_VARIABLE');
        expect(issues).toHaveLength(1);
        expectAt(issues[0], at(body, needle, needle === '.' && body.startsWith('[') ? 0 : 0));
      });
    }

    const negatives = [
      'source /opt/writ/lib.sh\n',
      '. ./lib.sh\n',
      ". '/opt/lib dir/x.sh'\n",
      '# source "$x"\n',
      'echo source "$x"\n',
      'echo . "$x"\n',
      './run.sh "$x"\n',
      'cat <<EOF\n. "$x"\nEOF\n',
    ];
    for (const body of negatives) {
      it(`does not flag ${JSON.stringify(body.trim())}`, () => {
        expect(only(scan(body), 'LINT_SH_SOURCE_VARIABLE')).toEqual([]);
      });
    }
  });

  describe('parameter bindings', () => {
    const bind = (name: string): string => `IFS= read -r -d '' ${name} || true\n`;

    it('accepts bindings in declaration order, with or without || true', () => {
      const body = `${bind('a')}IFS= read -r -d '' b_2\nIFS= read -r -d "" c3 || true\necho "$a$b_2$c3"\n`;
      expect(scan(body, ['a', 'b_2', 'c3'])).toEqual([]);
    });

    it('LINT_SH_PARAM_UNBOUND: a declared parameter without binding', () => {
      const issues = scanShell(`${HEAD}${bind('a')}echo "$a $b"\n`, ['a', 'b']);
      expect(issues.map((i) => i.code)).toEqual(['LINT_SH_PARAM_UNBOUND']);
      expect(issues[0]).toMatchObject({ line: 1, column: 1, severity: 'error' });
      expect(issues[0]?.message).toContain("'b'");
      expect(issues[0]?.hint).toContain("IFS= read -r -d '' b || true");
    });

    it('LINT_SH_PARAM_UNBOUND: reads of other shapes do not bind', () => {
      for (const read of ["read -r -d '' a\n", "IFS= read -d '' a\n", "IFS= read -r a\n", "IFS= read -r -d '' a < file\n", "IFS=, read -r -d '' a\n", "IFS= read -r -d '' -a a\n"]) {
        expect(codes(read, ['a']), read).toContain('LINT_SH_PARAM_UNBOUND');
      }
    });

    it('LINT_SH_PARAM_UNBOUND: a binding inside a block does not count, and the message says where it is', () => {
      for (const body of [`if true; then\n${bind('a')}fi\n`, `f() {\n${bind('a')}}\n`, `(\n${bind('a')})\n`, `while true; do\n${bind('a')}done\n`, `x=$(${bind('a').trim()})\n`]) {
        const issues = only(scan(body, ['a']), 'LINT_SH_PARAM_UNBOUND');
        expect(issues, body).toHaveLength(1);
        expect(issues[0]?.message).toContain('inside a block');
      }
    });

    it('LINT_SH_PARAM_ORDER: swapped bindings', () => {
      const body = `${bind('b')}${bind('a')}`;
      const issues = only(scan(body, ['a', 'b']), 'LINT_SH_PARAM_ORDER');
      expect(issues).toHaveLength(2);
      expectAt(issues[0], at(body, "'' b", 0, 3));
      expectAt(issues[1], at(body, "'' a", 0, 3));
      expect(issues[0]?.message).toContain("carries parameter 'a'");
    });

    it('LINT_SH_PARAM_ORDER: an undeclared binding shifts the ones after it', () => {
      const body = `${bind('a')}${bind('extra')}${bind('b')}`;
      const issues = scan(body, ['a', 'b']);
      expect(issues.map((i) => i.code)).toEqual(['LINT_SH_PARAM_UNDECLARED', 'LINT_SH_PARAM_ORDER']);
      expect(issues[0]?.severity).toBe('warning');
      expectAt(issues[0], at(body, 'extra'));
      expectAt(issues[1], at(body, "'' b", 0, 3));
    });

    it('LINT_SH_PARAM_ORDER: a parameter bound twice', () => {
      const body = `${bind('a')}${bind('a')}`;
      const issues = only(scan(body, ['a']), 'LINT_SH_PARAM_ORDER');
      expect(issues).toHaveLength(1);
      expectAt(issues[0], at(body, "'' a", 1, 3));
      expect(issues[0]?.message).toContain('second time');
    });

    it('LINT_SH_PARAM_ORDER: a missing binding shifts the later ones', () => {
      const body = `${bind('a')}${bind('c')}`;
      expect(codes(body, ['a', 'b', 'c']).sort()).toEqual(['LINT_SH_PARAM_ORDER', 'LINT_SH_PARAM_UNBOUND']);
    });

    const earlyUses: [string, string][] = [
      ['echo "$a"\n', '$a'],
      ['echo "${a:-x}"\n', '${a'],
      ['a=default\n', 'a=default'],
      ['local a\n', 'a\n'],
      ['(( a > 1 ))\n', 'a >'],
      ['for a in 1 2; do :; done\n', 'a in'],
      ['read -r a\n', 'a\n'],
      ['cat <<EOF\n$a\nEOF\n', '$a'],
    ];
    for (const [use, needle] of earlyUses) {
      it(`LINT_SH_PARAM_ORDER: use before the binding: ${JSON.stringify(use.trim())}`, () => {
        const body = `${use}${bind('a')}`;
        const issues = only(scan(body, ['a']), 'LINT_SH_PARAM_ORDER');
        expect(issues).toHaveLength(1);
        expectAt(issues[0], at(body, needle));
        expect(issues[0]?.message).toMatch(/used before its binding on line \d+/);
      });
    }

    it('LINT_SH_PARAM_ORDER: uses in comments and single quotes are not uses', () => {
      const body = `# uses $a\necho '$a'\ncat <<'EOF'\n$a\nEOF\n${bind('a')}`;
      expect(scan(body, ['a'])).toEqual([]);
    });

    it('LINT_SH_PARAM_UNDECLARED: a binding for a name not declared is a warning', () => {
      const body = `${bind('a')}${bind('zzz')}`;
      const issues = scan(body, ['a']);
      expect(issues.map((i) => [i.code, i.severity])).toEqual([['LINT_SH_PARAM_UNDECLARED', 'warning']]);
      expectAt(issues[0], at(body, 'zzz'));
    });

    it('generated: any permutation other than declaration order is flagged', () => {
      const names = ['p0', 'p1', 'p2', 'p3'];
      const perms = (xs: string[]): string[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest])));
      for (const perm of perms(names)) {
        const issues = scan(perm.map(bind).join(''), names);
        const wrong = perm.filter((n, i) => names[i] !== n).length;
        expect(only(issues, 'LINT_SH_PARAM_ORDER'), perm.join()).toHaveLength(wrong);
      }
    });
  });

  describe('LINT_SH_NO_STRICT_MODE', () => {
    const ok = ['set -euo pipefail', 'set -eu\nset -o pipefail', 'set -o errexit -o nounset -o pipefail', 'set -Eeuo pipefail', 'set -e -u -o pipefail', 'set -eu -o pipefail', 'set -euxo pipefail'];
    for (const line of ok) {
      it(`accepts ${JSON.stringify(line)}`, () => {
        expect(scanShell(`#!/bin/bash\n# comment\n\n${line}\necho hi\n`, [])).toEqual([]);
      });
    }

    const bad = ['set -eu', 'set -e -o pipefail', 'set -o pipefail', '# set -euo pipefail', "echo 'set -euo pipefail'", 'f() { set -euo pipefail; }', 'set -euo pipefail\nset +e', 'set -- -euo pipefail'];
    for (const line of bad) {
      it(`warns for ${JSON.stringify(line)}`, () => {
        const issues = scanShell(`#!/bin/bash\n${line}\necho hi\n`, []);
        expect(issues.map((i) => [i.code, i.severity, i.line, i.column])).toEqual([['LINT_SH_NO_STRICT_MODE', 'warning', 1, 1]]);
      });
    }

    it('looks only at the first 20 lines of code; comments and blank lines do not count', () => {
      const code = (n: number): string => Array.from({ length: n }, (_, i) => `echo ${i}\n`).join('');
      const comments = '# c\n\n   # indented\n'.repeat(30);
      expect(codes(`${comments}${code(19)}set -euo pipefail\n`.replace(HEAD, ''))).toEqual([]);
      expect(scanShell(`${comments}${code(19)}set -euo pipefail\n`, [])).toEqual([]);
      expect(scanShell(`${comments}${code(20)}set -euo pipefail\n`, []).map((i) => i.code)).toEqual(['LINT_SH_NO_STRICT_MODE']);
    });

    it('says nothing for a script without commands', () => {
      expect(scanShell('#!/bin/bash\n# nothing here\n', [])).toEqual([]);
      expect(scanShell('', [])).toEqual([]);
    });
  });

  describe('LINT_SH_SPLICED_PARAM', () => {
    const P = ['p'];
    const cases: [string, string][] = [
      ['eval "ping $p"\n', '$p'],
      ['eval ping "$p"\n', '$p'],
      ['bash -c "ping $p"\n', '$p'],
      ['sudo sh -c "ls ${p}"\n', '${p}'],
      ['su -c "ls $p" root\n', '$p'],
      ['ssh host "ls $p"\n', '$p'],
      ['trap "rm -f $p" EXIT\n', '$p'],
      ['trap -- "rm -f $p" EXIT\n', '$p'],
      ['awk "{ print \\$1 == \\"$p\\" }" file\n', '$p\\'],
      ['awk -F: "\\$1 == $p" /etc/passwd\n', '$p'],
      ['gawk -e "BEGIN { print $p }"\n', '$p'],
      ['sed "s/$p/x/" file\n', '$p'],
      ['sed -i "s/$p/x/" file\n', '$p'],
      ['sed -n -e "/$p/p" file\n', '$p'],
      ['sed --expression="s/$p//" file\n', '$p'],
      ['perl -e "print $p"\n', '$p'],
      ['perl -ne "print if /$p/" file\n', '$p'],
      ['python3 -c "print($p)"\n', '$p'],
      ['python -Bc "import os; os.system($p)"\n', '$p'],
      ['ruby -e "puts $p"\n', '$p'],
      ['node -e "console.log($p)"\n', '$p'],
      ['php -r "echo $p;"\n', '$p'],
      ['jq ".${p}" data.json\n', '${p}'],
      ['psql -c "select * from t where n = \'$p\'"\n', '$p'],
      ['mysql -e "drop table $p"\n', '$p'],
      ['python3 <<EOF\nprint("$p")\nEOF\n', '$p'],
      ['$p --version\n', '$p'],
      ['"$p" --version\n', '$p'],
      ['${p} x\n', '${p}'],
      ['sudo "$p" x\n', '$p'],
      ['x=$(awk "/$p/" f)\n', '$p'],
      ['echo "${!p}"\n', '${!p}'],
      ['bash <<EOF\necho $p\nEOF\n', '$p'],
      ['watch "ls $p"\n', '$p'],
      ['find . -exec awk "/$p/" {} \\;\n', '$p'],
      ['xargs sed "s/$p//"\n', '$p'],
    ];
    for (const [body, needle] of cases) {
      it(`flags ${JSON.stringify(body.trim())}`, () => {
        const issues = only(scan(body, P), 'LINT_SH_SPLICED_PARAM');
        expect(issues).toHaveLength(1);
        expectAt(issues[0], at(body, needle));
        expect(issues[0]?.message).toContain("parameter 'p'");
      });
    }

    it('follows values copied into other variables', () => {
      for (const copy of ['q="$p"', 'q=${p//x/}', 'q=$(printf %s "$p")', 'local q="$p"', 'declare -r q=$p', 'read -r q <<< "$p"', 'printf -v q %s "$p"', 'r="$p"; q="x $r"']) {
        const body = `${copy}\nawk "/$q/"\n`;
        const issues = only(scan(body, P), 'LINT_SH_SPLICED_PARAM');
        expect(issues, copy).toHaveLength(1);
        expect(issues[0]?.message).toContain("parameter 'p' (through $q)");
        expectAt(issues[0], at(body, '$q/'));
      }
    });

    const negatives = [
      "awk -v v=\"$p\" '$1 == v' file\n",
      "sed 's/a/b/' \"$p\"\n",
      "sed -e 's/a/b/' -- \"$p\"\n",
      "trap 'rm -f \"$p\"' EXIT\n",
      'echo "$p"\n',
      "printf '%s\\n' \"$p\"\n",
      "bash -c 'echo \"$1\"' _ \"$p\"\n",
      "python3 -c 'import sys; print(sys.argv[1])' \"$p\"\n",
      "python3 script.py \"$p\"\n",
      "perl -e 'print $ARGV[0]' \"$p\"\n",
      "jq --arg v \"$p\" '.name == $v' f\n",
      "psql -v v=\"$p\" -c 'select 1'\n",
      'cat <<EOF\n$p\nEOF\n',
      "python3 <<'EOF'\nprint('$p')\nEOF\n",
      '# eval "$p"\n',
      "echo 'eval \"$p\"'\n",
      'cp -- "$p" /tmp/\n',
      'ls ${p}/x\n',
      'echo "${#p}"\n',
      'echo "${!p*}"\n',
      'q="$other"; awk "/$q/"\n',
      'awk -f prog.awk "$p"\n',
      'cmd="$p" ls\n',
    ];
    for (const body of negatives) {
      it(`does not flag ${JSON.stringify(body.trim())}`, () => {
        expect(only(scan(`IFS= read -r -d '' p || true\n${body}`, P), 'LINT_SH_SPLICED_PARAM')).toEqual([]);
      });
    }
  });

  describe('LINT_SH_ARITH_PARAM', () => {
    const cases: [string, string][] = [
      ['(( p > 3 ))\n', 'p >'],
      ['(( $p > 3 ))\n', '$p'],
      ['echo $(( p + 1 ))\n', 'p +'],
      ['echo $((${p} + 1))\n', '${p}'],
      ['[[ $p -gt 3 ]]\n', '$p'],
      ['[[ 3 -eq p ]]\n', 'p ]]'],
      ['let "n = p + 1"\n', 'p +'],
      ['let n=$p+1\n', '$p'],
      ['for ((i = 0; i < p; i++)); do :; done\n', 'p;'],
      ['echo $[p + 1]\n', 'p +'],
    ];
    for (const [body, needle] of cases) {
      it(`warns for ${JSON.stringify(body.trim())}`, () => {
        const issues = only(scan(body, ['p']), 'LINT_SH_ARITH_PARAM');
        expect(issues).toHaveLength(1);
        expect(issues[0]?.severity).toBe('warning');
        expectAt(issues[0], at(body, needle));
      });
    }
    for (const body of ['[ "$p" -gt 3 ]\n', '[[ $p == 3 ]]\n', '[[ $p =~ ^[0-9]+$ ]]\n', '(( n > 3 ))\n', "echo '$(( p ))'\n", 'echo $(( other + 1 ))\n']) {
      it(`does not warn for ${JSON.stringify(body.trim())}`, () => {
        expect(only(scan(body, ['p']), 'LINT_SH_ARITH_PARAM')).toEqual([]);
      });
    }
  });

  describe('lexer', () => {
    it('keeps here-document bodies out of the code, including <<- and several on one line', () => {
      const body = 'cat <<A; cat <<-B\neval x\nA\n\teval y\n\tB\neval z\n';
      const issues = only(scan(body), 'LINT_SH_EVAL');
      expect(issues).toHaveLength(1);
      expectAt(issues[0], at(body, 'eval z'));
    });

    it('reads here-documents opened inside a command substitution', () => {
      const body = 'x=$(cat <<EOF\neval a\nEOF\n)\neval b\n';
      const issues = only(scan(body), 'LINT_SH_EVAL');
      expect(issues).toHaveLength(1);
      expectAt(issues[0], at(body, 'eval b'));
    });

    it('finds commands in substitutions inside unquoted here-documents', () => {
      const body = 'cat <<EOF\n$(eval x)\nEOF\n';
      expectAt(only(scan(body), 'LINT_SH_EVAL')[0], at(body, 'eval'));
    });

    it('does not let ) in case patterns close a command substitution', () => {
      const body = 'x=$(case "$y" in a) echo a;; (b|c) echo b;; *) echo c;; esac)\neval z\n';
      const issues = only(scan(body), 'LINT_SH_EVAL');
      expect(issues).toHaveLength(1);
      expectAt(issues[0], at(body, 'eval z'));
    });

    it('handles quotes that contain the other quote, escapes and $\'…\'', () => {
      const body = `echo "it's" 'say "hi"' $'it\\'s' "a\\"b" \\'x; eval z\n`;
      const issues = only(scan(body), 'LINT_SH_EVAL');
      expect(issues).toHaveLength(1);
      expectAt(issues[0], at(body, 'eval'));
    });

    it('handles nested ${…}, $(…) and backticks in double quotes', () => {
      const body = 'echo "${a:-"${b:-$(echo "}")}"}" `echo \\`x\\``; eval z\n';
      expectAt(only(scan(body), 'LINT_SH_EVAL')[0], at(body, 'eval'));
    });

    it('treats [[ < ]] and regex parentheses as part of the test', () => {
      const body = '[[ $a < $b && $c =~ ^(x|y)$ ]] && eval z\n';
      expectAt(only(scan(body), 'LINT_SH_EVAL')[0], at(body, 'eval'));
    });

    it('handles arrays, extended globs and process substitution', () => {
      const body = 'arr=(a "b c" $(echo d))\nshopt -s extglob\nrm !(keep).log\ndiff <(ls a) >(cat)\neval z\n';
      expectAt(only(scan(body), 'LINT_SH_EVAL')[0], at(body, 'eval'));
    });

    it('never throws on arbitrary input', () => {
      let seed = 42;
      const rnd = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const alphabet = ['$', '(', ')', '{', '}', '"', "'", '`', '\\', '\n', ' ', '<<', 'EOF', '#', ';', '|', '&', 'eval', 'case', 'in', 'esac', ';;', '[[', ']]', '((', '))', 'x', '=', '-c', 'bash', '$p', '!', '<', '>', '\t', '<<-'];
      for (let n = 0; n < 3000; n++) {
        const len = 1 + rnd(40);
        let text = '';
        for (let k = 0; k < len; k++) text += alphabet[rnd(alphabet.length)];
        expect(() => scanShell(text, ['p'])).not.toThrow();
      }
    });

    it('reports, but survives, nesting deeper than it follows', () => {
      const deep = '$('.repeat(5000) + ')'.repeat(5000);
      const issues = scanShell(`eval x\necho ${deep}\n`, []);
      expect(issues.map((i) => i.code)).toContain('LINT_SH_SCAN_INCOMPLETE');
      expect(issues.map((i) => i.code)).toContain('LINT_SH_EVAL');
      expect(() => scanShell('"${'.repeat(5000), [])).not.toThrow();
      expect(() => scanShell('a=('.repeat(5000), [])).not.toThrow();
      expect(() => scanShell('case x in x) '.repeat(5000), [])).not.toThrow();
    });

    it('tolerates unterminated constructs', () => {
      for (const text of ['echo "abc', "echo 'abc", 'echo $(abc', 'echo ${abc', 'cat <<EOF\nabc', 'echo `abc', 'case x in', '[[ a', 'echo $((1+', 'f() {', 'x=(a b']) {
        expect(() => scanShell(text, ['p']), text).not.toThrow();
      }
    });
  });

  describe('performance', () => {
    const MB = 1024 * 1024;
    /** `chunk` repeated to at least 1 MB. */
    const fill = (chunk: string): string => chunk.repeat(Math.ceil(MB / chunk.length));
    const shapes: [string, () => string][] = [
      ['many commands', () => "IFS= read -r -d '' p || true\n" + fill('echo "$p" | grep -e x -- "$(date)" # c\nif true; then awk -v v="$p" \'{print v}\' f; fi\n')],
      ['one huge double-quoted string', () => `echo "${fill('a $x b ')}"\n`],
      ['one huge single-quoted program', () => `bash -c '${fill('echo "$1"; ')}' _ x\n`],
      ['one huge here-document', () => `cat <<EOF\n${fill('line $x $(date) `id`\n')}EOF\n`],
      ['many nested substitutions', () => fill('echo "$(a "$(b "$(c "$(d)")")")"\n')],
      ['many eval findings', () => fill('eval "$p"\n')],
      ['unterminated quote', () => `echo "${fill('x')}`],
      ['long line of words', () => fill('x ')],
      ['many here-documents', () => fill('cat <<EOF\n$p\nEOF\n')],
      ['one endless wrapper chain', () => `${fill('sudo find -exec ')}eval x\n`],
    ];
    for (const [name, make] of shapes) {
      it(`scans 1 MB (${name}) quickly`, () => {
        const text = make();
        expect(text.length).toBeGreaterThanOrEqual(MB);
        const started = performance.now();
        const issues = scanShell(text, ['p']);
        const elapsed = performance.now() - started;
        expect(Array.isArray(issues)).toBe(true);
        // Generous guard against super-linear behaviour: a linear scan of 1 MB takes well under a
        // second; anything quadratic would take minutes. Loaded CI runners get lots of headroom.
        expect(elapsed).toBeLessThan(30_000); // catches a super-linear blow-up only; speed lives in bench/
      });
    }
  });
});

describe('scanShell: lengths and indices are numbers', () => {
  it.each([
    'n=$(( ${#p} + 1 ))',
    'arr=("$p"); (( ${#arr[@]} > 0 )) && echo ok',
    'arr=("$p"); for i in "${!arr[@]}"; do (( i > 0 )) && echo "$i"; done',
    '[[ ${#p} -gt 3 ]] && echo long',
  ])('does not flag %s as arithmetic on the parameter', (line) => {
    const src = `#!/usr/bin/env bash\nset -euo pipefail\nIFS= read -r -d '' p || true\n${line}\n`;
    expect(scanShell(src, ['p']).filter((i) => i.code === 'LINT_SH_ARITH_PARAM')).toEqual([]);
  });
  it('still flags the value itself in arithmetic', () => {
    const src = `#!/usr/bin/env bash\nset -euo pipefail\nIFS= read -r -d '' p || true\n(( p > 3 )) && echo big\n`;
    expect(scanShell(src, ['p']).map((i) => i.code)).toContain('LINT_SH_ARITH_PARAM');
  });
});
