namespace DeepSeekV4.Cli.Serving;

/// <summary>
/// Splits streamed text of a thinking completion into reasoning (before "&lt;/think&gt;") and answer (after it, leading
/// whitespace dropped), the same split the engine makes for the final result. The marker may arrive across chunks.
/// </summary>
public sealed class ThinkingSplitter(bool thinking)
{
    private const string End = "</think>";
    private string _held = "";
    private bool _answering = !thinking;
    private bool _answerStarted = !thinking;

    /// <summary>The reasoning and answer parts of <paramref name="chunk"/> (either may be empty).</summary>
    public (string Reasoning, string Answer) Push(string chunk)
    {
        if (_answering) return ("", Answer(chunk));
        string text = _held + chunk;
        int end = text.IndexOf(End, StringComparison.Ordinal);
        if (end >= 0)
        {
            _held = "";
            _answering = true;
            return (text[..end], Answer(text[(end + End.Length)..]));
        }
        int keep = HeldSuffix(text);
        _held = text[^keep..];
        return (text[..^keep], "");
    }

    /// <summary>What is still held at the end (a partial marker that never completed is reasoning).</summary>
    public string Flush()
    {
        string rest = _held;
        _held = "";
        return rest;
    }

    private string Answer(string text)
    {
        if (_answerStarted) return text;
        text = text.TrimStart();
        if (text.Length > 0) _answerStarted = true;
        return text;
    }

    /// <summary>The longest suffix of <paramref name="text"/> that could begin the marker.</summary>
    private static int HeldSuffix(string text)
    {
        for (int n = Math.Min(End.Length - 1, text.Length); n > 0; n--)
        {
            if (End.StartsWith(text[^n..], StringComparison.Ordinal)) return n;
        }
        return 0;
    }
}
