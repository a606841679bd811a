using DeepSeekV4.HelpBuilder;

// dotnet DeepSeekV4.HelpBuilder.dll <docsDir> <outDir>
//   cmdlet pages (docs/*.md with PlatyPS front matter) -> <outDir>/<external help file> (MAML), grouped by that field;
//   about pages (docs/about_*.md) -> <outDir>/about_*.help.txt.
// Every page is read before anything is written; a page that breaks the schema is reported (file, section, line)
// and the exit code is 1. Wrong arguments: exit code 2.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet DeepSeekV4.HelpBuilder.dll <docsDir> <outDir>");
    return 2;
}
string docs = args[0], output = args[1];
if (!Directory.Exists(docs))
{
    Console.Error.WriteLine($"error: docs folder '{docs}' does not exist");
    return 1;
}
try
{
    var help = HelpSet.Read(docs);
    help.Write(output);
    Console.WriteLine($"help: {help.Commands.Sum(g => g.Value.Count)} cmdlet page(s) and {help.AboutTopics.Count} about topic(s) from {docs} -> {output}");
    return 0;
}
catch (HelpFormatException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
