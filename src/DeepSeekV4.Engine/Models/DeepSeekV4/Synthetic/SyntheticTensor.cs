using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

/// <summary>
/// One tensor of a synthetic model: its GGUF name, ggml dims (ne0 first = a matrix's input dimension), type, and
/// the distribution of its random values (uniform with this mean and standard deviation; integer tensors draw
/// distinct values in [0, <see cref="IntegerRange"/>) per row).
/// </summary>
public sealed record SyntheticTensor(string Name, SyntheticTensorRole Role, long[] Dimensions, GgmlType Type, float Mean, float StdDev,
    long IntegerRange = 0)
{
    public long RowLength => Dimensions[0];

    public long RowCount
    {
        get
        {
            long rows = 1;
            for (int i = 1; i < Dimensions.Length; i++) rows *= Dimensions[i];
            return rows;
        }
    }

    public long ElementCount => RowLength * RowCount;

    public long ByteSize => GgmlTypeInfo.Of(Type).RowBytes(RowLength) * RowCount;

    public string ShapeText => "[" + string.Join(", ", Dimensions) + "]";
}
