using System.Management.Automation;
using CompletionResult = DeepSeekV4.Engine.Inference.CompletionResult;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Invoke-DSCompletion -JsonSchema / -Json / -AsObject in a real runspace on the tiny model.</summary>
public class JsonOutputHostTests
{
    private const string Schema = """
        $schema = [ordered]@{
            type = 'object'
            properties = [ordered]@{
                Urgency = @{ enum = 'low', 'medium', 'high' }
                Minutes = @{ type = 'integer' }
                Score = @{ type = 'number' }
                Escalate = @{ type = 'boolean' }
                Tags = @{ type = 'array'; items = @{ type = 'string'; maxLength = 4 }; maxItems = 2 }
            }
            required = 'Urgency', 'Minutes', 'Score', 'Escalate', 'Tags'
        }
        """;

    [Fact]
    public void Three_files_give_three_typed_objects_that_export_to_csv()
    {
        using var dir = new TempDirectory();
        string[] files = [dir.WriteText("a.txt", "Printer on fire."), dir.WriteText("b.txt", "Password reset."), dir.WriteText("c.txt", "Coffee machine empty.")];
        string csv = dir.File("out.csv");
        using var host = PowerShellHost.WithModel();

        var run = host.Run(Schema + """

            $objects = Get-ChildItem $args[0] -Filter *.txt | Sort-Object Name |
                Invoke-DSCompletion -Instruction 'Extract the fields' -JsonSchema $schema -AsObject -MaxTokens 120 -Seed 1
            $objects | Export-Csv -Path $args[1] -NoTypeInformation
            $objects
            """, dir.Path, csv).Succeeded();

        Assert.Equal(3, run.Output.Count);
        for (int i = 0; i < 3; i++)
        {
            var o = run.Output[i];
            Assert.IsType<PSCustomObject>(o.BaseObject);
            Assert.Contains((string)o.Properties["Urgency"].Value, new[] { "low", "medium", "high" });
            Assert.True(o.Properties["Minutes"].Value is int or long, $"Minutes is {o.Properties["Minutes"].Value?.GetType()}");
            Assert.IsType<double>(o.Properties["Score"].Value);
            Assert.IsType<bool>(o.Properties["Escalate"].Value);
            Assert.IsType<object[]>(o.Properties["Tags"].Value);
            Assert.Equal(files[i], o.Properties["PSSourceDocument"].Value);
        }
        var lines = File.ReadAllLines(csv);
        Assert.Equal(4, lines.Length);
        Assert.Equal("\"Urgency\",\"Minutes\",\"Score\",\"Escalate\",\"Tags\",\"PSSourceDocument\"", lines[0]);
        Assert.Contains(files[2], lines[3]);
    }

    [Fact]
    public void Without_AsObject_the_result_carries_the_text_and_the_parsed_data()
    {
        using var host = PowerShellHost.WithModel();
        var run = host.Run("""
            Invoke-DSCompletion -Prompt 'Give me JSON' -JsonSchema '{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}' -MaxTokens 30 -Seed 3
            """).Succeeded();
        var output = Assert.Single(run.Output);
        var result = Assert.IsType<CompletionResult>(output.BaseObject);
        Assert.True(result.JsonComplete);
        var data = (PSObject)output.Properties["Data"].Value;
        Assert.Equal(System.Text.Json.JsonDocument.Parse(result.Text).RootElement.GetProperty("n").GetInt64(), Convert.ToInt64(data.Properties["n"].Value));
    }

    [Fact]
    public void Schema_file_path_and_free_json_work_and_an_unsupported_keyword_is_named()
    {
        using var dir = new TempDirectory();
        string schema = dir.WriteText("s.json", """{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}""");
        using var host = PowerShellHost.WithModel();
        var fromFile = host.Run("Invoke-DSCompletion -Prompt x -JsonSchema $args[0] -AsObject -Seed 2", schema).Succeeded();
        Assert.IsType<bool>(Assert.Single(fromFile.Output).Properties["ok"].Value);

        var free = host.Run("Invoke-DSCompletion -Prompt x -Json -MaxTokens 40 -Seed 5").Succeeded();
        Assert.True(Assert.IsType<CompletionResult>(Assert.Single(free.Output).BaseObject).JsonComplete);

        var refused = host.Run("Invoke-DSCompletion -Prompt x -JsonSchema @{ type = 'string'; pattern = '^a' }");
        var error = refused.SingleError();
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("'pattern'", error.Exception.Message);
    }

    [Fact]
    public void Incomplete_document_with_AsObject_is_an_error_naming_the_input()
    {
        using var host = PowerShellHost.WithModel();
        var run = host.Run("""'doc' | Invoke-DSCompletion -JsonSchema '{"type":"object","properties":{"a":{"type":"string","minLength":20}},"required":["a"]}' -AsObject -MaxTokens 3""");
        Assert.Empty(run.Output);
        var error = run.SingleError();
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        Assert.Equal("pipeline:1", error.TargetObject);
        Assert.Contains("incomplete", error.Exception.Message);
    }
}
