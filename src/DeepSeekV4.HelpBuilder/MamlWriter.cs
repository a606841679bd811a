using System.Xml;
using System.Xml.Linq;

namespace DeepSeekV4.HelpBuilder;

/// <summary>
/// Writes cmdlet help as MAML, the XML that PowerShell's Get-Help reads from &lt;culture&gt;/&lt;assembly&gt;-Help.xml:
/// helpItems (namespace http://msh) holding one command:command per cmdlet.
/// </summary>
public static class MamlWriter
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XDocument Build(IEnumerable<CommandHelp> commands) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
                new XAttribute(XNamespace.Xmlns + "maml", Maml),
                new XAttribute(XNamespace.Xmlns + "command", Command),
                new XAttribute(XNamespace.Xmlns + "dev", Dev),
                commands.Select(CommandElement)));

    public static void Write(IEnumerable<CommandHelp> commands, string path)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false), NewLineChars = "\n" };
        using var writer = XmlWriter.Create(path, settings);
        Build(commands).Save(writer);
    }

    private static XElement CommandElement(CommandHelp help) =>
        new(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", help.Name),
                new XElement(Command + "verb", help.Verb),
                new XElement(Command + "noun", help.Noun),
                Description(Maml + "description", [help.Synopsis])),
            Description(Maml + "description", help.Description),
            new XElement(Command + "syntax", help.Syntax.Select(set => SyntaxItem(help, set))),
            new XElement(Command + "parameters", help.Parameters.Select(p => Parameter(p, p.Primary, inSyntax: false))),
            new XElement(Command + "inputTypes", help.Inputs.Select(t => TypeElement(Command + "inputType", t))),
            new XElement(Command + "returnValues", help.Outputs.Select(t => TypeElement(Command + "returnValue", t))),
            help.Notes.Count == 0 ? null : new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(help.Notes))),
            new XElement(Command + "examples", help.Examples.Select(Example)),
            new XElement(Command + "relatedLinks", Links(help)));

    private static XElement SyntaxItem(CommandHelp help, SyntaxSet set) =>
        new(Command + "syntaxItem",
            new XElement(Maml + "name", help.Name),
            help.ParametersOf(set).Select(m => Parameter(m.Parameter, m.Usage, inSyntax: true)));

    private static XElement Parameter(ParameterHelp p, ParameterUsage usage, bool inSyntax)
    {
        var element = new XElement(Command + "parameter",
            new XAttribute("required", Bool(usage.Required)),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", Bool(usage.Globbing)),
            new XAttribute("pipelineInput", usage.PipelineInput),
            new XAttribute("position", usage.Position?.ToString() ?? "named"),
            new XAttribute("aliases", usage.Aliases.Count == 0 ? "none" : string.Join(", ", usage.Aliases)),
            new XElement(Maml + "name", p.Name),
            Description(Maml + "description", p.Description));
        if (usage.AcceptedValues.Count > 0)
        {
            element.Add(new XElement(Command + "parameterValueGroup",
                usage.AcceptedValues.Select(v => new XElement(Command + "parameterValue",
                    new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))));
        }
        // A switch shows as [-Name] in the syntax, without a value placeholder.
        if (!(inSyntax && p.IsSwitch))
        {
            element.Add(new XElement(Command + "parameterValue",
                new XAttribute("required", Bool(!p.IsSwitch)), new XAttribute("variableLength", "false"), p.Type));
        }
        element.Add(
            new XElement(Dev + "type", new XElement(Maml + "name", p.Type), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", usage.DefaultValue));
        return element;
    }

    private static XElement TypeElement(XName name, TypeHelp type) =>
        new(name,
            new XElement(Dev + "type", new XElement(Maml + "name", type.Name), new XElement(Maml + "uri"), new XElement(Maml + "description")),
            Description(Maml + "description", type.Description));

    private static XElement Example(ExampleHelp example) =>
        new(Command + "example",
            new XElement(Maml + "title", $"---------- {example.Title} ----------"),
            new XElement(Dev + "code", example.Code),
            new XElement(Dev + "remarks", Paras(example.Remarks)));

    private static IEnumerable<XElement> Links(CommandHelp help)
    {
        if (help.OnlineVersion != null) yield return Link("Online Version:", help.OnlineVersion);
        foreach (var link in help.Links) yield return Link(link.Text, link.Uri);
    }

    private static XElement Link(string text, string uri) =>
        new(Maml + "navigationLink", new XElement(Maml + "linkText", text), new XElement(Maml + "uri", uri));

    private static XElement Description(XName name, IEnumerable<string> paragraphs) => new(name, Paras(paragraphs));

    private static IEnumerable<XElement> Paras(IEnumerable<string> paragraphs) =>
        paragraphs.Select(p => new XElement(Maml + "para", p));

    private static string Bool(bool value) => value ? "true" : "false";
}
