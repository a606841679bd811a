using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu;

/// <summary>
/// Cache rows encoded on the device are byte for byte the CPU codec's (KvRowCodec.ForKv / ForIndexerKey), for every
/// cache format, on random rows and edge rows (zeros, one huge value, values on rounding ties, amax just above a
/// power-of-two step of the scale, rows whose scale makes subnormals, infinities); decoding gives the CPU codec's floats.
/// Rows go into a ring past its end, so slot wrap-around is exercised.
/// </summary>
[Trait("Category", "GpuSimulator")]
public sealed class KvRowFormatKernelTests
{
    public static TheoryData<GpuDeviceKind, int, KvCacheFormat, bool> Cases()
    {
        var data = new TheoryData<GpuDeviceKind, int, KvCacheFormat, bool>();
        foreach (var device in GpuTestBuffers.Devices())
            foreach (var format in Enum.GetValues<KvCacheFormat>())
            {
                data.Add(device.Kind, device.Index, format, false);
                data.Add(device.Kind, device.Index, format, true);
            }
        return data;
    }

    /// <summary>Rows of <paramref name="dim"/> values: random at several magnitudes, then the edge rows.</summary>
    internal static float[][] Rows(int dim, Random random)
    {
        var rows = new List<float[]>();
        foreach (float magnitude in new[] { 1f, 300f, 1e-3f })
            rows.Add(Enumerable.Range(0, dim).Select(_ => (float)(random.NextDouble() * 2 - 1) * magnitude).ToArray());
        rows.Add(new float[dim]);
        var huge = Enumerable.Range(0, dim).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        huge[dim / 3] = 3e7f;
        rows.Add(huge);
        // FP8 ties (1 + 1/16 between 1 and 1.125, with amax 448 so the scale is 1), binary16 and Q8_0 ties.
        rows.Add(Enumerable.Range(0, dim).Select(i => (i % 4) switch { 0 => 448f, 1 => 1.0625f, 2 => -2.5f, _ => 0.5f + i / 16f }).ToArray());
        rows.Add(Enumerable.Range(0, dim).Select(i => i % 2 == 0 ? 1f + 1f / 2048f : -(1f + 3f / 2048f)).ToArray());
        // amax just above 448·2^3: log2 of amax/448 rounds back to 3.
        rows.Add(Enumerable.Range(0, dim).Select(i => i % 8 == 0 ? MathF.BitIncrement(3584f) : i * 0.37f).ToArray());
        // Tiny scale: amax under the FP8 floor, values that quantize to FP8 subnormals, float subnormals.
        rows.Add(Enumerable.Range(0, dim).Select(i => (i % 3 - 1) * 3e-8f * (i + 1)).ToArray());
        rows.Add(Enumerable.Range(0, dim).Select(i => i % 5 == 0 ? 1e-40f * i : -2e-39f).ToArray());
        var infinite = Enumerable.Range(0, dim).Select(i => i * 0.25f).ToArray();
        infinite[1] = float.PositiveInfinity;
        rows.Add(infinite);
        return [.. rows];
    }

    internal static KvRowCodec Codec(KvCacheFormat format, bool indexerKey, out GpuKvRow row)
    {
        if (indexerKey)
        {
            row = GpuKvRow.ForIndexerKey(format, 64);
            return KvRowCodec.ForIndexerKey(format, 64);
        }
        // 192 non-rotary dims: three FP8 scale bytes, so the native row has a padding byte.
        row = GpuKvRow.ForKv(format, 256, 64);
        return KvRowCodec.ForKv(format, 256, 64);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncodingIsBitIdenticalAndDecodingEqualsTheCpu(GpuDeviceKind kind, int index, KvCacheFormat format, bool indexerKey)
    {
        var gpu = GpuDevices.Get(kind, index);
        var ops = new GpuAttentionOps(gpu);
        var codec = Codec(format, indexerKey, out var row);
        Assert.Equal(codec.RowBytes, row.RowBytes);
        var rows = Rows(codec.Dim, new Random(31 + (int)format));
        if (format == KvCacheFormat.Q4_0 || format == KvCacheFormat.Q8_0) rows = rows[..^1]; // an infinite block: not a ggml contract worth pinning
        int n = rows.Length, slots = n + 3, firstSlot = 7;
        using var source = GpuTestBuffers.Upload(gpu, rows.SelectMany(r => r).ToArray());
        using var store = GpuTestBuffers.Filled(gpu, (long)slots * row.RowBytes, (byte)0xA5);
        ops.EncodeRows(row, source.View, n, store.View, firstSlot, slots);
        var stored = GpuTestBuffers.Download(gpu, store);

        var expected = new byte[codec.RowBytes];
        var expectedRow = new float[codec.Dim];
        for (int i = 0; i < n; i++)
        {
            int slot = (firstSlot + i) % slots;
            codec.Encode(rows[i], expected);
            var actual = stored.AsSpan(slot * row.RowBytes, row.RowBytes).ToArray();
            int differ = Enumerable.Range(0, expected.Length).FirstOrDefault(j => expected[j] != actual[j], -1);
            Assert.True(differ < 0, $"{row}: row {i} (slot {slot}) byte {differ}: 0x{(differ < 0 ? 0 : actual[differ]):X2} vs CPU 0x{(differ < 0 ? 0 : expected[differ]):X2}");
        }
        for (int s = 0; s < slots; s++)
            if ((s - firstSlot + slots) % slots >= n) Assert.All(stored.AsSpan(s * row.RowBytes, row.RowBytes).ToArray(), b => Assert.Equal(0xA5, b));

        using var decoded = gpu.Allocate((long)n * codec.Dim);
        ops.DecodeRows(row, store.View, firstSlot, slots, n, decoded.View);
        var values = GpuTestBuffers.Download(gpu, decoded);
        for (int i = 0; i < n; i++)
        {
            codec.Decode(stored.AsSpan((firstSlot + i) % slots * row.RowBytes, row.RowBytes), expectedRow);
            for (int j = 0; j < codec.Dim; j++)
            {
                float v = values[i * codec.Dim + j];
                if (float.IsNaN(expectedRow[j])) Assert.True(float.IsNaN(v), $"{row}: row {i} value {j}: {v} vs NaN");
                else Assert.True(BitConverter.SingleToUInt32Bits(expectedRow[j]) == BitConverter.SingleToUInt32Bits(v), $"{row}: row {i} value {j}: {v:R} vs CPU {expectedRow[j]:R}");
            }
        }
    }

    [Fact]
    public void EncodingChecksItsViews()
    {
        var gpu = GpuDevices.Get(GpuDeviceKind.Simulator);
        var ops = new GpuAttentionOps(gpu);
        var row = GpuKvRow.ForKv(KvCacheFormat.Native, 128, 64);
        using var source = gpu.Allocate(2 * 128);
        using var store = GpuTestBuffers.Filled(gpu, 3L * row.RowBytes - 1, (byte)0);
        var small = Assert.Throws<ArgumentException>(() => ops.EncodeRows(row, source.View, 2, store.View, 0, 3));
        Assert.Contains($"3 slots of {row.RowBytes} bytes", small.Message);
        Assert.Contains($"needs {3 * row.RowBytes} elements, the view has {3 * row.RowBytes - 1}", small.Message);
        var overlap = Assert.Throws<ArgumentException>(() => ops.EncodeRows(row, source.View, 2, store.View, 0, 1));
        Assert.Contains("2 rows: only 1 slots", overlap.Message);
    }
}
