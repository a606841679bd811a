namespace DeepSeekV4.HelpBuilder;

/// <summary>
/// Everything a docs folder says: the cmdlet pages grouped by the MAML file their front matter names ("external
/// help file"), and the about topics' rendered text.
/// </summary>
public sealed class HelpSet
{
    public Dictionary<string, List<CommandHelp>> Commands { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>File name (about_X.help.txt) → text.</summary>
    public Dictionary<string, string> AboutTopics { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static HelpSet Read(string docsDir)
    {
        var set = new HelpSet();
        foreach (var path in Directory.GetFiles(docsDir, "*.md").Order(StringComparer.Ordinal))
        {
            string file = Path.GetFileName(path);
            string display = Path.Combine(Path.GetFileName(Path.GetFullPath(docsDir).TrimEnd(Path.DirectorySeparatorChar)), file);
            var page = MarkdownPage.Parse(display, File.ReadAllText(path));
            if (file.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
            {
                set.AboutTopics[Path.GetFileNameWithoutExtension(file) + ".help.txt"] = AboutTopicWriter.Render(page);
                continue;
            }
            if (!page.FrontMatter.TryGetValue("external help file", out var mamlFile) || mamlFile.Length == 0)
                throw new HelpFormatException(display, "front matter", "no 'external help file: <assembly>-Help.xml' field");
            if (mamlFile.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || mamlFile.Contains('/') || mamlFile.Contains('\\'))
                throw new HelpFormatException(display, "front matter", $"'external help file: {mamlFile}' is not a file name");
            var command = CommandPageParser.Parse(page);
            if (!set.Commands.TryGetValue(mamlFile, out var list)) set.Commands[mamlFile] = list = [];
            list.Add(command);
        }
        return set;
    }

    public void Write(string outDir)
    {
        Directory.CreateDirectory(outDir);
        foreach (var (file, commands) in Commands) MamlWriter.Write(commands, Path.Combine(outDir, file));
        foreach (var (file, text) in AboutTopics) File.WriteAllText(Path.Combine(outDir, file), text);
    }
}
