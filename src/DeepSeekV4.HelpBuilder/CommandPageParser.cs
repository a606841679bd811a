using System.Text.RegularExpressions;
using Markdig.Syntax;

namespace DeepSeekV4.HelpBuilder;

/// <summary>Reads a cmdlet page in PlatyPS's markdown schema into a <see cref="CommandHelp"/>, refusing pages that break it.</summary>
public static partial class CommandPageParser
{
    private static readonly string[] KnownSections =
        ["SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS"];

    public static CommandHelp Parse(string file, string markdown) => Parse(MarkdownPage.Parse(file, markdown));

    public static CommandHelp Parse(MarkdownPage page)
    {
        string file = page.File;
        string name = page.Title ?? throw new HelpFormatException(file, "# <cmdlet name>", "the page has no level-1 heading naming the cmdlet");
        foreach (var s in page.Sections)
        {
            if (!KnownSections.Contains(s.Heading))
                throw new HelpFormatException(file, "## " + s.Heading, $"not a section of the schema ({string.Join(", ", KnownSections)})", s.Line);
        }

        var synopsisSection = Required(page, "SYNOPSIS");
        string synopsis = string.Join(" ", MarkdownText.Paragraphs(synopsisSection.Blocks));
        if (synopsis.Length == 0) throw new HelpFormatException(file, "## SYNOPSIS", "the synopsis is empty", synopsisSection.Line);

        var descriptionSection = Required(page, "DESCRIPTION");
        var description = MarkdownText.Paragraphs(descriptionSection.Blocks);
        if (description.Count == 0) throw new HelpFormatException(file, "## DESCRIPTION", "the description is empty", descriptionSection.Line);

        var syntax = Syntax(file, Required(page, "SYNTAX"));
        var parameters = Parameters(file, Required(page, "PARAMETERS"));
        CheckSyntaxAgainstParameters(file, syntax, parameters);

        return new CommandHelp(
            name,
            synopsis,
            description,
            syntax,
            parameters,
            Types(file, page.Find("INPUTS")),
            Types(file, page.Find("OUTPUTS")),
            page.Find("NOTES") is { } notes ? MarkdownText.Paragraphs(notes.Blocks) : [],
            Examples(file, Required(page, "EXAMPLES")),
            Links(page.Find("RELATED LINKS")),
            page.FrontMatter.GetValueOrDefault("online version") is { Length: > 0 } online ? online : null);
    }

    private static MarkdownPage.Section Required(MarkdownPage page, string heading) =>
        page.Find(heading) ?? throw new HelpFormatException(page.File, "## " + heading, "the section is missing", page.TitleLine);

    private static List<SyntaxSet> Syntax(string file, MarkdownPage.Section section)
    {
        var sets = new List<SyntaxSet>();
        foreach (var (heading, blocks) in MarkdownPage.Subsections(section))
        {
            var code = blocks.OfType<CodeBlock>().FirstOrDefault();
            if (heading == null)
            {
                if (code == null) continue;
                sets.Add(new SyntaxSet(SyntaxSet.AllSets, true, ParameterNames(MarkdownText.CodeOf(code))));
                continue;
            }
            string title = MarkdownText.Of(heading.Inline);
            if (code == null) throw new HelpFormatException(file, $"## SYNTAX, ### {title}", "no code block with the syntax line", heading.Line);
            bool isDefault = title.EndsWith("(Default)", StringComparison.OrdinalIgnoreCase);
            string setName = isDefault ? title[..^"(Default)".Length].Trim() : title;
            sets.Add(new SyntaxSet(setName, isDefault, ParameterNames(MarkdownText.CodeOf(code))));
        }
        if (sets.Count == 0) throw new HelpFormatException(file, "## SYNTAX", "no syntax code block", section.Line);
        return sets;
    }

    /// <summary>The parameter names a syntax line lists ("[-Path] &lt;String[]&gt; [-Force]"), in order.</summary>
    private static List<string> ParameterNames(string syntaxLine) =>
        [.. SyntaxParameter().Matches(syntaxLine).Select(m => m.Groups[1].Value).Distinct()];

    private static List<ParameterHelp> Parameters(string file, MarkdownPage.Section section)
    {
        var parameters = new List<ParameterHelp>();
        foreach (var (heading, blocks) in MarkdownPage.Subsections(section))
        {
            if (heading == null) continue;
            string title = MarkdownText.Of(heading.Inline);
            if (title is "CommonParameters" or "WorkflowParameters") continue;
            string where = $"## PARAMETERS, ### {title}";
            if (!title.StartsWith('-') || title.Length < 2)
                throw new HelpFormatException(file, where, "a parameter heading must be '### -Name'", heading.Line);
            string name = title[1..];

            var yamlBlocks = blocks.OfType<FencedCodeBlock>().Where(c => c.Info == "yaml").ToList();
            if (yamlBlocks.Count == 0) throw new HelpFormatException(file, where, "no ```yaml block with the parameter's Type, Parameter Sets, Required, Position", heading.Line);
            var descriptionBlocks = blocks.TakeWhile(b => !(b is FencedCodeBlock { Info: "yaml" }));
            var description = MarkdownText.Paragraphs(descriptionBlocks);
            if (description.Count == 0) throw new HelpFormatException(file, where, "the parameter has no description", heading.Line);

            string? type = null;
            var usages = new List<ParameterUsage>();
            foreach (var yaml in yamlBlocks)
            {
                var (t, usage) = ParameterYaml.Read(MarkdownText.CodeOf(yaml), problem => new HelpFormatException(file, where, problem, yaml.Line));
                if (type != null && t != type) throw new HelpFormatException(file, where, $"yaml blocks disagree on the Type ({type}, {t})", yaml.Line);
                type = t;
                usages.Add(usage);
            }
            parameters.Add(new ParameterHelp(name, description, type!, usages));
        }
        return parameters;
    }

    private static void CheckSyntaxAgainstParameters(string file, List<SyntaxSet> syntax, List<ParameterHelp> parameters)
    {
        var setNames = syntax.Select(s => s.Name).ToHashSet();
        foreach (var p in parameters)
        {
            foreach (var set in p.Usages.SelectMany(u => u.Sets))
            {
                if (!setNames.Contains(set) && !setNames.Contains(SyntaxSet.AllSets))
                    throw new HelpFormatException(file, $"## PARAMETERS, ### -{p.Name}", $"names parameter set '{set}', which ## SYNTAX does not list");
            }
        }
        foreach (var set in syntax)
        {
            foreach (var name in set.ParameterOrder)
            {
                var p = parameters.FirstOrDefault(x => x.Name == name);
                string where = set.Name == SyntaxSet.AllSets ? "## SYNTAX" : $"## SYNTAX, ### {set.Name}";
                if (p == null) throw new HelpFormatException(file, where, $"-{name} has no '### -{name}' section in ## PARAMETERS");
                if (p.UsageIn(set.Name) == null) throw new HelpFormatException(file, where, $"-{name} is listed, but its Parameter Sets do not include '{set.Name}'");
            }
        }
    }

    private static List<ExampleHelp> Examples(string file, MarkdownPage.Section section)
    {
        var examples = new List<ExampleHelp>();
        foreach (var (heading, blocks) in MarkdownPage.Subsections(section))
        {
            if (heading == null) continue;
            string title = MarkdownText.Of(heading.Inline);
            var code = blocks.OfType<CodeBlock>().FirstOrDefault()
                ?? throw new HelpFormatException(file, $"## EXAMPLES, ### {title}", "the example has no code block", heading.Line);
            var remarks = MarkdownText.Paragraphs(blocks.Where(b => b != code));
            examples.Add(new ExampleHelp(title, MarkdownText.CodeOf(code), remarks));
        }
        if (examples.Count == 0) throw new HelpFormatException(file, "## EXAMPLES", "no '### Example' section", section.Line);
        return examples;
    }

    private static List<TypeHelp> Types(string file, MarkdownPage.Section? section)
    {
        if (section == null) return [];
        var types = new List<TypeHelp>();
        foreach (var (heading, blocks) in MarkdownPage.Subsections(section))
        {
            if (heading == null)
            {
                if (MarkdownText.Paragraphs(blocks).Count > 0)
                    throw new HelpFormatException(file, "## " + section.Heading, "text before the first '### TypeName' heading", section.Line);
                continue;
            }
            types.Add(new TypeHelp(MarkdownText.Of(heading.Inline), MarkdownText.Paragraphs(blocks)));
        }
        return types;
    }

    private static List<LinkHelp> Links(MarkdownPage.Section? section)
    {
        if (section == null) return [];
        var links = new List<LinkHelp>();
        foreach (var block in section.Blocks.SelectMany(b => b is ContainerBlock c ? c.Descendants<LeafBlock>() : b is LeafBlock l ? [l] : Enumerable.Empty<LeafBlock>()))
        {
            if (block.Inline == null) continue;
            var inlineLinks = block.Inline.Descendants<Markdig.Syntax.Inlines.LinkInline>().Where(l => !l.IsImage).ToList();
            if (inlineLinks.Count == 0)
            {
                string text = MarkdownText.Of(block.Inline);
                if (text.Length > 0) links.Add(new LinkHelp(text, ""));
                continue;
            }
            foreach (var link in inlineLinks)
            {
                string url = link.Url ?? "";
                bool web = url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                links.Add(new LinkHelp(MarkdownText.Of(link), web ? url : ""));
            }
        }
        return links;
    }

    [GeneratedRegex(@"(?<=[\s\[])-([A-Za-z][A-Za-z0-9_]*)")]
    private static partial Regex SyntaxParameter();
}
