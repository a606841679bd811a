namespace DeepSeekV4.Corpus.Sources;

/// <summary>
/// The licence names a Debian copyright file states: the short names of its machine-readable (DEP-5) "License:"
/// fields in order of first appearance; for a free-form file, the first licence of a short list that its text names
/// (the main licence comes first in such files; others may be mentioned only in passing).
/// </summary>
public static class CopyrightLicenses
{
    private static readonly (string Phrase, string Name)[] FreeFormNames =
    [
        ("PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2", "PSF-2.0"),
        ("GNU General Public License", "GPL"),
        ("GNU Lesser General Public License", "LGPL"),
        ("GNU Free Documentation License", "GFDL"),
        ("Creative Commons", "CC"),
        ("BSD", "BSD"),
        ("MIT", "MIT"),
        ("PostgreSQL", "PostgreSQL"),
    ];

    public static IReadOnlyList<string> Read(string copyright)
    {
        var names = new List<string>();
        foreach (string line in copyright.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (!line.StartsWith("License:", StringComparison.OrdinalIgnoreCase)) continue;
            string name = line["License:".Length..].Trim();
            bool shortName = name.Length is > 0 and <= 60 && name.IndexOfAny([',', ';']) < 0 && !name.EndsWith('.') && name.Split(' ').Length <= 8;
            if (shortName && !names.Contains(name)) names.Add(name);
        }
        if (names.Count > 0) return names;
        foreach (var (phrase, name) in FreeFormNames)
            if (copyright.Contains(phrase, StringComparison.Ordinal)) return [name + " (free-form copyright file)"];
        return ["(see copyright file)"];
    }
}
