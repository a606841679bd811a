using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepSeekV4.Corpus.Sources;

/// <summary>One package of the corpus: name, pinned version, .deb file, licences named in its copyright file, documents taken.</summary>
public sealed record PackageEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("deb")] string Deb,
    [property: JsonPropertyName("licenses")] IReadOnlyList<string> Licenses,
    [property: JsonPropertyName("copyright_file")] string CopyrightFile,
    [property: JsonPropertyName("documents")] int Documents);

/// <summary>manifest.json: the packages the corpus was built from (written after conversion, with document counts).</summary>
public static class PackageManifest
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Reads packages.tsv as fetch-corpus.sh writes it: name, version, .deb file name.</summary>
    public static IReadOnlyList<(string Name, string Version, string Deb)> ReadPackageList(string tsvPath)
    {
        if (!File.Exists(tsvPath)) throw new FileNotFoundException($"{tsvPath} is missing (run fetch first)", tsvPath);
        return File.ReadAllLines(tsvPath).Where(l => l.Length > 0).Select((l, i) =>
        {
            var f = l.Split('\t');
            return f.Length == 3 ? (f[0], f[1], f[2]) : throw new InvalidDataException($"{tsvPath}:{i + 1}: expected 3 tab-separated fields, found {f.Length}");
        }).ToList();
    }

    public static IReadOnlyList<PackageEntry> Build(string extractRoot, IReadOnlyList<(string Name, string Version, string Deb)> packages, IReadOnlyDictionary<string, int> documentsByPackage)
    {
        return packages.Select(p =>
        {
            var (copyright, relative) = CopyrightFile(extractRoot, p.Name);
            var licenses = File.Exists(copyright) ? CopyrightLicenses.Read(File.ReadAllText(copyright, Encoding.UTF8)) : ["(no copyright file)"];
            return new PackageEntry(p.Name, p.Version, p.Deb, licenses, relative, documentsByPackage.GetValueOrDefault(p.Name));
        }).ToList();
    }

    // Some packages link their doc folder to a sibling's (manpages-dev → manpages); that sibling ships the copyright file.
    private static (string Path, string Relative) CopyrightFile(string extractRoot, string package)
    {
        string docDir = Path.Combine(extractRoot, package, "usr/share/doc", package);
        string owner = package;
        if (new DirectoryInfo(docDir).LinkTarget is { } target && !target.Contains('/'))
            owner = target;
        string relative = $"usr/share/doc/{owner}/copyright";
        return (Path.Combine(extractRoot, owner, relative), owner == package ? relative : $"{relative} (package {owner}; {package}'s doc folder links there)");
    }

    public static void Write(string path, IReadOnlyList<PackageEntry> entries) =>
        File.WriteAllText(path, JsonSerializer.Serialize(entries, Options) + "\n", new UTF8Encoding(false));
}
