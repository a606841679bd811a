using Markdig.Syntax;

namespace DeepSeekV4.HelpBuilder;

/// <summary>
/// Turns an about_ page (docs/about_X.md: "# about_X", "## SHORT DESCRIPTION", "## LONG DESCRIPTION", other "##"
/// sections) into the plain text of about_X.help.txt: section names in capitals at the margin, text indented by
/// four and wrapped at 80 columns, "###" headings underlined, code kept as written, list items with a hanging indent.
/// </summary>
public static class AboutTopicWriter
{
    public const int Width = 80;
    private const string Indent = "    ";

    public static string Render(string file, string markdown) => Render(MarkdownPage.Parse(file, markdown));

    public static string Render(MarkdownPage page)
    {
        string topic = page.Title ?? throw new HelpFormatException(page.File, "# about_<topic>", "the page has no level-1 heading naming the topic");
        if (!topic.StartsWith("about_", StringComparison.Ordinal))
            throw new HelpFormatException(page.File, "# " + topic, "an about topic's title must start with 'about_'", page.TitleLine);
        foreach (var required in new[] { "SHORT DESCRIPTION", "LONG DESCRIPTION" })
        {
            var section = page.Find(required) ?? throw new HelpFormatException(page.File, "## " + required, "the section is missing", page.TitleLine);
            if (MarkdownText.Paragraphs(section.Blocks).Count == 0) throw new HelpFormatException(page.File, "## " + required, "the section is empty", section.Line);
        }

        var lines = new List<string> { "TOPIC", Indent + topic };
        foreach (var section in page.Sections)
        {
            lines.Add("");
            lines.Add(section.Heading.ToUpperInvariant());
            bool firstBlock = true;
            foreach (var block in section.Blocks)
            {
                if (!firstBlock) lines.Add("");
                firstBlock = false;
                AddBlock(lines, block, Indent);
            }
        }
        return string.Join("\n", lines) + "\n";
    }

    private static void AddBlock(List<string> lines, Block block, string indent)
    {
        switch (block)
        {
            case HeadingBlock heading:
                string title = MarkdownText.Of(heading.Inline);
                lines.Add(indent + title);
                lines.Add(indent + new string('-', title.Length));
                break;
            case CodeBlock code:
                lines.AddRange(MarkdownText.CodeOf(code).Split('\n').Select(l => (indent + l).TrimEnd()));
                break;
            case ListBlock list:
                int number = int.TryParse(list.OrderedStart, out int start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    string marker = list.IsOrdered ? $"{number++}. " : "- ";
                    string text = string.Join(" ", MarkdownText.Paragraphs(item));
                    lines.AddRange(TextWrapper.Wrap(text, Width, indent + marker, indent + new string(' ', marker.Length)));
                }
                break;
            case QuoteBlock quote:
                foreach (var child in quote) AddBlock(lines, child, indent + "  ");
                break;
            case ThematicBreakBlock:
                break;
            default:
                foreach (var paragraph in MarkdownText.Paragraphs([block]))
                    lines.AddRange(TextWrapper.Wrap(paragraph, Width, indent, indent));
                break;
        }
    }
}
