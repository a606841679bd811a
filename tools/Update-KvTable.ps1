#Requires -Version 7.6
<#
.SYNOPSIS
    Regenerates the KV-cache format table of the trained model (issue 17): perplexity, ΔPPL, KL divergence and top-1
    agreement of each KV-cache format against the model's own Native cache, on held-out text it was never trained on.
.DESCRIPTION
    Runs `dsv4 perplexity --json` once per context length and writes the table to docs/measurements/kv-format-quality.md and between
    the <!-- kv-table --> and <!-- /kv-table --> markers of README.md and docs/about_DeepSeekV4.md.
    Called by `./build.ps1 -Task KvTable` (which builds first).
#>
[CmdletBinding()]
param(
    [string] $Model = (Join-Path $PSScriptRoot '../models/dsv4-sysadmin.gguf'),
    [string] $Text = (Join-Path $PSScriptRoot '../models/dsv4-sysadmin.heldout.txt'),
    [int[]] $ContextLength = @(1024),
    [string] $Formats = 'native,f16,bf16,q8_0,q4_0',
    [int] $Threads = 2,
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '..')
$dll = Join-Path $root "src/DeepSeekV4.Cli/bin/$Configuration/net10.0/dsv4.dll"
if (-not (Test-Path $dll)) { throw "dsv4 is not built ($dll): run ./build.ps1 -Task Build first" }

$sections = foreach ($ctx in $ContextLength) {
    $started = Get-Date
    $json = & dotnet $dll perplexity --model $Model --text $Text --ctx $ctx --kv-cache $Formats --baseline native --threads $Threads --json
    if ($LASTEXITCODE) { throw "dsv4 perplexity failed (exit code $LASTEXITCODE)" }
    $rows = $json | ConvertFrom-Json
    $first = $rows[0]
    $inv = [Globalization.CultureInfo]::InvariantCulture
    $lines = @(
        ("Context $($ctx.ToString('N0', $inv)) tokens: $($first.Tokens.ToString('N0', $inv)) held-out tokens scored in $($first.Windows) windows; " +
        "baseline the Native cache (PPL $($first.BaselinePerplexity.ToString('F3', $inv))). " +
        "Measured $((Get-Date).ToString('yyyy-MM-dd', $inv)) in $([int]((Get-Date) - $started).TotalSeconds) s."),
        '',
        '| KV cache | bytes/token | PPL | ΔPPL | mean KLD | p99 KLD | top-1 agreement |',
        '|---|---:|---:|---:|---:|---:|---:|'
    )
    foreach ($r in $rows) {
        $lines += '| {0} | {1:F1} | {2:F3} | {3:+0.0000;-0.0000;0.0000} | {4:F6} | {5:F6} | {6:F2} % |' -f `
            $r.KvCacheType, $r.BytesPerToken, $r.Perplexity, $r.PerplexityDelta, $r.MeanKld, $r.Percentile99Kld, $r.Top1AgreementPercent
    }
    $lines -join "`n"
}

$command = "./build.ps1 -Task KvTable"
$table = "Model ``$(Split-Path -Leaf $Model)``, text ``$(Split-Path -Leaf $Text)`` (held-out split); regenerate with ``$command``.`n`n" + ($sections -join "`n`n")
Set-Content -LiteralPath (Join-Path $root "docs/measurements/kv-format-quality.md") -Value "# KV-cache formats on the trained model`n`n$table" -Encoding utf8NoBOM
foreach ($file in 'README.md', 'docs/about_DeepSeekV4.md') {
    $path = Join-Path $root $file
    $content = Get-Content -Raw -LiteralPath $path
    $pattern = '(?s)(<!-- kv-table -->).*?(<!-- /kv-table -->)'
    if ($content -notmatch $pattern) { Write-Warning "$file has no <!-- kv-table --> markers; left as it is"; continue }
    $content = [regex]::Replace($content, $pattern, { param($m) "$($m.Groups[1].Value)`n$table`n$($m.Groups[2].Value)" })
    Set-Content -LiteralPath $path -Value $content -NoNewline -Encoding utf8NoBOM
}
$table
