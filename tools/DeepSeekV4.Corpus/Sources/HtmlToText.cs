using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace DeepSeekV4.Corpus.Sources;

/// <summary>
/// Turns a documentation page's HTML into paragraphs of text: drops head, script, style and the navigation parts of
/// Sphinx and DocBook pages (related/sidebar/footer, navheader/navfooter, tables of contents, header links), ends a
/// paragraph at every block element, keeps the line breaks of &lt;pre&gt; blocks, decodes entities.
/// </summary>
public static partial class HtmlToText
{
    private static readonly HashSet<string> DroppedElements = new(StringComparer.Ordinal) { "head", "script", "style", "nav", "noscript", "template" };

    private static readonly string[] DroppedClasses =
        ["related", "sphinxsidebar", "footer", "navheader", "navfooter", "docnav", "toc", "headerlink", "breadcrumbs", "mobile-nav", "skip-link", "navigation"];

    private static readonly string[] DroppedIds = ["banner"]; // publican's "Download the ebook" bar

    private static readonly HashSet<string> BlockElements = new(StringComparer.Ordinal)
    {
        "p", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
        "pre", "table", "tr", "blockquote", "title", "body", "figure", "figcaption", "caption", "hr", "main", "header", "aside",
    };

    [GeneratedRegex(@"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?[^>]*>|<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>""']|""[^""]*""|'[^']*')*)>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    [GeneratedRegex(@"\bclass\s*=\s*(?:""([^""]*)""|'([^']*)'|([^\s>]+))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClassAttribute();

    [GeneratedRegex(@"\bid\s*=\s*[""']?([^""'\s>]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IdAttribute();

    [GeneratedRegex(@"[ \t\r\n\f\v\u00A0]+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    public static string Convert(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var output = new StringBuilder(html.Length / 2);
        string? skipping = null; // the element whose content is being dropped
        int skipDepth = 0;
        int preDepth = 0;
        int at = 0;
        foreach (Match m in Tag().Matches(html))
        {
            if (skipping == null) AppendText(output, html.AsSpan(at, m.Index - at), preDepth > 0);
            at = m.Index + m.Length;
            if (!m.Groups[2].Success) continue; // comment, doctype, processing instruction
            bool closing = m.Groups[1].Length > 0;
            string name = m.Groups[2].Value.ToLowerInvariant();
            string attributes = m.Groups[3].Value;
            bool selfClosing = attributes.EndsWith('/');
            if (skipping != null)
            {
                if (name == skipping && !selfClosing) skipDepth += closing ? -1 : 1;
                if (skipDepth == 0) skipping = null;
                continue;
            }
            if (!closing && !selfClosing && !IsVoid(name) && (DroppedElements.Contains(name) || HasDroppedClass(attributes)))
            {
                skipping = name;
                skipDepth = 1;
                continue;
            }
            if (name == "pre") preDepth = Math.Max(0, preDepth + (closing ? -1 : 1));
            if (name == "br") output.Append('\n');
            else if (BlockElements.Contains(name)) output.Append("\n\n");
            else if (name is "td" or "th" && !closing) output.Append(' ');
        }
        if (skipping == null) AppendText(output, html.AsSpan(at), preDepth > 0);
        return output.ToString();
    }

    private static void AppendText(StringBuilder output, ReadOnlySpan<char> raw, bool preformatted)
    {
        if (raw.IsEmpty) return;
        string text = WebUtility.HtmlDecode(raw.ToString());
        if (preformatted)
        {
            output.Append(text.Replace("\r\n", "\n", StringComparison.Ordinal));
            return;
        }
        text = Whitespace().Replace(text, " ");
        if (output.Length == 0 || output[^1] == '\n') text = text.TrimStart(); // no indentation from the markup's own line breaks
        output.Append(text);
    }

    private static bool HasDroppedClass(string attributes)
    {
        if (IdAttribute().Match(attributes) is { Success: true } id && DroppedIds.Contains(id.Groups[1].Value, StringComparer.Ordinal)) return true;
        var m = ClassAttribute().Match(attributes);
        if (!m.Success) return false;
        string value = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value;
        foreach (string cls in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (DroppedClasses.Contains(cls, StringComparer.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static bool IsVoid(string name) =>
        name is "br" or "hr" or "img" or "input" or "meta" or "link" or "area" or "base" or "col" or "embed" or "source" or "wbr";
}
