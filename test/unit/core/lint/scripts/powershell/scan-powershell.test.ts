import { describe, expect, it } from 'vitest';
import { scanPowerShell } from '../../../../../../core/lint/scripts/powershell/scan-powershell.js';
import type { ScriptIssue } from '../../../../../../core/lint/scripts/script-issue.js';

const IEX = 'LINT_PS_INVOKE_EXPRESSION';
const SB = 'LINT_PS_SCRIPTBLOCK_CREATE';
const ADD = 'LINT_PS_ADD_TYPE_INLINE';
const DYN = 'LINT_PS_DYNAMIC_INVOKE';
const SHELL = 'LINT_PS_CHILD_SHELL';
const STR = 'LINT_PS_STRING_COMMAND';
const ALL_CODES = [IEX, SB, ADD, DYN, SHELL, STR];

const codes = (source: string): string[] => scanPowerShell(source).map((i) => i.code);
const where = (source: string): string[] => scanPowerShell(source).map((i) => `${i.code} ${i.line}:${i.column}`);

/** 1-based line and column of an offset, computed independently of the scanner. */
function positionOf(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset; k++) {
    const c = source[k];
    if (c === '\n' || (c === '\r' && source[k + 1] !== '\n')) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('scanPowerShell', () => {
  it('finds nothing in a clean runbook', () => {
    const source = [
      '#requires -Version 5.1',
      '[CmdletBinding()]',
      'param([Parameter(Mandatory)][string]$ComputerName, [int]$Port = 443)',
      '$ErrorActionPreference = \'Stop\'',
      '. .\\lib\\common.ps1',
      '$rule = Get-NetFirewallRule -DisplayName "Allow $Port" -ErrorAction SilentlyContinue',
      'if (-not $rule) { New-NetFirewallRule -DisplayName "Allow $Port" -LocalPort $Port -Protocol TCP | Out-Null }',
      '& { param($x) $x * 2 } 21',
      "& 'C:\\Program Files\\Tool\\tool.exe' /quiet",
      'Start-Process msiexec.exe -ArgumentList \'/i\', $Package, \'/qn\' -Wait',
      'Invoke-Command -ComputerName $ComputerName -ScriptBlock { Get-Service } -ArgumentList $Port',
      'Add-Type -AssemblyName System.Web',
      '1..3 | ForEach-Object { $_ * 1.5 }',
      '$text = "{0} items" -f $items.Count',
    ].join('\n');
    expect(scanPowerShell(source)).toEqual([]);
  });

  describe('LINT_PS_INVOKE_EXPRESSION', () => {
    it.each([
      'Invoke-Expression $cmd',
      'iex $cmd',
      'IEX $cmd',
      'InVoKe-ExPrEsSiOn $cmd',
      '$cmd | iex',
      '$cmd|Invoke-Expression',
      '$out = iex $cmd',
      '$out += Invoke-Expression $cmd',
      'return iex $cmd',
      'if (iex $cmd) { }',
      'Get-Item x | ForEach-Object { iex $_ }',
      'Microsoft.PowerShell.Utility\\Invoke-Expression $cmd',
      'i`e`x $cmd',
      "i'e'x $cmd",
      'Invoke\u2013Expression $cmd',
      '& iex $cmd',
      "& 'Invoke-Expression' $cmd",
      '. "iex" $cmd',
      'Write-Output "result: $(iex $cmd)"',
      'Write-Output @"\n$(Invoke-Expression $cmd)\n"@',
      '$x = @{ Key = (iex $cmd) }',
      '& (Get-Command Invoke-Expression) $cmd',
      '& (Get-Command iex) $cmd',
      '& (gcm I*-Ex*) $cmd',
      '(Get-Command -Name "Invoke-Expression").Invoke($cmd)',
      '& (Get-Command -Verb Invoke -Noun Expression) $cmd',
      '(Get-Alias iex).ReferencedCommand',
      'Set-Alias run Invoke-Expression; run $cmd',
      'New-Alias -Name run -Value iex',
      '$ExecutionContext.InvokeCommand.InvokeScript($cmd)',
      '$ExecutionContext.InvokeCommand.NewScriptBlock($cmd)',
      '$ExecutionContext.InvokeCommand.ExpandString($template)',
      "$ExecutionContext.InvokeCommand.'InvokeScript'($cmd)",
      '$ic = $ExecutionContext.InvokeCommand; $ic.InvokeScript($cmd)',
      "$ExecutionContext.InvokeCommand.GetCommand('iex', 'Alias')",
      '"$("$(iex $cmd)")"',
      'Write-Output "unterminated $(iex $cmd',
    ])('flags %j', (source) => {
      expect(codes(source)).toContain(IEX);
    });

    it.each([
      '# never use Invoke-Expression',
      '<# iex $x #>',
      "'iex'",
      "Write-Output 'Invoke-Expression $x'",
      'Write-Output "Invoke-Expression is banned"',
      "Write-Output @'\n$(iex $x)\n'@",
      'Write-Output "`$(iex `$x)"',
      'Write-Output iex',
      'Get-Process -Name iex',
      'Get-Help Invoke-Expression',
      '$x.iex',
      '$x.iex()',
      '$iex = 1',
      '@{ iex = 1 }',
      'function iex-safe { }',
      'Invoke-ExpressionSafely $x',
      'Get-Command *',
      'Get-Command Get-Item',
    ])('does not flag %j', (source) => {
      expect(scanPowerShell(source)).toEqual([]);
    });
  });

  describe('LINT_PS_SCRIPTBLOCK_CREATE', () => {
    it.each([
      '[scriptblock]::Create($code)',
      '[ScriptBlock]::Create($code)',
      '[SCRIPTBLOCK]::create($code)',
      '[scriptblock] :: Create($code)',
      '[ scriptblock ]::Create($code)',
      '[System.Management.Automation.ScriptBlock]::Create($code)',
      '[system.management.automation.scriptblock]::Create($code)',
      '[Management.Automation.ScriptBlock]::Create($code)',
      "[scriptblock]::'Create'($code)",
      '([scriptblock])::Create($code)',
      "([type]'System.Management.Automation.ScriptBlock')::Create($code)",
      '$f = [scriptblock]::Create; $f.Invoke($code)',
      'Invoke-Command -ScriptBlock ([scriptblock]::Create($code))',
      '"$([scriptblock]::Create($code))"',
    ])('flags %j', (source) => {
      expect(codes(source)).toContain(SB);
    });

    it.each([
      '[IO.File]::Create($path)',
      '[scriptblock]$sb = { Get-Date }',
      "'[scriptblock]::Create($code)'",
      '# [scriptblock]::Create($code)',
      '$sb.Create($code)',
      '[scriptblockx]::Create($code)',
    ])('does not flag %j', (source) => {
      expect(codes(source)).not.toContain(SB);
    });
  });

  describe('LINT_PS_ADD_TYPE_INLINE', () => {
    it.each([
      'Add-Type -TypeDefinition $source',
      'add-type -typedefinition $source',
      'Add-Type -TypeDef $source',
      'Add-Type -T $source',
      'Add-Type -TypeDefinition:$source',
      'Add-Type \u2013TypeDefinition $source',
      'Add-Type -MemberDefinition $signature -Name Win32 -Namespace Native',
      'Add-Type -Mem $signature -Name Win32',
      'Add-Type -Name Win32 -Namespace Native $signature',
      'Add-Type $source',
      "Add-Type 'public class A {}'",
      'Add-Type "public class $name {}"',
      "Add-Type @'\npublic class A {}\n'@",
      'Add-Type -Language CSharp @"\npublic class A {}\n"@',
      'Add-Type @parameters',
      'Add-Type -Source $source',
    ])('flags %j', (source) => {
      expect(codes(source)).toEqual([ADD]);
    });

    it.each([
      'Add-Type -AssemblyName System.Windows.Forms',
      'Add-Type -AssemblyName System.Web, System.Drawing',
      'Add-Type -AN PresentationFramework',
      'Add-Type -Path $PSScriptRoot\\Native.dll',
      'Add-Type -LiteralPath C:\\lib\\x.dll -PassThru',
      "Write-Output 'Add-Type -TypeDefinition $x'",
      '# Add-Type -TypeDefinition $x',
      'Get-Help Add-Type',
    ])('does not flag %j', (source) => {
      expect(scanPowerShell(source)).toEqual([]);
    });
  });

  describe('LINT_PS_DYNAMIC_INVOKE', () => {
    it.each([
      '& $command',
      '&$command',
      '& $command -Force',
      '& "$env:ProgramFiles\\Tool\\tool.exe"',
      '& "tool-$version.exe"',
      '& $(Get-ToolPath)',
      '& (Join-Path $dir tool.exe)',
      "& ('Get-' + 'Date')",
      '& $env:ComSpec',
      '& C:\\Tools\\$name.exe',
      '& $commands[0]',
      '& @($a)[0]',
      '$list | & $filter',
      '$r = & $command',
      '. $script',
      '. $PSScriptRoot\\lib.ps1',
      '. "$PSScriptRoot\\lib.ps1"',
      '. (Join-Path $PSScriptRoot lib.ps1)',
      '.$script',
      'foreach ($f in $files) { . $f }',
      'Write-Output "$(& $cmd)"',
    ])('flags %j', (source) => {
      expect(codes(source)).toContain(DYN);
    });

    it.each([
      '& Get-Date',
      '& { Get-Date }',
      '&{ Get-Date }',
      '. { $x = 1 }',
      "& 'C:\\Program Files\\Tool\\tool.exe' /quiet",
      '& "C:\\Program Files\\Tool\\tool.exe" /quiet',
      '& .\\tool.exe',
      '. .\\lib.ps1',
      '. ..\\lib.ps1',
      '. ./lib.ps1',
      ". 'C:\\scripts\\lib.ps1'",
      '. "C:\\scripts\\lib.ps1"',
      '$x.Foo',
      '$x.Foo.Bar()',
      '$x = 1.5',
      '1..10',
      '$a..$b',
      'cd ..',
      'Get-Foo 2>&1',
      '$x -band 1',
      'Get-Item x &',
      '(Get-Date).AddDays(1)',
      '"&$x"',
      "Write-Output '& $x'",
    ])('does not flag %j', (source) => {
      expect(scanPowerShell(source)).toEqual([]);
    });
  });

  describe('LINT_PS_CHILD_SHELL', () => {
    it.each([
      'powershell -Command $script',
      'powershell.exe -command "Get-Date"',
      'PowerShell -c $script',
      'pwsh -c $script',
      'pwsh.exe -Comm $script',
      'pwsh --command $script',
      'powershell /c $script',
      'powershell -EncodedCommand $b64',
      'powershell -enc $b64',
      'powershell -e $b64',
      'powershell -ec $b64',
      'pwsh -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command $script',
      'pwsh -CommandWithArgs $script $a',
      'powershell $script',
      'powershell -NoProfile "Get-Date"',
      '$script | powershell -',
      'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -Command $x',
      "& 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' -Command $x",
      '& "$env:windir\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -enc $b64',
      'cmd /c $line',
      'cmd.exe /C "dir"',
      'CMD /k $line',
      'cmd /s /c $line',
      'cmd /q/c $line',
      'cmd /r $line',
      'cmd --% /c dir %TEMP%',
      '& $env:windir\\System32\\cmd.exe /c $line',
      "Start-Process powershell -ArgumentList '-Command', $script",
      "Start-Process -FilePath pwsh.exe -ArgumentList '-NoProfile', '-c', $script -Wait",
      'Start-Process cmd.exe "/c $line"',
      "start cmd '/c dir'",
      "saps powershell.exe -Args '-enc', $b64",
      "Start-Process -ArgumentList '/c', $line -FilePath cmd",
      "[System.Diagnostics.Process]::Start('cmd.exe', '/c ' + $line)",
      "[Diagnostics.Process]::Start('powershell', \"-c $script\")",
    ])('flags %j', (source) => {
      expect(codes(source)).toContain(SHELL);
    });

    it.each([
      'powershell -File .\\task.ps1',
      'powershell -NoProfile -ExecutionPolicy Bypass -File "$PSScriptRoot\\task.ps1"',
      'pwsh -File task.ps1 -c value',
      'pwsh task.ps1',
      'pwsh -Version',
      'powershell',
      'cmd',
      'cmd /d',
      "Start-Process powershell -ArgumentList '-File', 'task.ps1'",
      'Start-Process notepad.exe',
      'Start-Process cmd',
      'Get-Process powershell',
      'Stop-Process -Name cmd',
      'Write-Output "powershell -c x"',
      "# powershell -Command $x",
    ])('does not flag %j', (source) => {
      expect(codes(source)).not.toContain(SHELL);
    });
  });

  describe('LINT_PS_STRING_COMMAND', () => {
    it.each([
      ['Invoke-Command -ScriptBlock $block', 'error'],
      ['Invoke-Command -ComputerName $c -ScriptBlock $block', 'error'],
      ['Invoke-Command -Command $block', 'error'],
      ['Invoke-Command -sc $block', 'error'],
      ['Invoke-Command -ScriptBlock:$block', 'error'],
      ['icm $block', 'error'],
      ['icm -ComputerName $c $block', 'error'],
      ['Invoke-Command -Session $s ($ExecutionContext.InvokeCommand.NewScriptBlock($t))', 'error'],
      ['New-Object System.Management.Automation.ScriptBlock', 'error'],
      ['New-Object -TypeName ScriptBlock -ArgumentList $code', 'error'],
      ["New-Object 'Management.Automation.ScriptBlock'", 'error'],
      ['[PowerShell]::Create().AddScript($code).Invoke()', 'error'],
      ['Start-Process msiexec.exe -ArgumentList "/i $msi /qn"', 'warning'],
      ['Start-Process msiexec.exe "/i $msi /qn"', 'warning'],
      ['Start-Process -FilePath setup.exe -Args "/S /D=$dir"', 'warning'],
      ['Start-Process setup.exe -ArgumentList @"\n/S /D=$dir\n"@', 'warning'],
    ] as const)('flags %j as %s', (source, severity) => {
      const issue = scanPowerShell(source).find((i) => i.code === STR);
      expect(issue?.severity).toBe(severity);
    });

    it.each([
      'Invoke-Command -ScriptBlock { Get-Date }',
      'Invoke-Command -ComputerName $c -ScriptBlock { param($p) Get-Item $p } -ArgumentList $path',
      'Invoke-Command $c { Get-Date }',
      'Invoke-Command -ComputerName $c { Get-Date }',
      'Invoke-Command -FilePath .\\remote.ps1 -ComputerName $c',
      'icm { 1 }',
      'New-Object System.Text.StringBuilder',
      "Start-Process msiexec.exe -ArgumentList '/i', $msi, '/qn'",
      "Start-Process msiexec.exe -ArgumentList '/i $msi /qn'",
      'Start-Process msiexec.exe -ArgumentList "/qn"',
      'Start-Process setup.exe -ArgumentList $arguments',
    ])('does not flag %j', (source) => {
      expect(codes(source)).not.toContain(STR);
    });
  });

  describe('positions', () => {
    it('reports exact lines and columns, sorted by position', () => {
      const source = [
        'param($Target)', //                                  1
        '# iex in a comment is fine', //                       2
        '$x = "safe"; iex $x', //                              3
        '  $sb = [scriptblock]::Create($x)', //                4
        "\tWrite-Output \"a $(  & $x ) b\"", //                5
        '@"', //                                               6
        'iex inside a here-string is text', //                 7
        '"@ ; Add-Type -TypeDefinition $src', //               8
        'cmd /c $x', //                                        9
      ].join('\r\n');
      expect(where(source)).toEqual([
        `${IEX} 3:14`,
        `${SB} 4:9`,
        `${DYN} 5:22`,
        `${ADD} 8:6`,
        `${SHELL} 9:1`,
      ]);
    });

    it('points at the argument that names Invoke-Expression in a lookup', () => {
      expect(where('& (Get-Command\n    Invoke-Expression) $x')).toEqual([`${DYN} 1:1`, `${IEX} 2:5`]);
    });
  });

  describe('messages and hints', () => {
    const samples: [string, string][] = [
      [IEX, 'iex $x'],
      [SB, '[scriptblock]::Create($x)'],
      [ADD, 'Add-Type -TypeDefinition $x'],
      [DYN, '& $x'],
      [SHELL, 'powershell -Command $x'],
      [STR, 'Invoke-Command -ScriptBlock $x'],
    ];

    it.each(samples)('%s names the construct and says what to do instead', (code, source) => {
      const [issue] = scanPowerShell(source);
      expect(issue).toMatchObject({ code, severity: 'error', line: 1, column: 1 });
      expect(issue!.message.length).toBeGreaterThan(20);
      expect(issue!.hint.length).toBeGreaterThan(20);
      expect(issue!.hint).not.toBe(issue!.message);
    });

    it('names the construct in each message', () => {
      expect(scanPowerShell('iex $x')[0]!.message).toMatch(/Invoke-Expression/);
      expect(scanPowerShell('[scriptblock]::Create($x)')[0]!.message).toMatch(/::Create/);
      expect(scanPowerShell('Add-Type -TypeDefinition $x')[0]!.message).toMatch(/Add-Type.*-TypeDefinition/);
      expect(scanPowerShell('& $x')[0]!.message).toMatch(/call operator "&"/);
      expect(scanPowerShell('. $x')[0]!.message).toMatch(/dot-source operator "\."/);
      expect(scanPowerShell('cmd /c $x')[0]!.message).toMatch(/cmd/);
      expect(scanPowerShell('Start-Process x.exe "/a $b"')[0]!.message).toMatch(/-ArgumentList/);
    });

    it('points at param(), direct calls and argument arrays in the hints', () => {
      expect(scanPowerShell('iex $x')[0]!.hint).toMatch(/param\(\)/);
      expect(scanPowerShell('iex $x')[0]!.hint).toMatch(/directly/);
      expect(scanPowerShell('& $x')[0]!.hint).toMatch(/Start-Process.*-ArgumentList array/);
      expect(scanPowerShell('pwsh -c $x')[0]!.hint).toMatch(/Start-Process/);
      expect(scanPowerShell('Start-Process x.exe "/a $b"')[0]!.hint).toMatch(/array/);
    });
  });

  describe('properties', () => {
    // ‸ marks where each expected issue starts, in the order of `codes`.
    const SNIPPETS: { src: string; codes: string[] }[] = [
      { src: '‸iex $x', codes: [IEX] },
      { src: '‸Invoke-Expression -Command $cmd', codes: [IEX] },
      { src: '$cmd | ‸Invoke-Expression', codes: [IEX] },
      { src: '$out = ‸iex $x', codes: [IEX] },
      { src: '‸Microsoft.PowerShell.Utility\\Invoke-Expression $x', codes: [IEX] },
      { src: '‸& (Get-Command ‸Invoke-Expression) $x', codes: [DYN, IEX] },
      { src: '& ‸iex $x', codes: [IEX] },
      { src: "& ‸'Invoke-Expression' $x", codes: [IEX] },
      { src: '$ExecutionContext.InvokeCommand.‸InvokeScript($x)', codes: [IEX] },
      { src: '$ExecutionContext.InvokeCommand.‸ExpandString($t)', codes: [IEX] },
      { src: '$ExecutionContext.InvokeCommand.‸NewScriptBlock($t)', codes: [IEX] },
      { src: '‸[scriptblock]::Create($x)', codes: [SB] },
      { src: '$sb = ‸[System.Management.Automation.ScriptBlock]::Create($x)', codes: [SB] },
      { src: '‸Add-Type -TypeDefinition $src', codes: [ADD] },
      { src: '‸Add-Type -MemberDefinition $sig -Name W -Namespace N', codes: [ADD] },
      { src: '‸& $tool /quiet', codes: [DYN] },
      { src: '‸. $script', codes: [DYN] },
      { src: '‸& "$env:ProgramFiles\\tool.exe"', codes: [DYN] },
      { src: '‸powershell.exe -NoProfile -Command $x', codes: [SHELL] },
      { src: '‸cmd.exe /c $x', codes: [SHELL] },
      { src: "‸Start-Process pwsh -ArgumentList '-c', $x", codes: [SHELL] },
      { src: '‸Invoke-Command -ComputerName $c -ScriptBlock $sb', codes: [STR] },
      { src: '‸Start-Process msiexec.exe -ArgumentList "/i $msi /qn"', codes: [STR] },
      { src: '‸New-Object System.Management.Automation.ScriptBlock', codes: [STR] },
    ];

    const CONTEXTS: ((s: string) => string)[] = [
      (s) => s,
      (s) => `Write-Output 'start'\n${s}`,
      (s) => `if ($true) {\n\t${s}\n}`,
      (s) => `$null = @(\n  ${s}\n)`,
      (s) => `Get-Item x | ForEach-Object { ${s} }`,
      (s) => `Write-Output "text $(${s}) more"`,
      (s) => `function Invoke-Thing {\r\n    ${s}\r\n}`,
      (s) => `try { ${s} } catch { throw }`,
      (s) => `$r = (${s})`,
      (s) => `#requires -Version 5\n<# help\n iex #>\n${s} # trailing comment`,
    ];

    const NEUTRALIZERS: ((s: string) => string)[] = [
      (s) => `# ${s}`,
      (s) => `<# ${s} #>`,
      (s) => `Write-Output '${s.replace(/'/g, "''")}'`,
      (s) => `$text = @'\n${s}\n'@`,
      (s) => `Write-Output "${s.replace(/[`$]/g, '`$&').replace(/"/g, '""')}"`,
      (s) => `$text = @"\n${s.replace(/[`$]/g, '`$&')}\n"@`,
    ];

    const randomCase = (s: string, random: () => number): string =>
      [...s].map((c) => (random() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');

    it('flags every snippet at the exact position in every context and casing', () => {
      const random = prng(7);
      for (const { src, codes: expectedCodes } of SNIPPETS) {
        for (const context of CONTEXTS) {
          const cased = random() < 0.5 ? src : randomCase(src, random);
          const marked = context(cased);
          const offsets: number[] = [];
          let source = '';
          for (const ch of marked) {
            if (ch === '‸') offsets.push(source.length);
            else source += ch;
          }
          const expected = offsets.map((o, k) => {
            const { line, column } = positionOf(source, o);
            return `${expectedCodes[k]} ${line}:${column}`;
          });
          expect(where(source), JSON.stringify(source)).toEqual(expected);
        }
      }
    });

    it('flags nothing once the snippet is a comment or plain text', () => {
      for (const { src } of SNIPPETS) {
        const plain = src.replace(/‸/g, '');
        for (const neutralize of NEUTRALIZERS) {
          const source = neutralize(plain);
          expect(scanPowerShell(source), JSON.stringify(source)).toEqual([]);
        }
      }
    });

    it('never throws on random input and reports only known codes at real positions', () => {
      const random = prng(8);
      const pieces = [
        'iex ', '$(', ')', '"', "'", '@"\n', '\n"@', '[', ']', '(', '{', '}', '<#', '#>', '# ', '& ', '. ', '$x', ' ',
        '::Create(', '[scriptblock]', 'Add-Type ', '\n', ' -c ', 'powershell ', 'cmd /c ', '`', ',', '|', ';', '=',
        'Start-Process ', 'Invoke-Command ', '-ScriptBlock ', 'Get-Command ', '-TypeDefinition ', '@{', '@(', '-',
      ];
      for (let round = 0; round < 400; round++) {
        let source = '';
        const length = Math.floor(random() * 40);
        for (let k = 0; k < length; k++) source += pieces[Math.floor(random() * pieces.length)]!;
        let issues: ScriptIssue[] = [];
        expect(() => (issues = scanPowerShell(source)), JSON.stringify(source)).not.toThrow();
        const lines = source.split(/\r\n|\n|\r/);
        for (const issue of issues) {
          expect(ALL_CODES).toContain(issue.code);
          expect(issue.line).toBeGreaterThanOrEqual(1);
          expect(issue.line).toBeLessThanOrEqual(lines.length);
          expect(issue.column).toBeGreaterThanOrEqual(1);
          expect(issue.column).toBeLessThanOrEqual(lines[issue.line - 1]!.length);
        }
      }
    });
  });

  describe('large and hostile input', () => {
    it('scans 1 MB of random-ish input quickly', () => {
      const random = prng(9);
      const alphabet = ' \t\n\r`\'"$(){}[]@#<>|&;.,:=-+*/%!?0123456789abcdefiexIEX\\';
      let source = '';
      while (source.length < 1 << 20) source += alphabet[Math.floor(random() * alphabet.length)];
      const started = performance.now();
      const issues = scanPowerShell(source);
      expect(performance.now() - started).toBeLessThan(30_000); // catches a super-linear blow-up only; speed lives in bench/
      expect(Array.isArray(issues)).toBe(true);
    });

    it('stays linear on deep nesting, long statements and unterminated input', () => {
      const size = 1 << 17;
      const cases = [
        '"$('.repeat(size / 3),
        '& ('.repeat(size / 3),
        'a ('.repeat(size / 3),
        '{'.repeat(size),
        ')]}'.repeat(size / 3),
        'Add-Type ' + '-a x '.repeat(size / 5),
        'Get-Command ' + '[*'.repeat(size / 2),
        'Start-Process cmd ' + "'/c',".repeat(size / 5),
        'iex '.repeat(size / 4),
        '[scriptblock]::Create('.repeat(size / 22),
      ];
      for (const source of cases) {
        const started = performance.now();
        expect(() => scanPowerShell(source)).not.toThrow();
        expect(performance.now() - started, source.slice(0, 12)).toBeLessThan(30_000); // catches a super-linear blow-up only; speed lives in bench/
      }
    });
  });
});
