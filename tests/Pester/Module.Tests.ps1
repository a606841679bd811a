#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
}

AfterAll { Complete-DSTest }

Describe 'The DeepSeekV4 module' {
    It 'exports exactly the nine cmdlets, and nothing else' {
        $module = Get-Module DeepSeekV4
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be $Cmdlets
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
        @(Get-Command -Module DeepSeekV4 | ForEach-Object Name | Sort-Object) | Should -Be $Cmdlets
    }

    It 'has a valid manifest that requires PowerShell 7.6 (Core)' {
        $manifest = Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop
        $manifest.PowerShellVersion | Should -Be ([version]'7.6')
        $manifest.CompatiblePSEditions | Should -Be @('Core')
    }

    It 'imports into a fresh runspace without warnings or errors' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ManifestPath' -Verbose:`$false; (Get-Module DeepSeekV4).ExportedCmdlets.Count")
            $count = $ps.Invoke()
            @($ps.Streams.Warning | ForEach-Object Message) | Should -BeNullOrEmpty
            @($ps.Streams.Error | ForEach-Object { $_.ToString() }) | Should -BeNullOrEmpty
            $count | Should -Be $Cmdlets.Count
        }
        finally { $ps.Dispose() }
    }

    It 'Remove-Module releases the models of this runspace' {
        $rs = New-DSRunspace
        try {
            $result = Invoke-DSInRunspace $rs {
                param($model, $manifest)
                Import-DSModel -LiteralPath $model
                $before = @(Get-DSModel).Count
                Remove-Module DeepSeekV4
                Import-Module $manifest
                $before, @(Get-DSModel).Count
            } -Arguments $FixtureModel, $ManifestPath
            $result | Should -Be @(1, 0)
        }
        finally { $rs.Dispose() }
    }
}

Describe 'Help for <_>' -ForEach @(
    'Clear-DSKvCache', 'Get-DSDevice', 'Get-DSKvCacheStats', 'Get-DSMemoryEstimate', 'Get-DSModel',
    'Import-DSModel', 'Invoke-DSCompletion', 'Measure-DSPerplexity', 'Remove-DSModel') {
    BeforeAll {
        $help = Get-Help $_ -Full -ErrorAction Stop
    }

    It 'has a synopsis other than the generated syntax' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$_ *"
    }

    It 'has a description' {
        ($help.description.Text -join "`n").Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples' {
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }

    It 'describes every parameter' {
        $parameters = @($help.parameters.parameter | Where-Object name -NotIn @(
                'WhatIf', 'Confirm', 'Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ProgressAction',
                'ErrorVariable', 'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable'))
        $parameters.Count | Should -BeGreaterThan 0
        $undescribed = @($parameters | Where-Object { -not ($_.description.Text -join '').Trim() } | ForEach-Object name)
        $undescribed | Should -BeNullOrEmpty
    }
}

Describe 'about_DeepSeekV4' {
    It 'is found by Get-Help' {
        $about = Get-Help about_DeepSeekV4 -ErrorAction SilentlyContinue
        $about | Should -Not -BeNullOrEmpty
        ($about | Out-String) | Should -Match 'DeepSeek'
    }
}

Describe 'Get-DSDevice' {
    It 'lists the ILGPU simulator with the memory it can use, and filters by kind' {
        $all = @(Get-DSDevice)
        $sim = @(Get-DSDevice -Kind Simulator)
        $sim.Count | Should -BeGreaterThan 0
        $sim[0].Id | Should -Be 'simulator:0'
        $sim[0].MemoryBytes | Should -BeGreaterThan 0
        @($all | Where-Object Kind -eq 'Simulator').Count | Should -Be $sim.Count
        @(Get-DSDevice -Kind Cuda | Where-Object Kind -ne 'Cuda').Count | Should -Be 0
    }

    It 'says why no CUDA device is listed when there is none' {
        if (@(Get-DSDevice -Kind Cuda).Count -gt 0) { Set-ItResult -Skipped -Because 'this machine has a CUDA device' }
        $verbose = Get-DSDevice -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }
        "$verbose" | Should -Match 'no CUDA'
    }
}
