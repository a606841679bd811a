using System.Collections.ObjectModel;
using System.Reflection;

namespace DeepSeekV4.PowerShell.Tests;

/// <summary>One parameter-set entry of a parameter, as its [Parameter] attribute declares it.</summary>
public sealed record ParameterSetEntry(string Set, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

/// <summary>A cmdlet parameter as declared in metadata.</summary>
public sealed record ParameterMetadata(
    string Name,
    Type Type,
    IReadOnlyList<ParameterSetEntry> Sets,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> Attributes,
    IReadOnlyList<string> ValidateSet,
    Type? Completer)
{
    public bool Has(string attribute) => Attributes.Contains(attribute);
}

/// <summary>A cmdlet class as declared in metadata.</summary>
public sealed record CmdletMetadataInfo(
    string Verb,
    string Noun,
    Type Type,
    string? DefaultParameterSet,
    bool SupportsShouldProcess,
    IReadOnlyList<Type> OutputTypes,
    IReadOnlyList<string> ClassAliases,
    IReadOnlyList<ParameterMetadata> Parameters)
{
    public string Name => $"{Verb}-{Noun}";

    public ParameterMetadata Parameter(string name) => Parameters.Single(p => p.Name == name);
}

/// <summary>
/// The cmdlet classes as their attributes declare them, read as attribute data (what PowerShell's own binder reads),
/// so the surface can be compared with the manifest, the format files and docs/.
/// </summary>
public static class CmdletMetadata
{
    public const string AllSets = "__AllParameterSets";

    private static readonly Lazy<IReadOnlyList<CmdletMetadataInfo>> AllCmdlets = new(ReadCmdlets);

    public static Assembly Assembly => typeof(DSCmdlet).Assembly;

    /// <summary>The engine assembly (where the result types live).</summary>
    public static Assembly EngineAssembly => typeof(DeepSeekV4.Engine.Inference.InferenceSession).Assembly;

    public static IReadOnlyList<CmdletMetadataInfo> Cmdlets => AllCmdlets.Value;

    public static CmdletMetadataInfo Cmdlet(string name) => Cmdlets.Single(c => c.Name == name);

    private static IReadOnlyList<CmdletMetadataInfo> ReadCmdlets() =>
    [
        .. Assembly.GetTypes()
            .Select(t => (Type: t, Attribute: Attribute(t.GetCustomAttributesData(), "CmdletAttribute")))
            .Where(x => x.Attribute != null)
            .Select(x => ReadCmdlet(x.Type, x.Attribute!))
            .OrderBy(c => c.Name, StringComparer.Ordinal),
    ];

    private static CmdletMetadataInfo ReadCmdlet(Type type, CustomAttributeData cmdlet)
    {
        var attributes = type.GetCustomAttributesData();
        var outputTypes = attributes.Where(a => a.AttributeType.Name == "OutputTypeAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(Flatten)
            .Select(v => v as Type ?? throw new InvalidOperationException($"{type.Name}: [OutputType] names a type by string ('{v}')"))
            .ToList();
        var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttributesData().Any(a => a.AttributeType.Name == "ParameterAttribute"))
            .Select(ReadParameter)
            .ToList();
        return new CmdletMetadataInfo(
            (string)cmdlet.ConstructorArguments[0].Value!,
            (string)cmdlet.ConstructorArguments[1].Value!,
            type,
            Named(cmdlet, "DefaultParameterSetName") as string,
            Named(cmdlet, "SupportsShouldProcess") as bool? ?? false,
            outputTypes,
            Strings(attributes, "AliasAttribute"),
            parameters);
    }

    private static ParameterMetadata ReadParameter(PropertyInfo property)
    {
        var attributes = property.GetCustomAttributesData();
        var sets = attributes.Where(a => a.AttributeType.Name == "ParameterAttribute")
            .Select(a => new ParameterSetEntry(
                Named(a, "ParameterSetName") as string ?? AllSets,
                Named(a, "Mandatory") as bool? ?? false,
                Named(a, "Position") is int p && p >= 0 ? p : null,
                Named(a, "ValueFromPipeline") as bool? ?? false,
                Named(a, "ValueFromPipelineByPropertyName") as bool? ?? false))
            .ToList();
        var completer = attributes.FirstOrDefault(a => a.AttributeType.Name == "ArgumentCompleterAttribute")?.ConstructorArguments[0].Value as Type;
        return new ParameterMetadata(property.Name, property.PropertyType, sets, Strings(attributes, "AliasAttribute"),
            [.. attributes.Select(a => a.AttributeType.Name)], Strings(attributes, "ValidateSetAttribute"), completer);
    }

    public static CustomAttributeData? Attribute(IEnumerable<CustomAttributeData> attributes, string name) =>
        attributes.FirstOrDefault(a => a.AttributeType.Name == name);

    public static object? Named(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).FirstOrDefault();

    private static List<string> Strings(IEnumerable<CustomAttributeData> attributes, string name) =>
        [.. attributes.Where(a => a.AttributeType.Name == name).SelectMany(a => a.ConstructorArguments).SelectMany(Flatten).Cast<string>()];

    private static IEnumerable<object?> Flatten(CustomAttributeTypedArgument argument) =>
        argument.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items ? items.Select(i => i.Value) : [argument.Value];
}
