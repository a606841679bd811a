#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
    $models = New-Item -ItemType Directory -Path (Join-Path $Work 'models')
    $alpha = Copy-DSFixtureModel -Name 'alpha.gguf' -Folder $models
    $beta = Copy-DSFixtureModel -Name 'beta.gguf' -Folder $models
    $bracketed = Copy-DSFixtureModel -Name 'lit[1].gguf'
}

AfterAll { Complete-DSTest }

Describe 'Get-DSMemoryEstimate' {
    It '-Path estimates a file without loading it, and the numbers add up' {
        $e = Get-DSMemoryEstimate -Path $FixtureModel -ContextLength 512 -KvCacheType Q8_0
        $e | Should -BeOfType ([DeepSeekV4.Engine.Inference.MemoryEstimate])
        $e.Model | Should -Be 'dsv4-tiny.f16.gguf'
        $e.Architecture | Should -Be 'deepseek4'
        $e.ContextLength | Should -Be 512
        "$($e.KvCacheType)" | Should -Be 'Q8_0'
        $e.WeightBytes | Should -BeGreaterThan 0
        $e.KvCacheBytes | Should -BeGreaterThan 0
        $e.ScratchBytes | Should -BeGreaterThan 0
        $e.TotalBytes | Should -Be ($e.WeightBytes + $e.KvCacheBytes + $e.ScratchBytes)
        $e.WeightBytes | Should -Be (($e.Weights | Measure-Object Bytes -Sum).Sum)
        $e.KvCacheBytes | Should -Be (($e.KvCache | Measure-Object Bytes -Sum).Sum)
        Get-DSModel | Should -BeNullOrEmpty
    }

    It '-Numerics chooses the default cache format as Import-DSModel does; -KvCacheType wins' {
        $fast = Get-DSMemoryEstimate -Path $FixtureModel -ContextLength 512
        $reference = Get-DSMemoryEstimate -Path $FixtureModel -ContextLength 512 -Numerics Reference
        "$($fast.KvCacheType)" | Should -Be 'Native'
        "$($reference.KvCacheType)" | Should -Be 'F32'
        $reference.KvCacheBytes | Should -BeGreaterThan $fast.KvCacheBytes
        "$((Get-DSMemoryEstimate -Path $FixtureModel -ContextLength 512 -Numerics Float -KvCacheType Q8_0).KvCacheType)" | Should -Be 'Q8_0'
        $imported = Import-DSModel -LiteralPath $FixtureModel -Name estimate-numerics -Numerics Reference -ContextLength 512 -NoWarmUp -PassThru
        try {
            "$($imported.KvCacheType)" | Should -Be "$($reference.KvCacheType)"
            $imported.KvCacheBytes | Should -Be $reference.KvCacheBytes
        }
        finally { Remove-DSModel -Name estimate-numerics -Confirm:$false }
    }

    It '-Path expands wildcards: one estimate per file' {
        $e = Get-DSMemoryEstimate -Path (Join-Path $models '*.gguf') -ContextLength 256
        @($e).Count | Should -Be 2
        @($e.Model | Sort-Object) | Should -Be @('alpha.gguf', 'beta.gguf')
    }

    It '-LiteralPath takes wildcard characters literally' {
        $e = Get-DSMemoryEstimate -LiteralPath $bracketed -ContextLength 256
        $e.Model | Should -Be 'lit[1].gguf'
    }

    It 'without -ContextLength takes the model''s maximum' {
        (Get-DSMemoryEstimate -LiteralPath $FixtureModel).ContextLength | Should -Be $FixtureMaxContext
    }

    It 'a longer context needs a larger KV cache; the weights stay the same' {
        $short = Get-DSMemoryEstimate -LiteralPath $FixtureModel -ContextLength 256
        $long = Get-DSMemoryEstimate -LiteralPath $FixtureModel -ContextLength '1K'
        $long.ContextLength | Should -Be 1024
        $long.KvCacheBytes | Should -BeGreaterThan $short.KvCacheBytes
        $long.WeightBytes | Should -Be $short.WeightBytes
    }

    It '-AvailableMemory decides Fits' {
        $e = Get-DSMemoryEstimate -LiteralPath $FixtureModel -ContextLength 256 -AvailableMemory 1GB
        $e.AvailableBytes | Should -Be 1GB
        $e.Fits | Should -BeTrue
        (Get-DSMemoryEstimate -LiteralPath $FixtureModel -ContextLength 256 -AvailableMemory 1KB).Fits | Should -BeFalse
    }

    It '-Name V4-Flash -ContextLength 1M -AvailableMemory 48GB does not fit, and its numbers add up' {
        $e = Get-DSMemoryEstimate -Name V4-Flash -ContextLength 1M -AvailableMemory 48GB
        $e.ContextLength | Should -Be 1048576
        $e.AvailableBytes | Should -Be 48GB
        $e.Fits | Should -BeFalse
        $e.TotalBytes | Should -Be ($e.WeightBytes + $e.KvCacheBytes + $e.ScratchBytes)
        $e.RequiredBytes | Should -BeGreaterThan 48GB
        $e.WeightBytes | Should -BeGreaterThan 100GB
    }

    It '-Name V4-Pro needs more than V4-Flash' {
        $flash = Get-DSMemoryEstimate -Name V4-Flash -ContextLength 128K
        $pro = Get-DSMemoryEstimate -Name V4-Pro -ContextLength 128K
        $pro.WeightBytes | Should -BeGreaterThan $flash.WeightBytes
        $flash.ContextLength | Should -Be 131072
    }

    It 'a context longer than the model allows is refused in the user''s terms' {
        $c = Invoke-DSCapture { Get-DSMemoryEstimate -LiteralPath $FixtureModel -ContextLength 4096 }
        @($c.Errors).Count | Should -Be 1
        $c.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $c.Errors[0].Exception.Message | Should -Match '4,?096'
        $c.Errors[0].Exception.Message | Should -Match '1,?024'
        $c.Errors[0].Exception.Message | Should -Not -Match 'Actual value was|\(Parameter '
    }
}

Describe 'Get-DSMemoryEstimate against a device' {
    It 'plans for a 48 GB CUDA card without the card' {
        $e = Get-DSMemoryEstimate -Name V4-Flash -ContextLength 1M -Device Cuda -DeviceMemory 48GB
        $e.Device | Should -Be 'cuda:0'
        $e.AvailableBytes | Should -Be 48GB
        $e.Fits | Should -Be ($e.RequiredBytes -le 48GB)
    }

    It 'uses the simulator''s own memory for -Device GpuSimulator' {
        $device = Get-DSDevice -Kind Simulator | Select-Object -First 1
        $e = Get-DSMemoryEstimate -LiteralPath $FixtureModel -ContextLength 512 -Device GpuSimulator
        $e.Device | Should -Be 'simulator:0'
        $e.AvailableBytes | Should -Be $device.MemoryBytes
    }

    It 'an absent device without -DeviceMemory is a terminating ResourceUnavailable error naming it' {
        if (@(Get-DSDevice -Kind Cuda).Count -gt 0) { Set-ItResult -Skipped -Because 'this machine has a CUDA device' }
        $record = $null
        try { Get-DSMemoryEstimate -Name V4-Flash -Device Cuda -DeviceId 3 } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty
        $record.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        "$record" | Should -Match 'cuda:3'
        "$record" | Should -Match '-DeviceMemory'
    }
}

