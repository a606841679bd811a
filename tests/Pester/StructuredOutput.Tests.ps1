#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'DeepSeekV4.TestHelpers.ps1')
    Initialize-DSTest
    $tickets = New-Item -ItemType Directory -Path (Join-Path $Work 'tickets')
    Set-Content -LiteralPath (Join-Path $tickets 'a.txt') 'The printer on floor 3 is on fire.'
    Set-Content -LiteralPath (Join-Path $tickets 'b.txt') 'Please reset my password.'
    Set-Content -LiteralPath (Join-Path $tickets 'c.txt') 'The coffee machine is empty again.'
    $schema = [ordered]@{
        type       = 'object'
        properties = [ordered]@{
            Urgency  = @{ enum = 'low', 'medium', 'high' }
            Minutes  = @{ type = 'integer' }
            Score    = @{ type = 'number' }
            Escalate = @{ type = 'boolean' }
            Tags     = @{ type = 'array'; items = @{ type = 'string'; maxLength = 4 }; maxItems = 2 }
        }
        required   = 'Urgency', 'Minutes', 'Score', 'Escalate', 'Tags'
    }
    Import-DSModel -LiteralPath $FixtureModel
}

AfterAll { Complete-DSTest }

Describe 'Invoke-DSCompletion -JsonSchema -AsObject' {
    It 'three piped files give three objects with the schema''s types, and Export-Csv writes them' {
        $files = Get-ChildItem $tickets -Filter *.txt | Sort-Object Name
        $objects = $files | Invoke-DSCompletion -Instruction 'Extract the fields' -JsonSchema $schema -AsObject -MaxTokens 120 -Seed 7
        @($objects).Count | Should -Be 3
        foreach ($o in $objects) {
            $o | Should -BeOfType ([System.Management.Automation.PSCustomObject])
            $o.Urgency | Should -BeIn @('low', 'medium', 'high')
            ($o.Minutes -is [int] -or $o.Minutes -is [long]) | Should -BeTrue
            $o.Score | Should -BeOfType ([double])
            $o.Escalate | Should -BeOfType ([bool])
            , $o.Tags | Should -BeOfType ([object[]])
        }
        $objects.PSSourceDocument | Should -Be $files.FullName

        $csv = Join-Path $Work 'urgent.csv'
        $objects | Export-Csv -Path $csv
        $rows = Import-Csv -Path $csv
        @($rows).Count | Should -Be 3
        $rows[0].PSObject.Properties.Name | Should -Be @('Urgency', 'Minutes', 'Score', 'Escalate', 'Tags', 'PSSourceDocument')
        $rows.Urgency | Should -Be $objects.Urgency
    }

    It 'a schema file and a JSON string work like a hashtable' {
        $path = Join-Path $Work 'schema.json'
        Set-Content -LiteralPath $path '{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}'
        (Invoke-DSCompletion -Prompt 'x' -JsonSchema $path -AsObject -Seed 1).ok | Should -BeOfType ([bool])
        (Invoke-DSCompletion -Prompt 'x' -JsonSchema (Get-Content -Raw $path) -AsObject -Seed 1).ok | Should -BeOfType ([bool])
    }

    It 'without -AsObject the result holds the JSON text and the parsed Data' {
        $r = Invoke-DSCompletion -Prompt 'x' -JsonSchema $schema -MaxTokens 120 -Seed 3
        $r.JsonComplete | Should -BeTrue
        $r.FinishReason | Should -Be 'DocumentComplete'
        ($r.Text | ConvertFrom-Json).Urgency | Should -Be $r.Data.Urgency
    }

    It 'an unsupported keyword stops the command and names the keyword' {
        { Invoke-DSCompletion -Prompt 'x' -JsonSchema @{ type = 'string'; pattern = '^a' } -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*'pattern'*"
    }
}
