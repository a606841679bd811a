using System.Xml.Linq;

namespace DeepSeekV4.PowerShell.Tests.Help;

/// <summary>The help builder on small pages written here: what MAML and about text it makes, and what it refuses.</summary>
public class HelpBuilderTests
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private const string FrontMatter = """
        ---
        external help file: Thing.dll-Help.xml
        Module Name: Thing
        online version:
        schema: 2.0.0
        ---

        """;

    private static string Yaml(string sets, string required, string position, string pipeline = "False", string type = "String", string aliases = "") => $"""
        ```yaml
        Type: {type}
        Parameter Sets: {sets}
        Aliases: {aliases}

        Required: {required}
        Position: {position}
        Default value: None
        Accept pipeline input: {pipeline}
        Accept wildcard characters: False
        ```
        """;

    /// <summary>Get-Thing: two parameter sets (ByName default, ById), a switch in both, two examples.</summary>
    private static string TwoSetPage(string? nameYaml = null, bool synopsis = true) => FrontMatter + $$"""
        # Get-Thing

        {{(synopsis ? "## SYNOPSIS\nGets things by *name* or `id`.\n" : "")}}
        ## SYNTAX

        ### ByName (Default)
        ```
        Get-Thing [-Name] <String> [-Force] [<CommonParameters>]
        ```

        ### ById
        ```
        Get-Thing -Id <Int32> [-Force] [<CommonParameters>]
        ```

        ## DESCRIPTION
        First paragraph of the description,
        over two lines.

        Second paragraph.

        ## EXAMPLES

        ### Example 1: By name
        ```powershell
        PS> Get-Thing -Name a
        PS> Get-Thing b
        ```

        Gets a, then b.

        - a list item

        ```
        Name
        ----
        a
        ```

        ### Example 2: By id
        ```powershell
        PS> 7 | Get-Thing
        ```

        ## PARAMETERS

        ### -Force
        Forces it.

        {{Yaml("(All)", "False", "Named", type: "SwitchParameter")}}

        ### -Id
        The thing's id.

        {{Yaml("ById", "True", "Named", pipeline: "True (ByValue)", type: "Int32", aliases: "Key, K")}}

        ### -Name
        The thing's name.

        {{nameYaml ?? Yaml("ByName", "True", "0")}}

        ### CommonParameters
        This cmdlet supports the common parameters.

        ## INPUTS

        ### System.Int32
        An id.

        ## OUTPUTS

        ### Thing.Item
        The things.

        ## NOTES
        A note.

        ## RELATED LINKS

        [Set-Thing](Set-Thing.md)

        [Online](https://example.org/thing)
        """;

    private static XElement BuildOne(string page)
    {
        using var run = new HelpBuilderRun().Page("Get-Thing.md", page);
        var (exit, _, stderr) = run.Run();
        Assert.True(exit == 0, stderr);
        var doc = XDocument.Load(Path.Combine(run.OutDir, "Thing.dll-Help.xml"));
        Assert.Equal("helpItems", doc.Root!.Name.LocalName);
        Assert.Equal("http://msh", doc.Root.Name.NamespaceName);
        return Assert.Single(doc.Root.Elements(Command + "command"));
    }

    private static string Text(XElement? e) => string.Join("\n", e!.Elements(Maml + "para").Select(p => p.Value));

    [Fact]
    public void Details_and_description_come_from_the_synopsis_and_description()
    {
        var command = BuildOne(TwoSetPage());
        var details = command.Element(Command + "details")!;
        Assert.Equal("Get-Thing", details.Element(Command + "name")!.Value);
        Assert.Equal("Get", details.Element(Command + "verb")!.Value);
        Assert.Equal("Thing", details.Element(Command + "noun")!.Value);
        Assert.Equal("Gets things by name or id.", Text(details.Element(Maml + "description")));
        Assert.Equal("First paragraph of the description, over two lines.\nSecond paragraph.", Text(command.Element(Maml + "description")));
        Assert.Equal("A note.", Text(command.Element(Maml + "alertSet")!.Element(Maml + "alert")));
    }

    [Fact]
    public void Each_parameter_set_is_a_syntax_item_with_its_own_parameters_in_syntax_order()
    {
        var command = BuildOne(TwoSetPage());
        var items = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(2, items.Count);
        string[] Names(XElement item) => [.. item.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value)];
        Assert.Equal(["Name", "Force"], Names(items[0]));
        Assert.Equal(["Id", "Force"], Names(items[1]));

        var name = items[0].Elements(Command + "parameter").First();
        Assert.Equal("true", name.Attribute("required")!.Value);
        Assert.Equal("0", name.Attribute("position")!.Value);
        Assert.Equal("String", name.Element(Command + "parameterValue")!.Value);
        // A switch has no value placeholder in the syntax ([-Force], not [-Force <SwitchParameter>]).
        Assert.Null(items[0].Elements(Command + "parameter").Last().Element(Command + "parameterValue"));
        var id = items[1].Elements(Command + "parameter").First();
        Assert.Equal("named", id.Attribute("position")!.Value);
        Assert.Equal("True (ByValue)", id.Attribute("pipelineInput")!.Value);
        Assert.Equal("Key, K", id.Attribute("aliases")!.Value);
    }

    [Fact]
    public void Parameters_carry_their_descriptions_types_and_binding()
    {
        var command = BuildOne(TwoSetPage());
        var parameters = command.Element(Command + "parameters")!.Elements(Command + "parameter")
            .ToDictionary(p => p.Element(Maml + "name")!.Value);
        Assert.Equal(["Force", "Id", "Name"], parameters.Keys.Order());
        Assert.Equal("Forces it.", Text(parameters["Force"].Element(Maml + "description")));
        Assert.Equal("The thing's id.", Text(parameters["Id"].Element(Maml + "description")));
        Assert.Equal("The thing's name.", Text(parameters["Name"].Element(Maml + "description")));
        Assert.Equal("Int32", parameters["Id"].Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("false", parameters["Force"].Attribute("required")!.Value);
        Assert.Equal("false", parameters["Name"].Attribute("globbing")!.Value);
        Assert.Equal("None", parameters["Name"].Element(Dev + "defaultValue")!.Value);
    }

    [Fact]
    public void Example_code_is_the_first_code_block_and_everything_after_it_is_remarks()
    {
        var command = BuildOne(TwoSetPage());
        var examples = command.Element(Command + "examples")!.Elements(Command + "example").ToList();
        Assert.Equal(2, examples.Count);
        Assert.Contains("Example 1: By name", examples[0].Element(Maml + "title")!.Value);
        Assert.Equal("PS> Get-Thing -Name a\nPS> Get-Thing b", examples[0].Element(Dev + "code")!.Value);
        Assert.Equal(["Gets a, then b.", "- a list item", "Name\n----\na"],
            examples[0].Element(Dev + "remarks")!.Elements(Maml + "para").Select(p => p.Value));
        Assert.Equal("PS> 7 | Get-Thing", examples[1].Element(Dev + "code")!.Value);
        Assert.Empty(examples[1].Element(Dev + "remarks")!.Elements());
    }

    [Fact]
    public void Inputs_outputs_and_links_are_written()
    {
        var command = BuildOne(TwoSetPage());
        var input = Assert.Single(command.Element(Command + "inputTypes")!.Elements(Command + "inputType"));
        Assert.Equal("System.Int32", input.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("An id.", Text(input.Element(Maml + "description")));
        var output = Assert.Single(command.Element(Command + "returnValues")!.Elements(Command + "returnValue"));
        Assert.Equal("Thing.Item", output.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        var links = command.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink")
            .Select(l => (l.Element(Maml + "linkText")!.Value, l.Element(Maml + "uri")!.Value));
        Assert.Equal([("Set-Thing", ""), ("Online", "https://example.org/thing")], links);
    }

    [Fact]
    public void A_parameter_without_a_yaml_block_is_refused_naming_the_file_and_section()
    {
        using var run = new HelpBuilderRun().Page("Get-Thing.md", TwoSetPage(nameYaml: "No yaml here."));
        var (exit, _, stderr) = run.Run();
        Assert.Equal(1, exit);
        Assert.Contains("Get-Thing.md", stderr);
        Assert.Contains("## PARAMETERS, ### -Name", stderr);
        Assert.Contains("yaml", stderr);
        Assert.False(Directory.Exists(run.OutDir) && Directory.EnumerateFiles(run.OutDir).Any(), "nothing is written when a page is bad");
    }

    [Fact]
    public void A_page_without_a_synopsis_is_refused_naming_the_file_and_section()
    {
        using var run = new HelpBuilderRun().Page("Get-Thing.md", TwoSetPage(synopsis: false));
        var (exit, _, stderr) = run.Run();
        Assert.Equal(1, exit);
        Assert.Contains("Get-Thing.md", stderr);
        Assert.Contains("## SYNOPSIS", stderr);
    }

    [Fact]
    public void A_yaml_block_without_a_position_is_refused()
    {
        string yaml = Yaml("ByName", "True", "0").Replace("Position: 0\n", "");
        using var run = new HelpBuilderRun().Page("Get-Thing.md", TwoSetPage(nameYaml: yaml));
        var (exit, _, stderr) = run.Run();
        Assert.Equal(1, exit);
        Assert.Contains("### -Name", stderr);
        Assert.Contains("'Position'", stderr);
    }

    [Fact]
    public void A_syntax_line_naming_an_undocumented_parameter_is_refused()
    {
        string page = TwoSetPage().Replace("Get-Thing -Id <Int32> [-Force]", "Get-Thing -Id <Int32> [-Force] [-Quiet]");
        using var run = new HelpBuilderRun().Page("Get-Thing.md", page);
        var (exit, _, stderr) = run.Run();
        Assert.Equal(1, exit);
        Assert.Contains("## SYNTAX, ### ById", stderr);
        Assert.Contains("-Quiet", stderr);
    }

    [Fact]
    public void Wrong_arguments_print_the_usage()
    {
        var (exit, _, stderr) = HelpBuilderRun.Run("only-one");
        Assert.Equal(2, exit);
        Assert.Contains("<docsDir> <outDir>", stderr);
    }

    private const string AboutPage = """
        # about_Thing

        ## SHORT DESCRIPTION

        Things, briefly.

        ## LONG DESCRIPTION

        The Thing module keeps things. This paragraph is long enough that it has to be wrapped at eighty columns, more than once, to fit a console window.

        ```powershell
        Get-Thing -Name a | Set-Thing
        ```

        ### Kinds

        - Small: a list item long enough to wrap onto a second line, which is indented under the text of the item.
        - Large.

        ## SEE ALSO

        - Get-Thing
        """;

    [Fact]
    public void About_topic_is_plain_text_in_the_about_convention_wrapped_at_80_columns()
    {
        using var run = new HelpBuilderRun().Page("about_Thing.md", AboutPage);
        var (exit, _, stderr) = run.Run();
        Assert.True(exit == 0, stderr);
        var lines = File.ReadAllLines(Path.Combine(run.OutDir, "about_Thing.help.txt"));
        Assert.Equal(["TOPIC", "    about_Thing", "", "SHORT DESCRIPTION", "    Things, briefly.", "", "LONG DESCRIPTION"], lines[..7]);
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        // The long paragraph is cut into several lines, all indented, with no word lost or split.
        var paragraph = lines.Skip(7).TakeWhile(l => l.Length > 0).ToList();
        Assert.True(paragraph.Count >= 2);
        Assert.All(paragraph, l => Assert.StartsWith("    ", l));
        Assert.Equal("The Thing module keeps things. This paragraph is long enough that it has to be wrapped at eighty columns, more than once, to fit a console window.",
            string.Join(" ", paragraph.Select(l => l.Trim())));
        Assert.Contains("    Get-Thing -Name a | Set-Thing", lines);
        int kinds = Array.IndexOf(lines, "    Kinds");
        Assert.True(kinds > 0);
        Assert.Equal("    -----", lines[kinds + 1]);
        int item = Array.FindIndex(lines, l => l.StartsWith("    - Small:"));
        Assert.StartsWith("      ", lines[item + 1]);
        Assert.Contains("SEE ALSO", lines);
        Assert.Contains("    - Get-Thing", lines);
    }
}
