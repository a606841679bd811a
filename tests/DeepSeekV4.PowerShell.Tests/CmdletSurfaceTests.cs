using static DeepSeekV4.PowerShell.Tests.CmdletMetadata;

namespace DeepSeekV4.PowerShell.Tests;

/// <summary>The cmdlets' names, output types and parameters, read from the compiled assembly and compared with the design.</summary>
public class CmdletSurfaceTests
{
    /// <summary>The designed cmdlets.</summary>
    public static readonly string[] Designed =
        ["Clear-DSKvCache", "Connect-DSEndpoint", "Get-DSDevice", "Get-DSKvCacheStats", "Get-DSMemoryEstimate", "Get-DSModel", "Get-DSServer",
         "Import-DSModel", "Invoke-DSCompletion", "Measure-DSPerplexity", "Remove-DSModel", "Start-DSServer", "Stop-DSServer"];

    private sealed record Expect(string Type, string Set = AllSets, bool Mandatory = false, int? Position = null, bool ByValue = false,
        bool ByPropertyName = false, string[]? Aliases = null, bool Wildcards = false, bool Completer = false, string? Transformation = null);

    private static readonly string[] PathAliases = ["PSPath", "LP", "FullName"];

    /// <summary>Every parameter of every cmdlet as designed (issue 5): type, set, binding, aliases, wildcards, completion.</summary>
    private static readonly Dictionary<string, Dictionary<string, Expect>> Design = new()
    {
        ["Import-DSModel"] = new()
        {
            ["Path"] = new("String[]", "Path", Mandatory: true, Position: 0, ByValue: true, ByPropertyName: true, Wildcards: true),
            ["LiteralPath"] = new("String[]", "LiteralPath", Mandatory: true, ByPropertyName: true, Aliases: PathAliases),
            ["Name"] = new("String"),
            ["ContextLength"] = new("Int32", Transformation: "TokenCountTransformationAttribute"),
            ["KvCacheType"] = new("KvCacheFormat"),
            ["Threads"] = new("Int32"),
            ["NoMmap"] = new("SwitchParameter"),
            ["MtpPath"] = new("String"),
            ["NoWarmUp"] = new("SwitchParameter"),
            ["Numerics"] = new("DeepSeekV4Numerics"),
            ["Device"] = new("ComputeDevice"),
            ["DeviceId"] = new("Int32"),
            ["PassThru"] = new("SwitchParameter"),
            ["Force"] = new("SwitchParameter"),
        },
        ["Invoke-DSCompletion"] = new()
        {
            ["Prompt"] = new("String", Position: 0),
            ["InputObject"] = new("String", "InputObject", ByValue: true),
            ["Path"] = new("String[]", "Path", Mandatory: true, Wildcards: true),
            ["LiteralPath"] = new("String[]", "LiteralPath", Mandatory: true, ByPropertyName: true, Aliases: PathAliases),
            ["Instruction"] = new("String"),
            ["SystemPrompt"] = new("String", Aliases: ["System"]),
            ["MaxTokens"] = new("Int32", Aliases: ["max_tokens"]),
            ["Temperature"] = new("Double"),
            ["TopP"] = new("Double", Aliases: ["top_p"]),
            ["TopK"] = new("Int32", Aliases: ["top_k"]),
            ["MinP"] = new("Double", Aliases: ["min_p"]),
            ["RepeatPenalty"] = new("Double"),
            ["Seed"] = new("UInt64"),
            ["Stop"] = new("String[]", Aliases: ["StopSequence"]),
            ["Think"] = new("SwitchParameter"),
            ["Model"] = new("String", Completer: true),
            ["Stream"] = new("SwitchParameter"),
            ["ThrottleLimit"] = new("Int32"),
            ["JsonSchema"] = new("Object"),
            ["Json"] = new("SwitchParameter"),
            ["AsObject"] = new("SwitchParameter"),
        },
        ["Start-DSServer"] = new()
        {
            ["Path"] = new("String", Mandatory: true, Position: 0, ByPropertyName: true, Aliases: PathAliases),
            ["Port"] = new("Int32"),
            ["ListenAddress"] = new("String"),
            ["ApiKey"] = new("SecureString"),
            ["Parallel"] = new("Int32"),
            ["Queue"] = new("Int32"),
            ["ContextLength"] = new("Int32", Transformation: "TokenCountTransformationAttribute"),
            ["Name"] = new("String"),
            ["Threads"] = new("Int32"),
            ["Connect"] = new("SwitchParameter"),
        },
        ["Stop-DSServer"] = new()
        {
            ["Id"] = new("Int32[]", Mandatory: true, Position: 0, ByPropertyName: true),
            ["PassThru"] = new("SwitchParameter"),
        },
        ["Get-DSServer"] = new()
        {
            ["Id"] = new("Int32[]", Position: 0, ByPropertyName: true),
        },
        ["Connect-DSEndpoint"] = new()
        {
            ["Uri"] = new("Uri", Mandatory: true, Position: 0, ByPropertyName: true, Aliases: ["Endpoint", "BaseUri"]),
            ["Model"] = new("String", Aliases: ["ServedModel"]),
            ["Name"] = new("String"),
            ["ApiKey"] = new("SecureString"),
            ["TimeoutSec"] = new("Int32"),
            ["MaxConcurrency"] = new("Int32"),
            ["PassThru"] = new("SwitchParameter"),
        },
        ["Measure-DSPerplexity"] = new()
        {
            ["InputObject"] = new("String", "InputObject", Mandatory: true, ByValue: true),
            ["Path"] = new("String[]", "Path", Mandatory: true, Position: 0, Wildcards: true),
            ["LiteralPath"] = new("String[]", "LiteralPath", Mandatory: true, ByPropertyName: true, Aliases: PathAliases),
            ["Model"] = new("String", Completer: true),
            ["ContextLength"] = new("Int32", Transformation: "TokenCountTransformationAttribute"),
            ["Stride"] = new("Int32"),
            ["KvCacheType"] = new("KvCacheFormat[]"),
            ["BaselineKvCacheType"] = new("KvCacheFormat"),
            ["BaselineModel"] = new("String", Completer: true),
        },
        ["Get-DSKvCacheStats"] = new()
        {
            ["Model"] = new("String[]", Position: 0, ByPropertyName: true, Aliases: ["Name"], Completer: true),
            ["PerLayer"] = new("SwitchParameter"),
        },
        ["Get-DSModel"] = new()
        {
            ["Name"] = new("String[]", Position: 0, ByPropertyName: true, Aliases: ["Model"], Wildcards: true, Completer: true),
        },
        ["Remove-DSModel"] = new()
        {
            ["Name"] = new("String[]", Mandatory: true, Position: 0, ByPropertyName: true, Aliases: ["Model"], Wildcards: true, Completer: true),
            ["PassThru"] = new("SwitchParameter"),
        },
        ["Clear-DSKvCache"] = new()
        {
            ["Model"] = new("String[]", Position: 0, ByPropertyName: true, Aliases: ["Name"], Wildcards: true, Completer: true),
            ["PassThru"] = new("SwitchParameter"),
        },
        ["Get-DSDevice"] = new()
        {
            ["Kind"] = new("GpuDeviceKind[]", Position: 0),
        },
        ["Get-DSMemoryEstimate"] = new()
        {
            ["Path"] = new("String[]", "Path", Mandatory: true, Position: 0, ByValue: true, ByPropertyName: true, Wildcards: true),
            ["LiteralPath"] = new("String[]", "LiteralPath", Mandatory: true, ByPropertyName: true, Aliases: PathAliases),
            ["Name"] = new("String", "BuiltIn", Mandatory: true),
            ["WeightType"] = new("String", "BuiltIn"),
            ["ContextLength"] = new("Int32", Transformation: "TokenCountTransformationAttribute"),
            ["KvCacheType"] = new("KvCacheFormat"),
            ["Numerics"] = new("DeepSeekV4Numerics"),
            ["AvailableMemory"] = new("Int64", Aliases: ["DeviceMemory"]),
            ["Device"] = new("ComputeDevice"),
            ["DeviceId"] = new("Int32"),
            ["MtpPath"] = new("String"),
        },
    };

    public static TheoryData<string> CmdletNames => [.. Designed];

    [Fact]
    public void The_assembly_defines_exactly_the_designed_cmdlets()
    {
        Assert.Equal(Designed, Cmdlets.Select(c => c.Name));
    }

    [Fact]
    public void Every_verb_is_approved()
    {
        Assert.All(Cmdlets, c => Assert.True(ApprovedVerbs.All.Contains(c.Verb), $"{c.Name}: '{c.Verb}' is not an approved verb"));
    }

    [Fact]
    public void Every_noun_has_the_module_prefix()
    {
        Assert.All(Cmdlets, c => Assert.StartsWith("DS", c.Noun, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Output_types_are_declared_and_are_public_types_of_the_module(string name)
    {
        var cmdlet = Cmdlet(name);
        Assert.NotEmpty(cmdlet.OutputTypes);
        Assert.All(cmdlet.OutputTypes, t =>
        {
            Assert.True(t.IsPublic, $"{name}: output type {t.FullName} is not public");
            Assert.StartsWith("DeepSeekV4.", t.FullName, StringComparison.Ordinal);
            Assert.NotEmpty(t.GetProperties());
        });
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Cmdlet_classes_are_public_sealed_pscmdlets_named_after_the_command(string name)
    {
        var cmdlet = Cmdlet(name);
        Assert.True(cmdlet.Type.IsPublic && cmdlet.Type.IsSealed);
        Assert.Equal(cmdlet.Verb + cmdlet.Noun + "Command", cmdlet.Type.Name);
        Assert.Contains("PSCmdlet", Ancestors(cmdlet.Type).Select(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Parameters_are_exactly_the_designed_ones(string name)
    {
        Assert.Equal(Design[name].Keys.Order(), Cmdlet(name).Parameters.Select(p => p.Name).Order());
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Binding_attributes_are_as_designed(string name)
    {
        foreach (var (parameterName, expect) in Design[name])
        {
            var p = Cmdlet(name).Parameter(parameterName);
            string where = $"{name} -{parameterName}";
            Assert.True(expect.Type == p.Type.Name, $"{where}: type {p.Type.Name}, designed {expect.Type}");
            var entry = Assert.Single(p.Sets);
            Assert.True(new ParameterSetEntry(expect.Set, expect.Mandatory, expect.Position, expect.ByValue, expect.ByPropertyName) == entry,
                $"{where}: declared {entry}");
            Assert.True((expect.Aliases ?? []).SequenceEqual(p.Aliases), $"{where}: aliases {string.Join(",", p.Aliases)}");
            Assert.True(expect.Wildcards == p.Has("SupportsWildcardsAttribute"), $"{where}: wildcard support");
            Assert.True(expect.Completer == (p.Completer?.Name == "ModelNameCompleter"), $"{where}: model-name completion");
            Assert.True(expect.Transformation == null || p.Has(expect.Transformation), $"{where}: {expect.Transformation}");
        }
    }

    [Fact]
    public void Kv_cache_type_accepts_exactly_the_six_formats()
    {
        var type = Cmdlet("Import-DSModel").Parameter("KvCacheType").Type;
        Assert.True(type.IsEnum);
        Assert.Equal(["Native", "F32", "F16", "BF16", "Q8_0", "Q4_0"], type.GetFields().Where(f => f.IsStatic).Select(f => f.Name));
        Assert.Same(type, Cmdlet("Get-DSMemoryEstimate").Parameter("KvCacheType").Type);
        Assert.Same(type, Cmdlet("Measure-DSPerplexity").Parameter("BaselineKvCacheType").Type);
        Assert.Same(type, Cmdlet("Measure-DSPerplexity").Parameter("KvCacheType").Type.GetElementType());
    }

    [Fact]
    public void Built_in_configurations_are_offered_by_name()
    {
        Assert.Equal(["V4-Flash", "V4-Pro"], Cmdlet("Get-DSMemoryEstimate").Parameter("Name").ValidateSet);
        Assert.Equal(DeepSeekV4.Engine.Inference.MemoryEstimates.WeightMixNames, Cmdlet("Get-DSMemoryEstimate").Parameter("WeightType").ValidateSet);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Default_parameter_set_is_one_of_the_declared_sets(string name)
    {
        var cmdlet = Cmdlet(name);
        var sets = cmdlet.Parameters.SelectMany(p => p.Sets).Select(s => s.Set).Where(s => s != AllSets).Distinct().ToList();
        if (cmdlet.DefaultParameterSet != null) Assert.Contains(cmdlet.DefaultParameterSet, sets);
        if (sets.Count > 1) Assert.NotNull(cmdlet.DefaultParameterSet);
    }

    [Fact]
    public void Positions_are_unique_within_each_parameter_set()
    {
        foreach (var cmdlet in Cmdlets)
        {
            var sets = cmdlet.Parameters.SelectMany(p => p.Sets).Select(s => s.Set).Where(s => s != AllSets).Distinct().DefaultIfEmpty(AllSets);
            foreach (var set in sets)
            {
                var positions = cmdlet.Parameters.SelectMany(p => p.Sets.Where(s => (s.Set == set || s.Set == AllSets) && s.Position != null).Select(s => s.Position));
                Assert.True(positions.Count() == positions.Distinct().Count(), $"{cmdlet.Name}: two parameters share a position in set {set}");
            }
        }
    }

    [Fact]
    public void Only_state_changing_cmdlets_support_should_process()
    {
        Assert.Equal(["Clear-DSKvCache", "Remove-DSModel", "Stop-DSServer"], Cmdlets.Where(c => c.SupportsShouldProcess).Select(c => c.Name));
    }

    [Fact]
    public void Strings_bind_by_value_and_files_by_property_name()
    {
        var invoke = Cmdlet("Invoke-DSCompletion");
        var byValue = invoke.Parameters.Where(p => p.Sets.Any(s => s.ByValue)).ToList();
        Assert.Equal("InputObject", Assert.Single(byValue).Name);
        Assert.Equal(typeof(string).FullName, byValue[0].Type.FullName);
        var byName = invoke.Parameters.Single(p => p.Sets.Any(s => s.ByPropertyName));
        Assert.Contains("PSPath", byName.Aliases);
        Assert.Contains("FullName", byName.Aliases);
    }

    private static IEnumerable<Type> Ancestors(Type type)
    {
        for (var t = type.BaseType; t != null; t = t.BaseType) yield return t;
    }
}
