using System.Xml.Linq;

namespace DeepSeekV4.PowerShell.Tests;

public class ManifestTests
{
    private static readonly ModuleManifest Manifest = new(RepositoryPaths.Get("DeepSeekV4.psd1"));

    [Fact]
    public void Exports_exactly_the_cmdlets_the_assembly_defines()
    {
        Assert.Equal(CmdletMetadata.Cmdlets.Select(c => c.Name).Order(), Manifest.Array("CmdletsToExport").Order());
    }

    [Fact]
    public void Exports_exactly_the_aliases_the_cmdlets_declare()
    {
        Assert.Equal(CmdletMetadata.Cmdlets.SelectMany(c => c.ClassAliases).Order(), Manifest.Array("AliasesToExport").Order());
        Assert.Empty(Manifest.Array("FunctionsToExport"));
        Assert.Empty(Manifest.Array("VariablesToExport"));
    }

    [Fact]
    public void Loads_the_built_cmdlet_assembly_on_powershell_7_6_core()
    {
        Assert.Equal("module/bin/DeepSeekV4.PowerShell.dll", Manifest.Value("RootModule"));
        Assert.Equal("7.6", Manifest.Value("PowerShellVersion"));
        Assert.Equal(["Core"], Manifest.Array("CompatiblePSEditions"));
        Assert.Matches(@"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", Manifest.Value("GUID"));
        Assert.Matches(@"^\d+\.\d+\.\d+$", Manifest.Value("ModuleVersion"));
    }

    [Fact]
    public void The_build_puts_the_cmdlet_assembly_where_the_manifest_loads_it()
    {
        var project = XDocument.Load(RepositoryPaths.Get("src", "DeepSeekV4.PowerShell", "DeepSeekV4.PowerShell.csproj"));
        string output = project.Descendants("OutputPath").Single().Value.Replace('\\', '/');
        Assert.EndsWith("../../module/bin/", output);
        Assert.Equal("false", project.Descendants("AppendTargetFrameworkToOutputPath").Single().Value);
        Assert.Contains("module/bin/", File.ReadAllLines(RepositoryPaths.Get(".gitignore")));
    }

    [Theory]
    [InlineData("FormatsToProcess")]
    [InlineData("TypesToProcess")]
    public void Format_and_types_files_exist_and_are_xml(string key)
    {
        var files = Manifest.Array(key);
        Assert.NotEmpty(files);
        Assert.All(files, f => XDocument.Load(RepositoryPaths.Get(f.Split('/'))));
    }
}
