using System.Text.RegularExpressions;

namespace DeepSeekV4.PowerShell.Tests;

/// <summary>docs/ documents every cmdlet and every parameter in PlatyPS's markdown schema, consistent with the assembly.</summary>
public partial class DocsTests
{
    private static readonly string[] Sections =
        ["## SYNOPSIS", "## SYNTAX", "## DESCRIPTION", "## EXAMPLES", "## PARAMETERS", "## INPUTS", "## OUTPUTS", "## NOTES", "## RELATED LINKS"];

    public static TheoryData<string> CmdletNames => [.. CmdletSurfaceTests.Designed];

    private static string Doc(string cmdlet) => File.ReadAllText(RepositoryPaths.Get("docs", cmdlet + ".md"));

    /// <summary>The yaml block of each "### -Name" parameter section.</summary>
    private static Dictionary<string, Dictionary<string, string>> ParameterBlocks(string doc)
    {
        var blocks = new Dictionary<string, Dictionary<string, string>>();
        foreach (Match m in ParameterSection().Matches(doc))
        {
            blocks[m.Groups[1].Value] = m.Groups[2].Value.Split('\n')
                .Select(l => l.Split(':', 2))
                .Where(kv => kv.Length == 2)
                .ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim());
        }
        return blocks;
    }

    [Fact]
    public void Every_cmdlet_has_a_page_and_no_page_names_an_unknown_cmdlet()
    {
        var pages = Directory.GetFiles(RepositoryPaths.Get("docs"), "*.md").Select(Path.GetFileNameWithoutExtension).Where(n => !n!.StartsWith("about_"));
        Assert.Equal(CmdletMetadata.Cmdlets.Select(c => c.Name).Order(), pages.Order());
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Pages_follow_the_platyps_schema(string name)
    {
        string doc = Doc(name);
        Assert.StartsWith("---\n", doc);
        Assert.Contains("external help file: DeepSeekV4.PowerShell.dll-Help.xml\n", doc);
        Assert.Contains("Module Name: DeepSeekV4\n", doc);
        Assert.Contains("schema: 2.0.0\n", doc);
        Assert.Contains($"\n# {name}\n", doc);
        var positions = Sections.Select(s => doc.IndexOf("\n" + s + "\n", StringComparison.Ordinal)).ToList();
        Assert.All(positions.Zip(Sections), p => Assert.True(p.First > 0, $"{name}: no {p.Second}"));
        Assert.Equal(positions.Order(), positions);
        Assert.Contains("### CommonParameters", doc);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Synopsis_description_and_examples_are_written(string name)
    {
        string doc = Doc(name);
        string synopsis = Between(doc, "## SYNOPSIS", "## SYNTAX");
        Assert.True(synopsis.Length > 10, $"{name}: empty synopsis");
        Assert.True(Between(doc, "## DESCRIPTION", "## EXAMPLES").Length > 80, $"{name}: thin description");
        string examples = Between(doc, "## EXAMPLES", "## PARAMETERS");
        Assert.True(ExampleCode().Matches(examples).Count >= 2, $"{name}: fewer than two examples");
        Assert.Contains(name, examples);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Every_parameter_is_documented_as_declared(string name)
    {
        var cmdlet = CmdletMetadata.Cmdlet(name);
        var blocks = ParameterBlocks(Doc(name));
        var expected = cmdlet.Parameters.Select(p => p.Name).ToList();
        if (cmdlet.SupportsShouldProcess) expected.AddRange(["WhatIf", "Confirm"]);
        Assert.Equal(expected.Order(), blocks.Keys.Order());
        foreach (var p in cmdlet.Parameters)
        {
            var yaml = blocks[p.Name];
            string where = $"{name} -{p.Name}";
            var set = Assert.Single(p.Sets);
            Assert.True(yaml["Type"] == p.Type.Name, $"{where}: documented type {yaml["Type"]}, declared {p.Type.Name}");
            Assert.True(yaml["Parameter Sets"] == (set.Set == CmdletMetadata.AllSets ? "(All)" : set.Set), $"{where}: parameter sets");
            Assert.True(yaml["Aliases"] == string.Join(", ", p.Aliases), $"{where}: aliases '{yaml["Aliases"]}'");
            Assert.True(yaml["Required"] == (set.Mandatory ? "True" : "False"), $"{where}: required");
            Assert.True(yaml["Position"] == (set.Position?.ToString() ?? "Named"), $"{where}: position");
            string pipeline = (set.ByValue, set.ByPropertyName) switch
            {
                (true, true) => "True (ByValue, ByPropertyName)",
                (true, false) => "True (ByValue)",
                (false, true) => "True (ByPropertyName)",
                _ => "False",
            };
            Assert.True(yaml["Accept pipeline input"] == pipeline, $"{where}: pipeline input");
            Assert.True(yaml["Accept wildcard characters"] == (p.Has("SupportsWildcardsAttribute") ? "True" : "False"), $"{where}: wildcards");
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Syntax_lists_every_parameter_set(string name)
    {
        var cmdlet = CmdletMetadata.Cmdlet(name);
        string syntax = Between(Doc(name), "## SYNTAX", "## DESCRIPTION");
        var sets = cmdlet.Parameters.SelectMany(p => p.Sets).Select(s => s.Set).Where(s => s != CmdletMetadata.AllSets).Distinct().ToList();
        foreach (var set in sets) Assert.Contains($"### {set}", syntax);
        if (cmdlet.DefaultParameterSet != null) Assert.Contains($"### {cmdlet.DefaultParameterSet} (Default)", syntax);
        foreach (var p in cmdlet.Parameters) Assert.Contains($"-{p.Name}", syntax);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Outputs_name_the_declared_types(string name)
    {
        string outputs = Between(Doc(name), "## OUTPUTS", "## NOTES");
        foreach (var t in CmdletMetadata.Cmdlet(name).OutputTypes) Assert.Contains($"### {t.FullName}", outputs);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Cmdlets_that_take_files_have_an_example_piping_files(string name)
    {
        var cmdlet = CmdletMetadata.Cmdlet(name);
        if (!cmdlet.Parameters.Any(p => p.Aliases.Contains("PSPath"))) return;
        Assert.Matches(@"Get-ChildItem[^\n]*\|\s*(>>\s*)?\n?\s*(>>\s*)?" + Regex.Escape(name), Between(Doc(name), "## EXAMPLES", "## PARAMETERS"));
    }

    [Fact]
    public void The_about_topic_covers_the_session_engine_kv_cache_formats_and_memory()
    {
        string about = File.ReadAllText(RepositoryPaths.Get("docs", "about_DeepSeekV4.md"));
        Assert.StartsWith("# about_DeepSeekV4\n", about);
        foreach (var heading in new[] { "## SHORT DESCRIPTION", "## LONG DESCRIPTION", "### The session engine", "### The KV cache formats", "### Memory" })
            Assert.Contains(heading, about);
        foreach (var format in new[] { "Native", "F32", "F16", "BF16", "Q8_0", "Q4_0" }) Assert.Contains(format, about);
        foreach (var cmdlet in CmdletMetadata.Cmdlets) Assert.Contains(cmdlet.Name, about);
    }

    public static TheoryData<string> AllPages =>
        [.. Directory.GetFiles(RepositoryPaths.Get("docs"), "*.md").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(AllPages))]
    public void Code_for_the_tiny_demo_model_asks_for_at_most_its_1024_tokens(string page)
    {
        string doc = File.ReadAllText(RepositoryPaths.Get("docs", page)).ReplaceLineEndings("\n");
        foreach (Match block in CodeBlock().Matches(doc))
        {
            string code = block.Groups[1].Value;
            if (!TinyModel().IsMatch(code)) continue;
            foreach (Match length in ContextLength().Matches(code))
            {
                long tokens = long.Parse(length.Groups[1].Value) * (length.Groups[2].Value.ToUpperInvariant() switch { "K" => 1024, "M" => 1024 * 1024, _ => 1 });
                Assert.True(tokens <= 1024, $"{page}: the tiny model holds at most 1,024 tokens, the code asks {length.Value}:\n{code}");
            }
        }
    }

    [Fact]
    public void The_about_topics_code_fits_80_columns_once_indented()
    {
        string about = File.ReadAllText(RepositoryPaths.Get("docs", "about_DeepSeekV4.md")).ReplaceLineEndings("\n");
        foreach (Match block in CodeBlock().Matches(about))
        {
            foreach (var line in block.Groups[1].Value.Split('\n'))
                Assert.True(line.Length <= 76, $"about_DeepSeekV4: a code line of {line.Length} characters (76 at most, indented by 4 in the help text): {line}");
        }
    }

    private static string Between(string text, string from, string to)
    {
        int a = text.IndexOf(from, StringComparison.Ordinal) + from.Length;
        int b = text.IndexOf(to, a, StringComparison.Ordinal);
        return text[a..b].Trim();
    }

    [GeneratedRegex(@"^### -(\w+)\n.*?```yaml\n(.*?)```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex ParameterSection();

    [GeneratedRegex(@"^```[a-z]*\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CodeBlock();

    /// <summary>The tiny demo model (dsv4 make-model --preset tiny) or the dsv4-tiny fixture.</summary>
    [GeneratedRegex(@"demo\.gguf|dsv4-tiny|--preset tiny")]
    private static partial Regex TinyModel();

    [GeneratedRegex(@"-ContextLength\s+(\d+)([KkMm]?)\b")]
    private static partial Regex ContextLength();

    [GeneratedRegex(@"```powershell\n")]
    private static partial Regex ExampleCode();
}
