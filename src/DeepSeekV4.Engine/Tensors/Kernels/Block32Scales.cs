using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// The f16 scales that open 8 consecutive blocks, as 8 zero-extended uint32 lanes. With AVX-512 BW, word permutes pick
/// them out of the blocks' own cache lines, which the kernel loads anyway; a hardware gather costs several times more
/// and was a third of a single-token Q8_0 dot.
/// </summary>
internal static unsafe class Block32Scales
{
    /// <summary>Q8_0: blocks 34 bytes apart; blocks 0–3 lie in the first 128 bytes, the scales of 4–7 in the next 128.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Q8_0(byte* blocks)
    {
        if (!Avx512BW.IsSupported) return Gather(blocks, 34);
        var low = Avx512BW.PermuteVar32x16x2(Avx512F.LoadVector512((ushort*)blocks),
            Vector512.Create((ushort)0, 17, 34, 51, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            Avx512F.LoadVector512((ushort*)(blocks + 64)));
        var high = Avx512BW.PermuteVar32x16x2(Avx512F.LoadVector512((ushort*)(blocks + 128)),
            Vector512.Create((ushort)0, 0, 0, 0, 4, 21, 38, 55, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            Avx512F.LoadVector512((ushort*)(blocks + 192)));
        var words = Vector512.ConditionalSelect(Vector512.Create(0ul, 0xFFFF_FFFF_FFFF_FFFFul, 0, 0, 0, 0, 0, 0).AsUInt16(), high, low);
        return Avx2.ConvertToVector256Int32(words.GetLower().GetLower()).AsUInt32();
    }

    /// <summary>Q4_0: blocks 18 bytes apart; all 8 scales lie in the first 128 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Q4_0(byte* blocks)
    {
        if (!Avx512BW.IsSupported) return Gather(blocks, 18);
        var words = Avx512BW.PermuteVar32x16x2(Avx512F.LoadVector512((ushort*)blocks),
            Vector512.Create((ushort)0, 9, 18, 27, 36, 45, 54, 63, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            Avx512F.LoadVector512((ushort*)(blocks + 64)));
        return Avx2.ConvertToVector256Int32(words.GetLower().GetLower()).AsUInt32();
    }

    /// <summary>MXFP4: blocks 17 bytes apart, each opening with its E8M0 exponent byte; all 8 lie in the first 128 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Mxfp4(byte* blocks)
    {
        if (!Avx512Vbmi.IsSupported) return Avx2.GatherVector256((uint*)blocks, Vector256.Create(0, 17, 34, 51, 68, 85, 102, 119), 1) & Vector256.Create(0xFFu);
        var bytes = Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(blocks),
            Vector512.Create((byte)0, 17, 34, 51, 68, 85, 102, 119, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            Vector512.Load(blocks + 64));
        return Avx2.ConvertToVector256Int32(bytes.GetLower().GetLower()).AsUInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Gather(byte* blocks, int blockBytes) =>
        Avx2.GatherVector256((uint*)blocks, Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * blockBytes, 1) & Vector256.Create(0xFFFFu);
}
