#Requires -Version 7.6
<#
    Shared by every *.Tests.ps1 in this folder; dot-source it in the file's top-level BeforeAll:

        BeforeAll { . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1'); Initialize-DSTest }

    Needs the built module (dotnet build Module.sln -c Release puts it in module/bin). Variant models (another
    architecture, a broken tokenizer) are written in-process by the engine's own GgufWriter.

    The fixture tests/fixtures/dsv4-tiny/dsv4-tiny.f16.gguf is DeepSeek's reference configuration at tiny size
    (max context 1,024 tokens). It is read-only: tests that need a second file or name copy it first.
#>

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ManifestPath = Join-Path $script:RepoRoot 'DeepSeekV4.psd1'
$script:FixtureModel = Join-Path $script:RepoRoot 'tests/fixtures/dsv4-tiny/dsv4-tiny.f16.gguf'
$script:FixtureModelName = 'dsv4-tiny.f16'
$script:FixtureMaxContext = 1024
$script:Cmdlets = @(
    'Clear-DSKvCache', 'Connect-DSEndpoint', 'Get-DSDevice', 'Get-DSKvCacheStats', 'Get-DSMemoryEstimate', 'Get-DSModel',
    'Get-DSServer', 'Import-DSModel', 'Invoke-DSCompletion', 'Measure-DSPerplexity', 'Remove-DSModel', 'Start-DSServer',
    'Stop-DSServer')

<#
    Imports the module fresh (Remove-Module ends this runspace's session, so each test file starts with no model
    loaded) and makes a scratch folder for this file, removed by Complete-DSTest.
#>
function Initialize-DSTest {
    if (-not (Test-Path (Join-Path $script:RepoRoot 'module/bin/DeepSeekV4.PowerShell.dll'))) {
        throw "the module is not built: run 'dotnet build Module.sln -c Release' in $script:RepoRoot"
    }
    if (-not (Test-Path $script:FixtureModel)) { throw "fixture model missing: $script:FixtureModel" }
    Remove-Module DeepSeekV4 -ErrorAction Ignore
    Import-Module $script:ManifestPath -ErrorAction Stop
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "dsv4-pester-$PID-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
    New-Item -ItemType Directory -Path $script:Work -Force | Out-Null
}

function Complete-DSTest {
    try { Reset-DSSession } catch { Write-Warning $_ }
    Remove-Module DeepSeekV4 -ErrorAction Ignore
    if ($script:Work -and (Test-Path $script:Work)) { Remove-Item $script:Work -Recurse -Force -ErrorAction Ignore }
}

<#
    Removes every model of this runspace's session (by escaped name: a name such as 'lit[1]' is a wildcard pattern
    to Remove-DSModel; Pipeline.Tests.ps1 tests the plain pipe).
#>
function Reset-DSSession {
    Get-DSModel | ForEach-Object { Remove-DSModel -Name ([WildcardPattern]::Escape($_.Name)) -Confirm:$false }
    $left = @(Get-DSModel)
    if ($left) { throw "Reset-DSSession: still loaded after Remove-DSModel: $($left.Name -join ', ')" }
}

<# A copy of the fixture model under another file name (the fixture itself stays untouched). #>
function Copy-DSFixtureModel {
    param([Parameter(Mandatory)][string] $Name, [string] $Folder = $script:Work)
    $destination = Join-Path $Folder $Name
    if (-not (Test-Path -LiteralPath $destination)) { Copy-Item -LiteralPath $script:FixtureModel -Destination $destination }
    $destination
}

<#
    A copy of the fixture model with some metadata changed, written by the engine's own GgufWriter (a valid GGUF):
    e.g. @{ 'general.architecture' = 'llama' } or @{ 'tokenizer.ggml.pre' = 'no-such-pre-tokenizer' }.
#>
function New-DSVariantModel {
    param([Parameter(Mandatory)][string] $Path, [Parameter(Mandatory)][hashtable] $Metadata)
    $file = [DeepSeekV4.Engine.Gguf.GgufFile]::Open($script:FixtureModel, [DeepSeekV4.Engine.Gguf.GgufLoadMode]::Mapped)
    try {
        $writer = [DeepSeekV4.Engine.Gguf.GgufWriter]::FromFile($file)
        foreach ($key in $Metadata.Keys) { $null = $writer.SetMetadata([string]$key, [object]$Metadata[$key]) }
        $writer.WriteTo($Path)
    }
    finally {
        $file.Dispose()
    }
    $Path
}

<# Plain English text of about $Words words (about 3.2 tokens a word for the tiny model's tokenizer). #>
function Get-DSLongText {
    param([int] $Words = 400)
    $vocabulary = 'the quarterly report shows revenue up twelve percent while costs fell in every region and the board ' +
        'asked for a summary of risks, hiring plans, office moves, customer complaints and next year budget' -split ' '
    $rng = [Random]::new(42)
    (1..$Words | ForEach-Object { $vocabulary[$rng.Next($vocabulary.Count)] }) -join ' '
}

<#
    Runs $Script and returns its output and every error it raised, non-terminating (written) or terminating
    (thrown), as ErrorRecords: @{ Output = ...; Errors = ErrorRecord[] }.
#>
function Invoke-DSCapture {
    param([Parameter(Mandatory)][scriptblock] $Script)
    $ErrorActionPreference = 'Continue'
    $all = [Collections.Generic.List[object]]::new()
    try {
        & $Script 2>&1 | ForEach-Object { $all.Add($_) }
    }
    catch {
        $all.Add($_)
    }
    # All: output and error records interleaved as they were written; Output and Errors: each kind alone.
    [pscustomobject]@{
        Output = [object[]]$all.Where({ $_ -isnot [Management.Automation.ErrorRecord] })
        Errors = [Management.Automation.ErrorRecord[]]$all.Where({ $_ -is [Management.Automation.ErrorRecord] })
        All    = $all.ToArray()
    }
}

<# An open runspace with the module imported from this repository (the caller disposes it). #>
function New-DSRunspace {
    $iss = [initialsessionstate]::CreateDefault2()
    $iss.ImportPSModule([string[]]@($script:ManifestPath))
    $runspace = [runspacefactory]::CreateRunspace($iss)
    $runspace.Open()
    $runspace
}

<#
    Runs $Script in $Runspace synchronously with $Arguments; returns the output. Errors raised there are written
    as errors here (so a test sees them) unless -PassThruErrors, which returns @{ Output; Errors } instead.
#>
function Invoke-DSInRunspace {
    param(
        [Parameter(Mandatory)][Management.Automation.Runspaces.Runspace] $Runspace,
        [Parameter(Mandatory)][scriptblock] $Script,
        [object[]] $Arguments = @(),
        [switch] $PassThruErrors)
    $ps = [powershell]::Create()
    try {
        $ps.Runspace = $Runspace
        $null = $ps.AddScript($Script.ToString())
        foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
        $output = $ps.Invoke()
        $errors = @($ps.Streams.Error)
        if ($PassThruErrors) { return [pscustomobject]@{ Output = @($output); Errors = $errors } }
        foreach ($e in $errors) { Write-Error -ErrorRecord $e }
        $output
    }
    finally {
        $ps.Dispose()
    }
}

<# Waits until $Condition is true or $TimeoutSeconds pass; returns whether it became true. #>
function Wait-DSCondition {
    param([Parameter(Mandatory)][scriptblock] $Condition, [double] $TimeoutSeconds = 30, [int] $PollMilliseconds = 5)
    $deadline = [Diagnostics.Stopwatch]::StartNew()
    while ($deadline.Elapsed.TotalSeconds -lt $TimeoutSeconds) {
        if (& $Condition) { return $true }
        Start-Sleep -Milliseconds $PollMilliseconds
    }
    [bool](& $Condition)
}

<#
    `dsv4 serve` with the fixture model as a child process on a loopback port (-Port 0: a free one), through the
    engine's LocalServer (what Start-DSServer uses) and the Release build of src/DeepSeekV4.Cli; returns
    @{ Server; Api (http://127.0.0.1:PORT/v1); Port; ApiKey } once it listens. Stop-DSServeProcess kills it at once,
    as a crashed server goes away.
#>
function Start-DSServeProcess {
    param([string] $ApiKey = 'pester-key', [int] $Port = 0, [int] $Parallel = 2)
    $dll = Join-Path $script:RepoRoot 'src/DeepSeekV4.Cli/bin/Release/net10.0/dsv4.dll'
    if (-not (Test-Path $dll)) { throw "dsv4 is not built: run 'dotnet build Module.sln -c Release' in $script:RepoRoot" }
    $options = [DeepSeekV4.Engine.Remote.LocalServerOptions]@{
        ModelPath = $script:FixtureModel; Port = $Port; ContextLength = 512; Threads = 1; Parallel = $Parallel; Queue = 32
        ApiKey = $ApiKey; StartTimeout = [timespan]::FromSeconds(90)
    }
    $server = [DeepSeekV4.Engine.Remote.LocalServer]::Start($dll, $options, [Threading.CancellationToken]::None)
    [pscustomobject]@{ Server = $server; Api = $server.Api; Port = $server.Api.Port; ApiKey = $ApiKey }
}

function Stop-DSServeProcess {
    param([Parameter(Mandatory)] $Server)
    $Server.Server.Stop([timespan]::Zero)
    $Server.Server.Dispose()
}
