#Requires -Version 7.6
<#
.SYNOPSIS
    How fast the module's first completions are in a fresh pwsh process, next to later ones.

.DESCRIPTION
    Run it in a fresh process so that nothing has been JIT-compiled yet:

        dotnet pwsh -NoProfile -File benchmarks/pwsh-first-calls.ps1 -Model tests/fixtures/dsv4-tiny/dsv4-tiny.f16.gguf

    It times Import-Module of the manifest, Import-DSModel, and then -Count completions in a row. Each completion
    gets a different document of about 100 tokens and the KV cache is cleared before each, so every completion runs
    its prefill. Prints one line per completion (prefill and decode tokens/s from the result object, and wall ms),
    and with -Json one JSON object instead (for scripts that repeat runs and take medians).

    The module is loaded from the repository's manifest (module/bin), so build first:
        dotnet build src/DeepSeekV4.PowerShell -c Release
#>
param(
    [Parameter(Mandatory)] [string] $Model,
    [int] $Count = 8,
    [int] $MaxTokens = 64,
    [int] $ContextLength = 1024,
    [int] $Threads = 0,
    # Another copy of the module to time (e.g. a Package output); default: the repository's manifest.
    [string] $Manifest,
    [switch] $Json
)

$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
$modelPath = (Resolve-Path -LiteralPath $Model).ProviderPath

$sw = [System.Diagnostics.Stopwatch]::StartNew()
if (-not $Manifest) { $Manifest = Join-Path $root 'DeepSeekV4.psd1' }
Import-Module $Manifest
$moduleImportMs = $sw.Elapsed.TotalMilliseconds

$importArgs = @{ LiteralPath = $modelPath; ContextLength = $ContextLength }
if ($Threads -gt 0) { $importArgs.Threads = $Threads }
$sw.Restart()
Import-DSModel @importArgs
$modelImportMs = $sw.Elapsed.TotalMilliseconds

$words = 'the system log shows a disk warning on server nine and a backup job that ended late while the admin ' +
         'rotated keys for the mail relay and moved two shares to the new storage pool before the audit'
$wordList = $words -split ' '

$rows = foreach ($i in 1..$Count) {
    # A different document per call (rotate the words), about 100 tokens each.
    $rotated = $wordList[($i % $wordList.Count)..($wordList.Count - 1)] + $wordList[0..(($i % $wordList.Count) - 1)]
    $document = "Document $i. " + ($rotated -join ' ') + '. ' + ($rotated[0..12] -join ' ') + '.'
    Clear-DSKvCache
    $sw.Restart()
    $result = Invoke-DSCompletion -Prompt $document -MaxTokens $MaxTokens -Temperature 0
    $wallMs = $sw.Elapsed.TotalMilliseconds
    [pscustomobject]@{
        Call           = $i
        PromptTokens   = $result.PromptTokens
        Tokens         = $result.CompletionTokens
        PrefillTps     = [math]::Round($result.PrefillTokensPerSecond, 1)
        DecodeTps      = [math]::Round($result.DecodeTokensPerSecond, 1)
        WallMs         = [math]::Round($wallMs, 1)
    }
}

if ($Json) {
    [pscustomobject]@{
        Model          = [System.IO.Path]::GetFileName($modelPath)
        ModuleImportMs = [math]::Round($moduleImportMs, 1)
        ModelImportMs  = [math]::Round($modelImportMs, 1)
        Calls          = @($rows)
    } | ConvertTo-Json -Depth 4 -Compress
}
else {
    "model: $([System.IO.Path]::GetFileName($modelPath))  module import: $([math]::Round($moduleImportMs)) ms  model import: $([math]::Round($modelImportMs)) ms"
    $rows | Format-Table -AutoSize | Out-String -Width 100
}
