namespace DeepSeekV4.Corpus.Sources;

/// <summary>
/// Which files of the unpacked packages become documents: every package's English man pages
/// (usr/share/man/manN/), and the HTML of the four manuals without their index, table-of-contents and
/// change-log pages. Listed in ordinal order of their ids, so every later step sees the same order.
/// </summary>
public static class SourceCatalog
{
    private static readonly (string Package, string Directory, string Suffix, bool Recursive)[] HtmlTrees =
    [
        ("debian-handbook", "usr/share/doc/debian-handbook/html/en-US", ".html", false),
        ("debian-reference-en", "usr/share/debian-reference", ".en.html", false),
        ("python3.11-doc", "usr/share/doc/python3.11/html", ".html", true),
        ("postgresql-doc-15", "usr/share/doc/postgresql-doc-15/html", ".html", false),
    ];

    private static readonly string[] SkippedHtmlNames =
        ["index", "bookindex", "genindex", "py-modindex", "search", "contents", "changelog", "copyright", "license", "legalnotice"];

    public static IReadOnlyList<SourceFile> Enumerate(string extractRoot, IEnumerable<string> packages)
    {
        var files = new List<SourceFile>();
        foreach (string package in packages)
        {
            string root = Path.Combine(extractRoot, package);
            if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"package {package} is not unpacked: {root} is missing (run fetch first)");
            string man = Path.Combine(root, "usr/share/man");
            if (Directory.Exists(man))
                foreach (string section in Directory.EnumerateDirectories(man, "man*"))
                    foreach (string file in Directory.EnumerateFiles(section))
                        if (IsRegular(file)) files.Add(Make(package, root, file, SourceKind.ManPage));
            foreach (var tree in HtmlTrees.Where(t => t.Package == package))
            {
                string dir = Path.Combine(root, tree.Directory);
                if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"package {package} has no {tree.Directory}");
                var option = tree.Recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
                foreach (string file in Directory.EnumerateFiles(dir, "*" + tree.Suffix, option))
                    if (IsRegular(file) && KeepHtml(Path.GetRelativePath(dir, file)))
                        files.Add(Make(package, root, file, SourceKind.Html));
            }
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return files;
    }

    internal static bool KeepHtml(string relativePath)
    {
        string path = relativePath.Replace('\\', '/');
        if (path.StartsWith('_') || path.Contains("/_", StringComparison.Ordinal)) return false; // Sphinx's _sources, _static
        if (path.StartsWith("release-", StringComparison.Ordinal)) return false; // PostgreSQL release notes: change lists
        string name = Path.GetFileName(path);
        name = name[..name.IndexOf('.')];
        return !SkippedHtmlNames.Any(skip => name == skip || name.StartsWith(skip + "-", StringComparison.Ordinal));
    }

    private static bool IsRegular(string path) => new FileInfo(path).LinkTarget == null;

    private static SourceFile Make(string package, string root, string file, SourceKind kind) =>
        new(package, Path.GetRelativePath(root, file).Replace('\\', '/'), file, kind);
}
