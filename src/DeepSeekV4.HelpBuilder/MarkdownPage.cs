using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;

namespace DeepSeekV4.HelpBuilder;

/// <summary>
/// A docs page parsed by Markdig and cut at its headings: the front matter's fields, the "# Title", and the blocks
/// under each "## SECTION".
/// </summary>
public sealed class MarkdownPage
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().Build();

    private MarkdownPage(string file, Dictionary<string, string> frontMatter, string? title, int titleLine, List<Section> sections)
    {
        File = file;
        FrontMatter = frontMatter;
        Title = title;
        TitleLine = titleLine;
        Sections = sections;
    }

    /// <summary>The file, as error messages name it.</summary>
    public string File { get; }

    public IReadOnlyDictionary<string, string> FrontMatter { get; }

    /// <summary>The text of the level-1 heading, or null when the page has none.</summary>
    public string? Title { get; }

    public int TitleLine { get; }

    public IReadOnlyList<Section> Sections { get; }

    /// <summary>A level-2 heading and the blocks up to the next level-1 or level-2 heading.</summary>
    public sealed record Section(string Heading, int Line, List<Block> Blocks);

    public static MarkdownPage Parse(string file, string markdown)
    {
        var document = Markdown.Parse(markdown.Replace("\r\n", "\n"), Pipeline);
        var frontMatter = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? title = null;
        int titleLine = 0;
        var sections = new List<Section>();
        Section? current = null;
        foreach (var block in document)
        {
            switch (block)
            {
                case YamlFrontMatterBlock yaml:
                    foreach (var line in yaml.Lines.ToString().Split('\n'))
                    {
                        var kv = line.Split(':', 2);
                        if (kv.Length == 2) frontMatter[kv[0].Trim()] = kv[1].Trim();
                    }
                    break;
                case HeadingBlock { Level: 1 } h1:
                    if (title != null) throw new HelpFormatException(file, "# " + MarkdownText.Of(h1.Inline), "a second level-1 heading", h1.Line);
                    title = MarkdownText.Of(h1.Inline);
                    titleLine = h1.Line;
                    current = null;
                    break;
                case HeadingBlock { Level: 2 } h2:
                    current = new Section(MarkdownText.Of(h2.Inline), h2.Line, []);
                    sections.Add(current);
                    break;
                default:
                    current?.Blocks.Add(block);
                    break;
            }
        }
        return new MarkdownPage(file, frontMatter, title, titleLine, sections);
    }

    /// <summary>The section under "## <paramref name="heading"/>", or null.</summary>
    public Section? Find(string heading) =>
        Sections.FirstOrDefault(s => string.Equals(s.Heading, heading, StringComparison.OrdinalIgnoreCase));

    /// <summary>Cuts a section's blocks at its level-3 headings: the heading (null for blocks before the first) and its blocks.</summary>
    public static List<(HeadingBlock? Heading, List<Block> Blocks)> Subsections(Section section)
    {
        var parts = new List<(HeadingBlock?, List<Block>)>();
        (HeadingBlock? Heading, List<Block> Blocks) current = (null, []);
        foreach (var block in section.Blocks)
        {
            if (block is HeadingBlock { Level: 3 } h3)
            {
                if (current.Heading != null || current.Blocks.Count > 0) parts.Add(current);
                current = (h3, []);
            }
            else current.Blocks.Add(block);
        }
        if (current.Heading != null || current.Blocks.Count > 0) parts.Add(current);
        return parts;
    }
}
