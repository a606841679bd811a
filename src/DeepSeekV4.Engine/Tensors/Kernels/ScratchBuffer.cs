using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Tensors.Kernels;

/// <summary>
/// A reusable, pinned, 64-byte aligned byte buffer that grows on demand (one per thread where it is used). The pointer
/// from <see cref="Get"/> is valid while this object is reachable and until the next larger request.
/// </summary>
internal sealed unsafe class ScratchBuffer
{
    private byte[]? _array;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public byte* Get(long bytes)
    {
        if (_array == null || _array.Length < bytes + 64)
            _array = GC.AllocateUninitializedArray<byte>(checked((int)Math.Max(bytes + 64, 64 * 1024)), pinned: true);
        byte* p = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        return (byte*)(((nint)p + 63) & ~(nint)63);
    }
}
