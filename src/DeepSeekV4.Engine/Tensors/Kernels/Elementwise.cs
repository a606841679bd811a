using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// The elementwise System.Numerics.Tensors operations of the per-token path, and the order-free reductions Max and
/// MaxMagnitude, with results bit-identical to <see cref="System.Numerics.Tensors.TensorPrimitives"/> (tests compare
/// them on random and edge data), but compiled fully optimized on first call: TensorPrimitives' generic
/// instantiations start at tier 0 in a process with tiered compilation (pwsh), where their vector code runs many times
/// slower until the runtime promotes them. Each destination may be the same span as an input (in place), not a
/// partial overlap. The order-dependent reductions (Dot, Sum, SumOfSquares) and Exp are in <see cref="Reductions"/>.
/// </summary>
internal static class Elementwise
{
    /// <summary>dst = x · y.</summary>
    public static void Multiply(ReadOnlySpan<float> x, float y, Span<float> destination) => Map<MultiplyOp>(x, y, destination);

    /// <summary>dst = x · y, elementwise.</summary>
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => Map<MultiplyOp>(x, y, destination);

    /// <summary>dst = x + y.</summary>
    public static void Add(ReadOnlySpan<float> x, float y, Span<float> destination) => Map<AddOp>(x, y, destination);

    /// <summary>dst = x + y, elementwise.</summary>
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => Map<AddOp>(x, y, destination);

    /// <summary>dst = x − y.</summary>
    public static void Subtract(ReadOnlySpan<float> x, float y, Span<float> destination) => Map<SubtractOp>(x, y, destination);

    /// <summary>dst = x − y, elementwise.</summary>
    public static void Subtract(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => Map<SubtractOp>(x, y, destination);

    /// <summary>dst = x / y.</summary>
    public static void Divide(ReadOnlySpan<float> x, float y, Span<float> destination) => Map<DivideOp>(x, y, destination);

    /// <summary>dst = x / y, elementwise.</summary>
    public static void Divide(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => Map<DivideOp>(x, y, destination);

    /// <summary>dst = min(x, y) with IEEE 754:2019 minimum (NaN wins, −0 &lt; +0), like TensorPrimitives.Min.</summary>
    public static void Min(ReadOnlySpan<float> x, float y, Span<float> destination) => Map<MinOp>(x, y, destination);

    /// <summary>dst = max(x, y) elementwise with IEEE 754:2019 maximum (NaN wins, +0 &gt; −0), like TensorPrimitives.Max.</summary>
    public static void Max(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => Map<MaxOp>(x, y, destination);

    /// <summary>dst = x · y + z, rounded after the product and after the sum (not fused), like TensorPrimitives.MultiplyAdd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(ReadOnlySpan<float> x, float y, ReadOnlySpan<float> z, Span<float> destination)
    {
        int n = Check(x.Length, z.Length, destination.Length), i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float zs = ref MemoryMarshal.GetReference(z);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated)
        {
            var v = Vector512.Create(y);
            for (; i <= n - 16; i += 16) (Vector512.LoadUnsafe(ref xs, (nuint)i) * v + Vector512.LoadUnsafe(ref zs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var v = Vector256.Create(y);
            for (; i <= n - 8; i += 8) (Vector256.LoadUnsafe(ref xs, (nuint)i) * v + Vector256.LoadUnsafe(ref zs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ds, i) = Unsafe.Add(ref xs, i) * y + Unsafe.Add(ref zs, i);
    }

    /// <summary>dst = x · y + z elementwise, not fused.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, Span<float> destination)
    {
        int n = Check(x.Length, y.Length, z.Length, destination.Length), i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float zs = ref MemoryMarshal.GetReference(z);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref xs, (nuint)i) * Vector512.LoadUnsafe(ref ys, (nuint)i) + Vector512.LoadUnsafe(ref zs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref xs, (nuint)i) * Vector256.LoadUnsafe(ref ys, (nuint)i) + Vector256.LoadUnsafe(ref zs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref ds, i) = Unsafe.Add(ref xs, i) * Unsafe.Add(ref ys, i) + Unsafe.Add(ref zs, i);
    }

    /// <summary>dst = clamp(x, min, max), like TensorPrimitives.Clamp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Clamp(ReadOnlySpan<float> x, float min, float max, Span<float> destination)
    {
        int n = Check(x.Length, destination.Length), i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated)
        {
            var lo = Vector512.Create(min);
            var hi = Vector512.Create(max);
            for (; i <= n - 16; i += 16) Vector512.Clamp(Vector512.LoadUnsafe(ref xs, (nuint)i), lo, hi).StoreUnsafe(ref ds, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var lo = Vector256.Create(min);
            var hi = Vector256.Create(max);
            for (; i <= n - 8; i += 8) Vector256.Clamp(Vector256.LoadUnsafe(ref xs, (nuint)i), lo, hi).StoreUnsafe(ref ds, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ds, i) = MathF.Min(MathF.Max(Unsafe.Add(ref xs, i), min), max);
    }

    /// <summary>The largest value (NaN when any is NaN; +0 over −0), like TensorPrimitives.Max; the order does not matter.</summary>
    public static float Max(ReadOnlySpan<float> x) => Reduce<MaxOp>(x);

    /// <summary>The value of largest magnitude, like TensorPrimitives.MaxMagnitude (NaN when any is NaN; +x over −x).</summary>
    public static float MaxMagnitude(ReadOnlySpan<float> x) => Reduce<MaxMagnitudeOp>(x);

    /// <summary>Widens binary16 values to binary32 exactly (<see cref="HalfVector"/>), like TensorPrimitives.ConvertToSingle.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ConvertToSingle(ReadOnlySpan<Half> x, Span<float> destination)
    {
        int n = Check(x.Length, destination.Length), i = 0;
        ref ushort xs = ref Unsafe.As<Half, ushort>(ref MemoryMarshal.GetReference(x));
        ref float ds = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
            {
                var bits = Vector256.LoadUnsafe(ref xs, (nuint)i);
                Quiet(HalfVector.ToSingle(Vector512.Create(Vector256.WidenLower(bits), Vector256.WidenUpper(bits)))).StoreUnsafe(ref ds, (nuint)i);
            }
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
            {
                var bits = Vector128.LoadUnsafe(ref xs, (nuint)i);
                Quiet(HalfVector.ToSingle(Vector256.Create(Vector128.WidenLower(bits), Vector128.WidenUpper(bits)))).StoreUnsafe(ref ds, (nuint)i);
            }
        for (; i < n; i++)
        {
            float value = HalfVector.ToSingle(Unsafe.Add(ref xs, i));
            Unsafe.Add(ref ds, i) = float.IsNaN(value) ? BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(value) | QuietBit) : value;
        }
    }

    /// <summary>The BCL's conversion returns NaNs quiet (a signalling binary16 NaN keeps its payload, gains the quiet bit).</summary>
    private const uint QuietBit = 0x00400000;

    /// <summary>One elementwise operation at every width the loops use; the loops are written once, for all of them.</summary>
    private interface IBinaryOp
    {
        static abstract float Invoke(float x, float y);
        static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);
        static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> y);
    }

    private readonly struct MultiplyOp : IBinaryOp
    {
        public static float Invoke(float x, float y) => x * y;
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x * y;
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x * y;
    }

    private readonly struct AddOp : IBinaryOp
    {
        public static float Invoke(float x, float y) => x + y;
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x + y;
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x + y;
    }

    private readonly struct SubtractOp : IBinaryOp
    {
        public static float Invoke(float x, float y) => x - y;
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x - y;
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x - y;
    }

    private readonly struct DivideOp : IBinaryOp
    {
        public static float Invoke(float x, float y) => x / y;
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x / y;
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x / y;
    }

    private readonly struct MinOp : IBinaryOp
    {
        public static float Invoke(float x, float y) => MathF.Min(x, y);
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => Vector256.Min(x, y);
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => Vector512.Min(x, y);
    }

    private readonly struct MaxOp : IBinaryOp
    {
        public static float Invoke(float x, float y) => MathF.Max(x, y);
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => Vector256.Max(x, y);
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => Vector512.Max(x, y);
    }

    private readonly struct MaxMagnitudeOp : IBinaryOp
    {
        public static float Invoke(float x, float y) => MathF.MaxMagnitude(x, y);
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => Vector256.MaxMagnitude(x, y);
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => Vector512.MaxMagnitude(x, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) where TOp : struct, IBinaryOp
    {
        int n = Check(x.Length, y.Length, destination.Length), i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16) TOp.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i), Vector512.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) TOp.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i), Vector256.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref ds, i) = TOp.Invoke(Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<TOp>(ReadOnlySpan<float> x, float y, Span<float> destination) where TOp : struct, IBinaryOp
    {
        int n = Check(x.Length, destination.Length), i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated)
        {
            var v = Vector512.Create(y);
            for (; i <= n - 16; i += 16) TOp.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i), v).StoreUnsafe(ref ds, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var v = Vector256.Create(y);
            for (; i <= n - 8; i += 8) TOp.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i), v).StoreUnsafe(ref ds, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ds, i) = TOp.Invoke(Unsafe.Add(ref xs, i), y);
    }

    /// <summary>An order-free reduction (the operation is associative and commutative, NaN handling included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Reduce<TOp>(ReadOnlySpan<float> x) where TOp : struct, IBinaryOp
    {
        if (x.IsEmpty) throw new ArgumentException("the span is empty", nameof(x));
        int n = x.Length, i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        float result = x[0];
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var m = Vector512.LoadUnsafe(ref xs);
            for (i = 16; i <= n - 16; i += 16) m = TOp.Invoke(m, Vector512.LoadUnsafe(ref xs, (nuint)i));
            for (int k = 0; k < 16; k++) result = TOp.Invoke(result, m.GetElement(k));
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var m = Vector256.LoadUnsafe(ref xs);
            for (i = 8; i <= n - 8; i += 8) m = TOp.Invoke(m, Vector256.LoadUnsafe(ref xs, (nuint)i));
            for (int k = 0; k < 8; k++) result = TOp.Invoke(result, m.GetElement(k));
        }
        for (; i < n; i++) result = TOp.Invoke(result, Unsafe.Add(ref xs, i));
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quiet(Vector512<float> v) => (v.AsUInt32() | (~Vector512.Equals(v, v)).AsUInt32() & Vector512.Create(QuietBit)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Quiet(Vector256<float> v) => (v.AsUInt32() | (~Vector256.Equals(v, v)).AsUInt32() & Vector256.Create(QuietBit)).AsSingle();

    private static int Check(int x, int destination)
    {
        if (destination < x) throw new ArgumentException($"the destination holds {destination} values, {x} needed", nameof(destination));
        return x;
    }

    private static int Check(int x, int y, int destination)
    {
        if (y != x) throw new ArgumentException($"the inputs differ in length ({x} and {y})", nameof(y));
        return Check(x, destination);
    }

    private static int Check(int x, int y, int z, int destination)
    {
        if (z != x) throw new ArgumentException($"the inputs differ in length ({x} and {z})", nameof(z));
        return Check(x, y, destination);
    }
}
