using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 tokenize --vocab FILE --jsonl IN --out OUT`: one {"text","ids"} line per input line, in order;
/// `dsv4 tokenize --vocab FILE --text "..."`: the ids of one string, comma-separated on one line.
/// No BOS is inserted; added tokens in the text (e.g. &lt;｜User｜&gt;) are parsed.
/// </summary>
public sealed class TokenizeCommand : ICliCommand
{
    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Name => "tokenize";
    public string Usage => "tokenize --vocab FILE (--jsonl IN [--out OUT] | --text TEXT)";

    public int Run(CliArguments args, TextWriter output)
    {
        string? text = args.Get("text");
        string? jsonl = args.Get("jsonl");
        string? outPath = args.Get("out");
        args.Get("vocab");
        TokenizerFileLoader.RejectUnknownOptions(args);
        if ((text == null) == (jsonl == null)) throw new CliUsageException("give either --text TEXT or --jsonl IN");
        if (text != null && outPath != null) throw new CliUsageException("--out goes with --jsonl");
        var tokenizer = TokenizerFileLoader.Load(args);

        if (text != null)
        {
            output.WriteLine(string.Join(",", tokenizer.Encode(text, parseSpecialTokens: true)));
            return 0;
        }

        using var reader = new StreamReader(jsonl!, Encoding.UTF8);
        using var file = outPath == null ? null : new StreamWriter(outPath, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        var sink = file ?? output;
        var ids = new List<int>();
        var buffer = new MemoryStream();
        int lineNumber = 0, written = 0;
        long tokens = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string input = ReadText(line, jsonl!, lineNumber);
            ids.Clear();
            tokenizer.Encode(input, ids, parseSpecialTokens: true);
            sink.WriteLine(FormatLine(input, ids, buffer));
            written++;
            tokens += ids.Count;
        }
        if (file != null) output.WriteLine($"{written} texts, {tokens} tokens -> {outPath}");
        return 0;
    }

    private static string ReadText(string line, string path, int lineNumber)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                return t.GetString()!;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{lineNumber}: not a JSON object: {e.Message}");
        }
        throw new InvalidDataException($"{path}:{lineNumber}: expected a JSON object with a string \"text\" field");
    }

    private static string FormatLine(string text, List<int> ids, MemoryStream buffer)
    {
        buffer.SetLength(0);
        using (var w = new Utf8JsonWriter(buffer, LineOptions))
        {
            w.WriteStartObject();
            w.WriteString("text", text);
            w.WriteStartArray("ids");
            foreach (int id in ids) w.WriteNumberValue(id);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
