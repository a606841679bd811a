@{
    RootModule           = 'module/bin/DeepSeekV4.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '79fa4a9b-0bdd-421a-9ab4-f01ef7a24b3b'
    Author               = 'DeepSeekV4 contributors'
    CompanyName          = 'DeepSeekV4 contributors'
    Copyright            = '(c) DeepSeekV4 contributors'
    Description          = 'Runs DeepSeek V4 models (V4-Flash, V4-Pro and smaller models of the same architecture) in-process from GGUF files, with the compressed, quantized KV cache: pipe strings and files through completions and get objects back.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('module/DeepSeekV4.Format.ps1xml')
    TypesToProcess       = @('module/DeepSeekV4.Types.ps1xml')
    CmdletsToExport      = @(
        'Import-DSModel'
        'Invoke-DSCompletion'
        'Get-DSKvCacheStats'
        'Get-DSModel'
        'Remove-DSModel'
        'Clear-DSKvCache'
        'Get-DSMemoryEstimate'
        'Measure-DSPerplexity'
        'Get-DSDevice'
        'Connect-DSEndpoint'
        'Start-DSServer'
        'Stop-DSServer'
        'Get-DSServer'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('DeepSeek', 'LLM', 'GGUF', 'Inference', 'AI', 'Offline', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            ReleaseNotes = 'First module release: Import-DSModel, Invoke-DSCompletion, Get-DSKvCacheStats, Get-DSModel, Remove-DSModel, Clear-DSKvCache, Get-DSMemoryEstimate, Measure-DSPerplexity, Get-DSDevice.'
        }
    }
}
