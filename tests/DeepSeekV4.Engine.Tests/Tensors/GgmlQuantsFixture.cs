using System.Runtime.InteropServices;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Tensors;

/// <summary>tests/fixtures/ggml-quants: GGUFs quantized by ggml, its dequantized output and the source floats.</summary>
internal static class GgmlQuantsFixture
{
    public static readonly string[] Cases = ["normal", "outliers", "small", "zeros-and-edges"];
    public const int Rows = 16, Columns = 512;

    public static string PathOf(string file) => FixturePaths.Get("ggml-quants", file);

    /// <summary>Tensor names with their ggml type (types.tsv).</summary>
    public static IReadOnlyList<(string Tensor, GgmlType Type)> Tensors { get; } = File.ReadAllLines(PathOf("types.tsv"))
        .Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')).Select(f => (f[0], (GgmlType)uint.Parse(f[1]))).ToArray();

    /// <summary>(case, tensor) pairs whose ggml bytes equal the reference quantizer's (ref_check.tsv), plus Q8_K, whose bytes came from it.</summary>
    public static IReadOnlyList<(string Case, string Tensor)> ReferenceQuantized { get; } = File.ReadAllLines(PathOf("ref_check.tsv"))
        .Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'))
        .Where(f => f[3] == "yes" || f[1] == "q8_k").Select(f => (f[0], f[1])).ToArray();

    public static float[] ReadFloats(string file) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(PathOf(file))).ToArray();

    public static GgmlType TypeOf(string tensor) => Tensors.Single(t => t.Tensor == tensor).Type;
}
