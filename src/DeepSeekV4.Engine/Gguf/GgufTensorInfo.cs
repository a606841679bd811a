using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// One tensor-info record: dims are in ggml order (ne0 first = the contiguous dimension). <see cref="Shard"/> is the
/// index (from 0) of the file of a split set that holds the data; offsets are within that file.
/// </summary>
public sealed record GgufTensorInfo(string Name, GgmlType Type, long[] Dimensions, long Offset, long DataStart)
{
    public int Shard { get; init; }

    public GgmlTypeInfo TypeInfo => GgmlTypeInfo.Of(Type);

    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Dimensions) n *= d;
            return n;
        }
    }

    /// <summary>Bytes of the tensor's data: (ne0 / block) × bytes per block × ne1 × ne2 × ne3.</summary>
    public long ByteSize => TypeInfo.RowBytes(RowLength) * RowCount;

    /// <summary>ne0: the number of elements in one contiguous row.</summary>
    public long RowLength => Dimensions.Length == 0 ? 1 : Dimensions[0];

    /// <summary>ne1 × ne2 × ne3: the number of rows.</summary>
    public long RowCount
    {
        get
        {
            long n = 1;
            for (int i = 1; i < Dimensions.Length; i++) n *= Dimensions[i];
            return n;
        }
    }

    /// <summary>Absolute byte offset of the data in its file (the shard's, in a split set).</summary>
    public long FileOffset => DataStart + Offset;

    public string ShapeText => "[" + string.Join(", ", Dimensions) + "]";
}
