using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// Runs the static initializers of every type whose static fields the kernels read, before any kernel is compiled.
/// The JIT compiles a kernel at its first call; if a table's class is not initialized by then, it plants an
/// initialization check in the hot loop, and the helper call behind that check forces live float accumulators out of
/// registers (no vector register survives a call on x64 Linux): the IQ2_XXS row loop measured a third slower for it.
/// </summary>
internal static class KernelStatics
{
    public static void Initialize()
    {
        RuntimeHelpers.RunClassConstructor(typeof(KernelIsa).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(IqTables).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(Mxfp4Weights).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(Iq4XsDot).TypeHandle);
    }
}
