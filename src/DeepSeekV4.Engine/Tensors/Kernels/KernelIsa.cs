using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>Instruction-set paths the dot-product kernels have.</summary>
public enum KernelPath
{
    /// <summary>Plain C#: the reference every SIMD path is tested against.</summary>
    Portable,
    /// <summary>256-bit AVX2 (with AVX-VNNI's vpdpbusd when the CPU has it).</summary>
    Avx2,
    /// <summary>512-bit AVX-512 F/BW.</summary>
    Avx512,
}

/// <summary>
/// Which kernel path runs. The best one the CPU supports, unless the environment variable DSV4_KERNELS names a lower one
/// (portable, avx2), read once at start-up so the JIT folds the choice away.
/// </summary>
public static class KernelIsa
{
    public static bool Avx2Supported => Avx2.IsSupported && Fma.IsSupported;

    public static bool Avx512Supported => Avx512BW.IsSupported && Avx512F.IsSupported && Avx512DQ.IsSupported && Vector512.IsHardwareAccelerated;

    public static bool VnniSupported => AvxVnni.IsSupported;

    private static readonly string? Requested = Environment.GetEnvironmentVariable("DSV4_KERNELS");

    public static readonly KernelPath Selected = Choose(Requested);

    /// <summary>
    /// The path for kernels whose 512-bit version measured no faster than the 256-bit one on the machines here (AMD Zen 4
    /// runs 512-bit integer work as two 256-bit halves, and .NET exposes VNNI only at 256 bits): AVX2 unless
    /// DSV4_KERNELS asks for a path explicitly.
    /// </summary>
    public static readonly KernelPath Selected256 = Selected == KernelPath.Avx512 && string.IsNullOrWhiteSpace(Requested) ? KernelPath.Avx2 : Selected;

    internal static readonly bool UseAvx512 = Selected == KernelPath.Avx512;
    internal static readonly bool UseAvx2 = Selected == KernelPath.Avx2;

    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Portable => true,
        KernelPath.Avx2 => Avx2Supported,
        KernelPath.Avx512 => Avx512Supported && Avx2Supported,
        _ => false,
    };

    private static KernelPath Choose(string? requested)
    {
        var best = IsSupported(KernelPath.Avx512) ? KernelPath.Avx512 : IsSupported(KernelPath.Avx2) ? KernelPath.Avx2 : KernelPath.Portable;
        if (string.IsNullOrWhiteSpace(requested)) return best;
        if (!Enum.TryParse<KernelPath>(requested, ignoreCase: true, out var path) || !IsSupported(path))
            throw new InvalidOperationException(
                $"DSV4_KERNELS='{requested}' is not a kernel path this CPU supports (portable{(IsSupported(KernelPath.Avx2) ? ", avx2" : "")}{(IsSupported(KernelPath.Avx512) ? ", avx512" : "")})");
        return path;
    }
}
