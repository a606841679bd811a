using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 tokenize-bench --vocab FILE [--jsonl CASES] [--size-mb N] [--runs N]`: encode throughput on one thread over a
/// mixed text of about N MB (the "text" fields of CASES repeated, interleaved with source code and CJK prose).
/// The first pass runs with an empty pre-token cache; the later ones show the steady state.
/// </summary>
public sealed class TokenizeBenchCommand : ICliCommand
{
    public string Name => "tokenize-bench";
    public string Usage => "tokenize-bench --vocab FILE [--jsonl CASES] [--size-mb 1] [--runs 5]";

    private const string Code = """
        public static int Checksum(ReadOnlySpan<byte> data, int seed = 17)
        {
            int h = seed;
            for (int i = 0; i < data.Length; i++) h = unchecked(h * 31 + data[i]);
            return h ^ (h >>> 15); // fold the high bits in
        }
        def parse(line: str) -> dict[str, int]:
            key, _, value = line.partition("=")
            return {key.strip(): int(value or 0)}
        Get-ChildItem -Path $env:TEMP -Filter *.log | Where-Object { $_.Length -gt 10MB } | Remove-Item -WhatIf

        """;

    private const string Cjk = """
        深度求索发布了新的语言模型，它在长文本上使用压缩的注意力缓存，从而减少显存占用。
        東京の天気は晴れのち曇り、午後からは所により雨が降るでしょう。カタカナとひらがなを混ぜた文章です。
        서울의 날씨는 맑고 따뜻합니다. 한국어 문장도 함께 시험합니다.

        """;

    public int Run(CliArguments args, TextWriter output)
    {
        string? casesPath = args.Get("jsonl");
        double sizeMb = args.GetDouble("size-mb", 1);
        int runs = args.GetInt("runs", 5);
        args.Get("vocab");
        TokenizerFileLoader.RejectUnknownOptions(args);
        if (sizeMb <= 0 || runs < 1) throw new CliUsageException("--size-mb must be positive and --runs at least 1");
        var sw = Stopwatch.StartNew();
        var tokenizer = TokenizerFileLoader.Load(args);
        output.WriteLine($"vocabulary: {tokenizer.Source} ({tokenizer.VocabularySize} tokens), loaded in {sw.Elapsed.TotalMilliseconds:F0} ms");

        string text = BuildText(casesPath, (int)(sizeMb * 1024 * 1024));
        double mb = Encoding.UTF8.GetByteCount(text) / (1024.0 * 1024.0);
        output.WriteLine($"text: {mb:F2} MiB UTF-8, {text.Length} chars");
        // CPU time of the process next to wall time: on a busy machine the wall clock counts time spent waiting for a core.
        var ids = new List<int>(text.Length);
        using var process = Process.GetCurrentProcess();
        for (int run = 0; run <= runs; run++)
        {
            ids.Clear();
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            sw.Restart();
            tokenizer.Encode(text, ids, parseSpecialTokens: true);
            double seconds = sw.Elapsed.TotalSeconds;
            process.Refresh();
            double cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
            output.WriteLine($"{(run == 0 ? "cold" : $"run {run}"),-6}: {ids.Count} tokens, wall {seconds * 1000:F1} ms = {mb / seconds:F1} MiB/s, " +
                             $"cpu {cpu * 1000:F0} ms = {(cpu > 0 ? mb / cpu : double.PositiveInfinity):F1} MiB/s");
        }
        return 0;
    }

    private static string BuildText(string? casesPath, int targetBytes)
    {
        var cases = new List<string>();
        if (casesPath != null)
            foreach (var line in File.ReadLines(casesPath))
                if (!string.IsNullOrWhiteSpace(line))
                    using (var doc = JsonDocument.Parse(line))
                        if (doc.RootElement.TryGetProperty("text", out var t) && t.GetString() is { } s) cases.Add(s);
        if (cases.Count == 0) cases.Add("The quick brown fox jumps over the lazy dog. 1234567 foxes can't be wrong!\n");
        var sb = new StringBuilder(targetBytes + 4096);
        int round = 0;
        while (Encoding.UTF8.GetByteCount(sb.ToString()) < targetBytes)
        {
            for (int k = 0; k < 64; k++)
            {
                foreach (var c in cases) sb.Append(c).Append('\n');
                sb.Append(Code.Replace("17", (round * 64 + k).ToString(System.Globalization.CultureInfo.InvariantCulture))).Append(Cjk);
            }
            round++;
        }
        return sb.ToString();
    }
}
