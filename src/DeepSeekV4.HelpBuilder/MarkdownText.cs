using System.Text;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace DeepSeekV4.HelpBuilder;

/// <summary>Plain text from Markdig's syntax tree: what help shows of headings, paragraphs, lists and code.</summary>
public static class MarkdownText
{
    /// <summary>The text of a heading's or paragraph's inlines: emphasis and code marks dropped, soft breaks as spaces.</summary>
    public static string Of(ContainerInline? inlines)
    {
        if (inlines == null) return "";
        var text = new StringBuilder();
        Append(text, inlines);
        return text.ToString().Trim();
    }

    /// <summary>The text of a leaf block: a paragraph's or heading's inlines, a code block's lines.</summary>
    public static string Of(LeafBlock block) => block switch
    {
        CodeBlock code => CodeOf(code),
        _ => Of(block.Inline),
    };

    /// <summary>The lines of a fenced or indented code block, without the fences.</summary>
    public static string CodeOf(CodeBlock code) => code.Lines.ToString().TrimEnd('\n', '\r', ' ');

    /// <summary>
    /// Blocks as help paragraphs: one per paragraph or code block, one per list item (marked "- " or "1. "),
    /// headings as their text.
    /// </summary>
    public static List<string> Paragraphs(IEnumerable<Block> blocks)
    {
        var paragraphs = new List<string>();
        foreach (var block in blocks) AddParagraphs(paragraphs, block);
        return paragraphs;
    }

    private static void AddParagraphs(List<string> paragraphs, Block block)
    {
        switch (block)
        {
            case ListBlock list:
                int number = int.TryParse(list.OrderedStart, out int start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    string marker = list.IsOrdered ? $"{number++}. " : "- ";
                    paragraphs.Add(marker + string.Join(" ", Paragraphs(item)));
                }
                break;
            case ContainerBlock container:
                foreach (var child in container) AddParagraphs(paragraphs, child);
                break;
            case ThematicBreakBlock:
                break;
            case HtmlBlock html:
                paragraphs.Add(html.Lines.ToString().Trim());
                break;
            case LeafBlock leaf:
                string text = Of(leaf);
                if (text.Length > 0) paragraphs.Add(text);
                break;
        }
    }

    private static void Append(StringBuilder text, ContainerInline container)
    {
        foreach (var inline in container) Append(text, inline);
    }

    private static void Append(StringBuilder text, Inline inline)
    {
        switch (inline)
        {
            case LiteralInline literal:
                text.Append(literal.Content.AsSpan());
                break;
            case CodeInline code:
                text.Append(code.Content);
                break;
            case LineBreakInline lineBreak:
                text.Append(lineBreak.IsHard ? '\n' : ' ');
                break;
            case HtmlEntityInline entity:
                text.Append(entity.Transcoded.AsSpan());
                break;
            case AutolinkInline autolink:
                text.Append(autolink.Url);
                break;
            case HtmlInline html:
                text.Append(html.Tag);
                break;
            case LinkInline link:
                int before = text.Length;
                Append(text, (ContainerInline)link);
                bool web = link.Url is string url && (url.StartsWith("http://") || url.StartsWith("https://"));
                if (web && text.ToString(before, text.Length - before) != link.Url) text.Append(" (").Append(link.Url).Append(')');
                break;
            case ContainerInline container:
                Append(text, container);
                break;
        }
    }
}
