namespace DeepSeekV4.Corpus;

/// <summary>The files under the output folder (default out/corpus) and where the repository's fixtures are.</summary>
public sealed record CorpusPaths(string Out)
{
    public string Debs => Path.Combine(Out, "debs");
    public string Extract => Path.Combine(Out, "extract");
    /// <summary>groff's renders by content hash; delete it to render every page again.</summary>
    public string RenderCache => Path.Combine(Out, "cache", "groff");
    public string PackageList => Path.Combine(Debs, "packages.tsv");
    public string Manifest => Path.Combine(Out, "manifest.json");
    public string Documents => Path.Combine(Out, "documents.jsonl");
    public string Cleaning => Path.Combine(Out, "cleaning.json");
    public string TokenizerGguf => Path.Combine(Out, "tokenizer.gguf");
    public string Train => Path.Combine(Out, "train.u16");
    public string HeldOut => Path.Combine(Out, "heldout.u16");
    public string HeldOutText => Path.Combine(Out, "heldout.txt");
    public string Stats => Path.Combine(Out, "stats.json");
    /// <summary>Continuation chat samples (same layout as train.u16), built from the training split only.</summary>
    public string Continuations => Path.Combine(Out, "continuations.u16");
    public string ContinuationStats => Path.Combine(Out, "continuations.json");
    public string ContinuationExamples => Path.Combine(Out, "continuation-examples.txt");

    /// <summary>The repository root: the nearest folder above the working directory (or this program) holding Module.sln.</summary>
    public static string RepositoryRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Module.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("the repository root (a folder with Module.sln) was not found above the working directory");
    }

    public static string DeepSeekTokenizer(string repositoryRoot) =>
        Path.Combine(repositoryRoot, "tests", "fixtures", "tokenizer", "deepseek-v3", "tokenizer.json.gz");

    public static string FetchScript(string repositoryRoot) => Path.Combine(repositoryRoot, "tools", "training", "fetch-corpus.sh");
}
