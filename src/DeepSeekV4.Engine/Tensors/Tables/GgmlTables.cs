using System.Globalization;
using System.Numerics;
using System.Reflection;

namespace DeepSeekV4.Engine.Tensors.Tables;

/// <summary>
/// ggml's lookup tables (values from ggml-common.h, MIT licence) as data: the *.txt files beside this class are
/// embedded in the assembly and parsed once, on first use. Grid rows are little-endian bytes: byte j of entry i is
/// element j of grid row i.
/// </summary>
internal static class GgmlTables
{
    public static readonly ulong[] Iq2XxsGrid = ReadIntegers<ulong>("iq2xxs_grid", 256);
    public static readonly ulong[] Iq2XsGrid = ReadIntegers<ulong>("iq2xs_grid", 512);
    public static readonly ulong[] Iq2SGrid = ReadIntegers<ulong>("iq2s_grid", 1024);
    public static readonly uint[] Iq3XxsGrid = ReadIntegers<uint>("iq3xxs_grid", 256);
    public static readonly uint[] Iq3SGrid = ReadIntegers<uint>("iq3s_grid", 512);
    /// <summary>Entries are eight int8 values in {−1, 0, +1}.</summary>
    public static readonly ulong[] Iq1SGrid = ReadIntegers<ulong>("iq1s_grid", 2048);
    public static readonly byte[] KSignsIq2Xs = ReadIntegers<byte>("ksigns_iq2xs", 128);
    public static readonly byte[] KMaskIq2Xs = ReadIntegers<byte>("kmask_iq2xs", 8);
    /// <summary>ksigns_iq2xs expanded to 0x00/0xFF byte masks (for SIMD sign application).</summary>
    public static readonly ulong[] KSigns64 = ReadIntegers<ulong>("ksigns64", 128);
    public static readonly sbyte[] KValuesIq4Nl = ReadIntegers<sbyte>("kvalues_iq4nl", 16);
    /// <summary>E2M1 values doubled, as ggml stores them.</summary>
    public static readonly sbyte[] KValuesMxfp4 = ReadIntegers<sbyte>("kvalues_mxfp4", 16);
    public static readonly byte[] Tq1Pow3 = ReadIntegers<byte>("tq1_0_pow3", 6);
    /// <summary>MXFP4 block exponent byte e → 2^(e−128) (half the E8M0 value, matching the doubled codebook).</summary>
    public static readonly float[] Mxfp4E8M0Scale = ReadFloatBits("mxfp4_e8m0_scale", 256);
    /// <summary>NVFP4 UE4M3 sub-block scale byte → half its value (matching the doubled codebook).</summary>
    public static readonly float[] Nvfp4Ue4M3Scale = ReadFloatBits("nvfp4_ue4m3_scale", 256);

    /// <summary>The embedded text of a table (for the test that compares it with the fixture copy).</summary>
    public static string ResourceText(string table)
    {
        using var stream = typeof(GgmlTables).Assembly.GetManifestResourceStream($"ggml-tables/{table}.txt")
            ?? throw new InvalidOperationException($"embedded table '{table}' is missing from {typeof(GgmlTables).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static IEnumerable<string> DataLines(string table) =>
        ResourceText(table).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#');

    private static T[] ReadIntegers<T>(string table, int count) where T : struct, IBinaryInteger<T>
    {
        var values = DataLines(table).Select(line => line.StartsWith("0x", StringComparison.Ordinal)
            ? T.CreateTruncating(ulong.Parse(line.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture))
            : T.CreateChecked(long.Parse(line, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))).ToArray();
        return Checked(table, values, count);
    }

    /// <summary>Lines "index 0xBITS decimal": the bits are authoritative.</summary>
    private static float[] ReadFloatBits(string table, int count)
    {
        var values = new float[count];
        int seen = 0;
        foreach (var line in DataLines(table))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int index = int.Parse(parts[0], CultureInfo.InvariantCulture);
            uint bits = uint.Parse(parts[1].AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            if ((uint)index >= (uint)count || index != seen)
                throw new InvalidOperationException($"embedded table '{table}': entry {seen} expected, found index {index}");
            values[seen++] = BitConverter.UInt32BitsToSingle(bits);
        }
        return seen == count ? values : throw CountMismatch(table, seen, count);
    }

    private static T[] Checked<T>(string table, T[] values, int count) =>
        values.Length == count ? values : throw CountMismatch(table, values.Length, count);

    private static InvalidOperationException CountMismatch(string table, int found, int expected) =>
        new($"embedded table '{table}' holds {found} entries, {expected} expected");
}
