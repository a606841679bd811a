using System.Xml.Linq;

namespace DeepSeekV4.PowerShell.Tests;

/// <summary>The views and type extensions refer to real types and real properties.</summary>
public class FormatFileTests
{
    private static readonly XDocument Format = XDocument.Load(RepositoryPaths.Get("module", "DeepSeekV4.Format.ps1xml"));
    private static readonly XDocument Types = XDocument.Load(RepositoryPaths.Get("module", "DeepSeekV4.Types.ps1xml"));

    private static Type EngineType(string fullName) =>
        CmdletMetadata.EngineAssembly.GetType(fullName) ?? throw new Xunit.Sdk.XunitException($"{fullName} is not a type of the engine");

    private static HashSet<string> ExtendedMembers(string typeName) =>
        [.. Types.Descendants("Type").Where(t => t.Element("Name")!.Value == typeName).Descendants("Name").Skip(1).Select(n => n.Value)];

    [Fact]
    public void Every_output_type_has_a_default_view()
    {
        var viewed = Format.Descendants("TypeName").Select(t => t.Value).ToHashSet();
        var outputs = CmdletMetadata.Cmdlets.SelectMany(c => c.OutputTypes).Select(t => t.FullName!).Distinct();
        Assert.All(outputs, t => Assert.Contains(t, viewed));
    }

    [Fact]
    public void Views_name_properties_the_types_have()
    {
        foreach (var view in Format.Descendants("View"))
        {
            string typeName = view.Element("ViewSelectedBy")!.Element("TypeName")!.Value;
            var type = EngineType(typeName);
            var members = type.GetProperties().Select(p => p.Name).Concat(ExtendedMembers(typeName)).ToHashSet();
            foreach (var property in view.Descendants("PropertyName"))
                Assert.True(members.Contains(property.Value), $"view {view.Element("Name")!.Value} shows {property.Value}, which {typeName} does not have");
        }
    }

    [Fact]
    public void Type_extensions_refer_to_real_types_and_members()
    {
        foreach (var t in Types.Descendants("Type"))
        {
            var type = EngineType(t.Element("Name")!.Value);
            foreach (var alias in t.Descendants("ReferencedMemberName"))
                Assert.Contains(alias.Value, type.GetProperties().Select(p => p.Name));
        }
    }

    /// <summary>
    /// Every table fits an 80-column console without auto-sizing: each column but the last has a Width no narrower
    /// than its label (one column without a Width turns the whole table to auto-size, which wraps labels), and the
    /// widths, the one-space gaps and the last column's label add up to 80 or less.
    /// </summary>
    [Fact]
    public void Tables_fit_80_columns_with_fixed_widths()
    {
        foreach (var view in Format.Descendants("View").Where(v => v.Element("TableControl") != null))
        {
            string name = view.Element("Name")!.Value;
            var headers = view.Descendants("TableColumnHeader").ToList();
            int total = headers.Count - 1;
            for (int i = 0; i < headers.Count; i++)
            {
                string label = headers[i].Element("Label")?.Value ?? "";
                var width = headers[i].Element("Width");
                if (width == null)
                {
                    Assert.True(i == headers.Count - 1, $"view {name}: column '{label}' has no Width and is not the last");
                    total += label.Length;
                    continue;
                }
                int w = int.Parse(width.Value);
                Assert.True(w >= label.Length, $"view {name}: column '{label}' is {w} wide, narrower than its label");
                total += w;
            }
            Assert.True(total <= 80, $"view {name} needs {total} columns");
        }
    }
}
