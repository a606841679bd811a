using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Tests.Tensors.Kernels;

/// <summary>The SIMD activation quantizers against ggml's reference quantizers (themselves checked byte for byte on the fixture).</summary>
public unsafe class ActivationQuantizerTests
{
    public static TheoryData<GgmlType> Encodings() => new(GgmlType.Q8_0, GgmlType.Q8_K);

    [Theory]
    [MemberData(nameof(Encodings))]
    public void SimdQuantizerGivesTheReferenceCodesScalesAndSums(GgmlType encoding)
    {
        if (!ActivationQuantizer.IsSupported) return;
        var random = new Random(3);
        foreach (var x in Rows(random))
        {
            int bytes = ActivationRow.BufferBytes(encoding, x.Length);
            var expected = new ScratchBuffer();
            var actual = new ScratchBuffer();
            byte* e = expected.Get(bytes), a = actual.Get(bytes);
            ActivationRow.QuantizeReference(encoding, x, e);
            ActivationRow.QuantizeSimd(encoding, x, a);
            var want = new ReadOnlySpan<byte>(e, bytes);
            var got = new ReadOnlySpan<byte>(a, bytes);
            int first = -1;
            for (int i = 0; i < bytes && first < 0; i++)
                if (want[i] != got[i] && !PaddingByte(encoding, x.Length, i)) first = i;
            if (first >= 0) Assert.Fail($"{encoding}, {x.Length} values: byte {first} differs ({got[first]} vs reference {want[first]})");
            GC.KeepAlive(expected); // the buffers own the memory the pointers address
            GC.KeepAlive(actual);
        }
    }

    /// <summary>The bytes between the codes and the 64-byte aligned scales are never written.</summary>
    private static bool PaddingByte(GgmlType encoding, int n, int offset) => offset >= n && offset < ((n + 63) & ~63);

    private static IEnumerable<float[]> Rows(Random random)
    {
        float Gauss() => SyntheticBlocks.Gaussian(random);
        foreach (int n in new[] { 256, 512, 4096 })
        {
            yield return Enumerable.Range(0, n).Select(_ => Gauss()).ToArray();
            yield return Enumerable.Range(0, n).Select(i => Gauss() * MathF.Pow(10, i / 32 % 12 - 6)).ToArray();
            yield return Enumerable.Range(0, n).Select(i => i % 7 == 0 ? Gauss() * 1e30f : Gauss() * 1e-30f).ToArray();
            yield return new float[n];
            yield return Enumerable.Range(0, n).Select(i => i % 64 < 32 ? 0f : -0f).ToArray();
            // Halfway cases: with amax = 127 both scales are 1, so k + ½ must round as ggml does (roundf away from zero
            // for Q8_0, to even for Q8_K).
            yield return Enumerable.Range(0, n).Select(i => i % 32 == 0 ? 127f : (i % 2 == 0 ? 1 : -1) * ((i % 50) + 0.5f)).ToArray();
            yield return Enumerable.Range(0, n).Select(i => i % 32 == 0 ? -127f : (i % 2 == 0 ? 1 : -1) * ((i % 50) + 0.5f)).ToArray();
            // Equal magnitudes of both signs: the first one sets the sign of the Q8_K scale.
            yield return Enumerable.Range(0, n).Select(i => i % 3 == 0 ? -5f : i % 3 == 1 ? 5f : Gauss()).ToArray();
            yield return Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 5f : i % 3 == 1 ? -5f : Gauss()).ToArray();
            yield return Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() * 1e-40f).ToArray();
        }
    }
}
