using System.Numerics;
using DeepSeekV4.Engine.Tensors.Tables;

namespace DeepSeekV4.Engine.Tests.Tensors;

public class GgmlTablesTests
{
    public static TheoryData<string> TableNames() => new(Directory.GetFiles(FixturePaths.Get("ggml-quants", "tables"), "*.txt")
        .Select(Path.GetFileNameWithoutExtension).OfType<string>().Order());

    [Theory]
    [MemberData(nameof(TableNames))]
    public void EmbeddedTableIsTheFixtureTable(string table) =>
        Assert.Equal(File.ReadAllText(FixturePaths.Get("ggml-quants", "tables", table + ".txt")), GgmlTables.ResourceText(table));

    [Fact]
    public void EveryFixtureTableIsEmbedded() => Assert.Equal(14, TableNames().Count<object[]>());

    [Fact]
    public void ParsedTablesHaveGgmlShapes()
    {
        // Facts about ggml's tables that do not come from the parser: kmask is 1<<j, ksigns adds an even-parity bit,
        // ksigns64 expands ksigns to byte masks, the 2-bit grids use the levels {8, 25, 43}.
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128], GgmlTables.KMaskIq2Xs);
        for (int k = 0; k < 128; k++)
        {
            Assert.Equal((byte)(k | (BitOperations.PopCount((uint)k) % 2 == 1 ? 0x80 : 0)), GgmlTables.KSignsIq2Xs[k]);
            ulong mask = 0;
            for (int j = 0; j < 8; j++)
                if ((GgmlTables.KSignsIq2Xs[k] >> j & 1) != 0) mask |= 0xFFUL << (8 * j);
            Assert.Equal(mask, GgmlTables.KSigns64[k]);
        }
        foreach (var grid in new[] { GgmlTables.Iq2XxsGrid, GgmlTables.Iq2XsGrid, GgmlTables.Iq2SGrid })
            Assert.All(grid, row => Assert.All(BitConverter.GetBytes(row), b => Assert.Contains(b, new byte[] { 8, 25, 43 })));
        Assert.All(GgmlTables.Iq1SGrid, row => Assert.All(BitConverter.GetBytes(row), b => Assert.Contains((sbyte)b, new sbyte[] { -1, 0, 1 })));
        Assert.Equal([1, 3, 9, 27, 81, 243], GgmlTables.Tq1Pow3);
        Assert.Equal(MathF.Pow(2, -128), GgmlTables.Mxfp4E8M0Scale[0]);
        Assert.Equal(MathF.Pow(2, 127), GgmlTables.Mxfp4E8M0Scale[255]);
        Assert.Equal(new sbyte[] { -127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113 }, GgmlTables.KValuesIq4Nl);
        Assert.Equal(new sbyte[] { 0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12 }, GgmlTables.KValuesMxfp4);
    }
}
