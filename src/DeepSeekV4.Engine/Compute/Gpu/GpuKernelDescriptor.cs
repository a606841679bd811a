using System.Reflection;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// One device kernel as listed for PTX compilation and listings: our name ("rms_norm_rows"), its entry method (a closed
/// generic where the kernel is generic), and whether it is explicitly grouped (launched with a <c>KernelConfig</c>) or
/// implicitly grouped (an <c>Index1D</c>/<c>Index2D</c> first parameter).
/// </summary>
public sealed record GpuKernelDescriptor(string Name, MethodInfo Method, bool ExplicitlyGrouped);
