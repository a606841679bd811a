using System.Management.Automation;
using System.Text.RegularExpressions;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>
/// Get-Help in a real runspace, with the module imported from the repository's manifest, shows what docs/ says: the
/// build writes en-US/ beside the manifest, and this reads it back the way a user does. The expected text is read
/// from the markdown here, with regular expressions, independently of the help builder.
/// </summary>
public partial class GetHelpHostTests : IClassFixture<GetHelpHostTests.SharedHost>
{
    public sealed class SharedHost : IDisposable
    {
        public PowerShellHost Host { get; } = new();

        public void Dispose() => Host.Dispose();
    }

    private readonly PowerShellHost _host;

    public GetHelpHostTests(SharedHost shared) => _host = shared.Host;

    public static TheoryData<string> CmdletNames => [.. CmdletSurfaceTests.Designed];

    private static string Doc(string cmdlet) => File.ReadAllText(RepositoryPaths.Get("docs", cmdlet + ".md")).ReplaceLineEndings("\n");

    /// <summary>Text as help shows it: markdown's emphasis and code marks gone, whitespace runs as one space.</summary>
    private static string Plain(string text) => Whitespace().Replace(text.Replace("`", "").Replace("*", ""), " ").Trim();

    private static string Section(string doc, string heading)
    {
        var m = Regex.Match(doc, $@"\n## {Regex.Escape(heading)}\n(.*?)(?=\n## |\z)", RegexOptions.Singleline);
        Assert.True(m.Success, $"no ## {heading}");
        return m.Groups[1].Value;
    }

    private PSObject Help(string cmdlet)
    {
        var run = _host.Run("Get-Help -Name $args[0] -Full", cmdlet).Succeeded();
        return Assert.Single(run.Output);
    }

    /// <summary>A help property that holds one object or several, as a list.</summary>
    private static List<PSObject> Items(object? value) =>
        value is null ? [] : [.. (LanguagePrimitives.GetEnumerable(value)?.Cast<object>() ?? [value]).Select(PSObject.AsPSObject)];

    private static string ParasText(object? description) =>
        Plain(string.Join(" ", Items(description).Select(p => p.Properties["Text"]?.Value?.ToString() ?? "")));

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Full_help_shows_the_synopsis_and_description_of_the_page(string name)
    {
        string doc = Doc(name);
        var help = Help(name);
        Assert.Equal(Plain(Section(doc, "SYNOPSIS")), Plain(help.Properties["Synopsis"].Value.ToString()!));
        Assert.Equal(Plain(Section(doc, "DESCRIPTION")), ParasText(help.Properties["description"].Value));

        // And the rendered -Full text, as the console shows it.
        string rendered = Plain(string.Concat(_host.Run("Get-Help -Name $args[0] -Full | Out-String -Width 10000", name).Succeeded().Output));
        Assert.Contains(Plain(Section(doc, "SYNOPSIS")), rendered);
        foreach (var paragraph in Section(doc, "DESCRIPTION").Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            Assert.Contains(Plain(paragraph), rendered);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Full_help_describes_every_parameter_as_the_page_does(string name)
    {
        var expected = ParameterDescription().Matches(Section(Doc(name), "PARAMETERS"))
            .ToDictionary(m => m.Groups[1].Value, m => Plain(m.Groups[2].Value));
        Assert.NotEmpty(expected);
        var help = Help(name);
        var parameters = Items(((PSObject)help.Properties["parameters"].Value).Properties["parameter"].Value)
            .ToDictionary(p => p.Properties["name"].Value.ToString()!, p => ParasText(p.Properties["description"].Value));
        Assert.Equal(expected.Keys.Order(), parameters.Keys.Order());
        foreach (var (parameter, description) in expected)
        {
            Assert.True(description.Length > 10, $"{name} -{parameter}: no description in the page");
            Assert.Equal(description, parameters[parameter]);
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Full_help_shows_the_pages_examples_at_least_two(string name)
    {
        var expected = ExampleSection().Matches(Section(Doc(name), "EXAMPLES"))
            .Select(m => (Title: m.Groups[1].Value.Trim(), Code: m.Groups[2].Value.TrimEnd())).ToList();
        Assert.True(expected.Count >= 2, $"{name}: fewer than two examples in the page");
        var help = Help(name);
        var examples = Items(((PSObject)help.Properties["examples"].Value).Properties["example"].Value);
        Assert.Equal(expected.Count, examples.Count);
        foreach (var (e, shown) in expected.Zip(examples))
        {
            Assert.Contains(e.Title, shown.Properties["title"].Value.ToString());
            Assert.Equal(e.Code, shown.Properties["code"].Value.ToString()!.ReplaceLineEndings("\n"));
        }
    }

    [Fact]
    public void The_about_topic_is_found()
    {
        var run = _host.Run("Get-Help -Name about_DeepSeekV4 | Out-String -Width 200").Succeeded();
        string text = string.Concat(run.Output);
        string markdown = File.ReadAllText(RepositoryPaths.Get("docs", "about_DeepSeekV4.md")).ReplaceLineEndings("\n");
        Assert.Contains("about_DeepSeekV4", text);
        Assert.Contains("SHORT DESCRIPTION", text);
        Assert.Contains("LONG DESCRIPTION", text);
        Assert.Contains(Plain(Section(markdown, "SHORT DESCRIPTION")), Plain(text));
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>"### -Name", the description, then its yaml block.</summary>
    [GeneratedRegex(@"^### -(\w+)\n(.*?)\n```yaml\n", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex ParameterDescription();

    /// <summary>"### Example ...", then the first fenced code block of the example.</summary>
    [GeneratedRegex(@"^### (Example[^\n]*)\n.*?```[a-z]*\n(.*?)```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex ExampleSection();
}
