namespace DeepSeekV4.HelpBuilder;

/// <summary>One cmdlet's help, as a docs/&lt;cmdlet&gt;.md page in PlatyPS's schema states it.</summary>
public sealed record CommandHelp(
    string Name,
    string Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<SyntaxSet> Syntax,
    IReadOnlyList<ParameterHelp> Parameters,
    IReadOnlyList<TypeHelp> Inputs,
    IReadOnlyList<TypeHelp> Outputs,
    IReadOnlyList<string> Notes,
    IReadOnlyList<ExampleHelp> Examples,
    IReadOnlyList<LinkHelp> Links,
    string? OnlineVersion)
{
    public string Verb => Name.Split('-', 2)[0];

    public string Noun => Name.Contains('-') ? Name.Split('-', 2)[1] : "";

    /// <summary>The parameters of <paramref name="set"/>, in the order its SYNTAX line gives them.</summary>
    public IEnumerable<(ParameterHelp Parameter, ParameterUsage Usage)> ParametersOf(SyntaxSet set)
    {
        var members = new List<(ParameterHelp, ParameterUsage)>();
        foreach (var p in Parameters)
        {
            var usage = p.UsageIn(set.Name);
            if (usage != null) members.Add((p, usage));
        }
        return members.OrderBy(m =>
        {
            int i = set.ParameterOrder.IndexOf(m.Item1.Name);
            return i < 0 ? int.MaxValue : i;
        });
    }
}

/// <summary>A parameter set from "## SYNTAX": its name and the parameters its syntax line lists, in order.</summary>
public sealed record SyntaxSet(string Name, bool IsDefault, List<string> ParameterOrder)
{
    /// <summary>The set name PlatyPS writes when a cmdlet declares no named set.</summary>
    public const string AllSets = "__AllParameterSets";
}

/// <summary>A "### -Name" section of "## PARAMETERS": the description and one usage per yaml block.</summary>
public sealed record ParameterHelp(string Name, IReadOnlyList<string> Description, string Type, IReadOnlyList<ParameterUsage> Usages)
{
    public bool IsSwitch => Type is "SwitchParameter" or "System.Management.Automation.SwitchParameter";

    public ParameterUsage Primary => Usages[0];

    public ParameterUsage? UsageIn(string set) =>
        Usages.FirstOrDefault(u => u.AllSets || set == SyntaxSet.AllSets || u.Sets.Contains(set));
}

/// <summary>How a parameter binds in some parameter sets (one yaml block).</summary>
public sealed record ParameterUsage(
    IReadOnlyList<string> Sets,
    IReadOnlyList<string> Aliases,
    bool Required,
    int? Position,
    string DefaultValue,
    string PipelineInput,
    bool Globbing,
    IReadOnlyList<string> AcceptedValues)
{
    /// <summary>"Parameter Sets: (All)".</summary>
    public bool AllSets => Sets.Count == 0;
}

/// <summary>A "### Example" section: the title, the first code block, and everything else as remarks.</summary>
public sealed record ExampleHelp(string Title, string Code, IReadOnlyList<string> Remarks);

/// <summary>An input or output type with its description.</summary>
public sealed record TypeHelp(string Name, IReadOnlyList<string> Description);

/// <summary>A related link: the text and, where the link has one, its address.</summary>
public sealed record LinkHelp(string Text, string Uri);
