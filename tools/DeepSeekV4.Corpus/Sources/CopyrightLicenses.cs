namespace DeepSeekV4.Corpus.Sources;

/// <summary>
/// The licence names a Debian copyright file states: the short names of its machine-readable (DEP-5) "License:"
/// fields in order of first appearance; for a free-form file, the licences it names in its text.
/// </summary>
public static class CopyrightLicenses
{
    private static readonly (string Phrase, string Name)[] FreeFormNames =
    [
        ("GNU General Public License", "GPL"),
        ("GNU Lesser General Public License", "LGPL"),
        ("GNU Free Documentation License", "GFDL"),
        ("Creative Commons", "CC"),
        ("BSD", "BSD"),
        ("MIT", "MIT"),
        ("Python Software Foundation License", "PSF"),
        ("PostgreSQL", "PostgreSQL"),
    ];

    public static IReadOnlyList<string> Read(string copyright)
    {
        var names = new List<string>();
        foreach (string line in copyright.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (!line.StartsWith("License:", StringComparison.OrdinalIgnoreCase)) continue;
            string name = line["License:".Length..].Trim();
            if (name.Length > 0 && name.Length <= 60 && !names.Contains(name)) names.Add(name);
        }
        if (names.Count > 0) return names;
        foreach (var (phrase, name) in FreeFormNames)
            if (copyright.Contains(phrase, StringComparison.Ordinal) && !names.Contains(name)) names.Add(name);
        return names.Count > 0 ? names.Select(n => n + " (free-form copyright file)").ToList() : ["(see copyright file)"];
    }
}
