using System.Diagnostics;
using DeepSeekV4.Corpus;
using DeepSeekV4.Corpus.Chart;
using DeepSeekV4.Corpus.Tokenization;

const string Usage = """
    usage: DeepSeekV4.Corpus <command> [options]
      all        [--out DIR] [--vocab N] [--skip-fetch]   fetch, corpus, tokenizer, tokens (default out/corpus, vocab 8192)
      fetch      [--out DIR]                 download and unpack the pinned Debian packages (tools/training/fetch-corpus.sh)
      corpus     [--out DIR]                 convert (groff for man pages), clean, deduplicate, split → documents.jsonl, manifest.json
      tokenizer  [--out DIR] [--vocab N]     cut DeepSeek's vocabulary → tokenizer.gguf
      tokens     [--out DIR]                 train.u16, heldout.u16, heldout.txt, stats.json
      continuations [--out DIR] [--seed N]   continuations.u16: chat samples answered by the document's next text (seed 5)
      plot-loss  --csv FILE --png FILE [--title TEXT]   draw a loss curve (CSV header step,tokens,train_loss,heldout_loss)
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}
try
{
    var options = new CorpusArguments(args.Skip(1));
    if (args[0] == "plot-loss")
    {
        string csv = options.Require("csv"), png = options.Require("png");
        string title = options.Get("title", "DeepSeek V4 small: training loss");
        options.CheckAllUsed();
        LossChart.Write(LossCsv.Read(csv), png, title);
        Console.WriteLine($"plot-loss: {png}");
        return 0;
    }
    var paths = new CorpusPaths(Path.GetFullPath(options.Get("out", Path.Combine("out", "corpus"))));
    int vocab = options.GetInt("vocab", VocabularyCut.DefaultSize);
    bool skipFetch = options.Has("skip-fetch");
    int seed = options.GetInt("seed", 5);
    options.CheckAllUsed();
    string root = CorpusPaths.RepositoryRoot();
    string deepSeek = CorpusPaths.DeepSeekTokenizer(root);
    Directory.CreateDirectory(paths.Out);
    var steps = new CorpusSteps(paths, Console.Out);
    var clock = Stopwatch.StartNew();
    void Step(string name, Action run)
    {
        var t = Stopwatch.StartNew();
        run();
        Console.WriteLine($"{name}: {t.Elapsed.TotalSeconds:F1} s");
    }
    switch (args[0])
    {
        case "all":
            if (!skipFetch) Step("fetch", () => steps.Fetch(CorpusPaths.FetchScript(root)));
            Step("corpus", steps.BuildDocuments);
            Step("tokenizer", () => steps.BuildTokenizer(deepSeek, vocab));
            Step("tokens", () => steps.WriteTokens(deepSeek));
            Step("continuations", () => steps.WriteContinuations(seed));
            break;
        case "fetch": Step("fetch", () => steps.Fetch(CorpusPaths.FetchScript(root))); break;
        case "corpus": Step("corpus", steps.BuildDocuments); break;
        case "tokenizer": Step("tokenizer", () => steps.BuildTokenizer(deepSeek, vocab)); break;
        case "tokens": Step("tokens", () => steps.WriteTokens(deepSeek)); break;
        case "continuations": Step("continuations", () => steps.WriteContinuations(seed)); break;
        default:
            Console.Error.WriteLine($"unknown command '{args[0]}'\n{Usage}");
            return 2;
    }
    Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s; output in {paths.Out}");
    return 0;
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
