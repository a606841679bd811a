using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// A compressor's streaming state: the un-pooled rows (values u and gate logits g, FP32) of the tokens that the
/// next compressed entries still need, in a ring where position p lives in slot p mod Rows. Taken on first write.
/// </summary>
public sealed class CompressorStateRing
{
    private float[]? _values;
    private float[]? _logits;

    public CompressorStateRing(int rows, int width)
    {
        Rows = rows;
        Width = width;
    }

    public int Rows { get; }
    /// <summary>Values per row (2·d for the overlapping compressor, d otherwise).</summary>
    public int Width { get; }
    public long ReservedBytes => _values is null ? 0 : 2L * _values.LongLength * sizeof(float);
    public static long BytesFor(int rows, int width) => 2L * rows * width * sizeof(float);

    public Span<float> ValuesForWrite(int position) => Slot(ref _values, position);
    public Span<float> LogitsForWrite(int position) => Slot(ref _logits, position);
    public ReadOnlySpan<float> Values(int position) => Slot(ref _values, position);
    public ReadOnlySpan<float> Logits(int position) => Slot(ref _logits, position);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Span<float> Slot(ref float[]? data, int position)
    {
        data ??= new float[checked(Rows * Width)];
        return data.AsSpan(position % Rows * Width, Width);
    }

    public CompressorStateRing Clone() => new(Rows, Width)
    {
        _values = (float[]?)_values?.Clone(),
        _logits = (float[]?)_logits?.Clone(),
    };

    internal void CopyTo(ref float[]? values, ref float[]? logits)
    {
        if (_values is null || _logits is null) return;
        values ??= new float[_values.Length];
        logits ??= new float[_logits.Length];
        _values.CopyTo(values, 0);
        _logits.CopyTo(logits, 0);
    }

    internal void CopyFrom(float[]? values, float[]? logits)
    {
        if (values is null || logits is null || _values is null || _logits is null) return;
        values.CopyTo(_values, 0);
        logits.CopyTo(_logits, 0);
    }
}
