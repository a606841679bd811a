using System.Runtime.InteropServices;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// Finds weights by name in a GGUF and checks each against the shape the configuration implies (ggml order, ne0
/// first; trailing 1-dims ignored) and against the types this engine can compute with. Matrices stay views into the
/// file; only small vectors (norms, biases, sinks, positional biases) are decoded to float32.
/// </summary>
internal sealed class TensorBinder
{
    private readonly GgufFile _file;
    private readonly bool _interleave;
    private readonly Dictionary<string, TensorView> _interleaved = new(StringComparer.Ordinal);
    private readonly Func<string, string>? _rename;
    private readonly Dictionary<string, long> _bound = new(StringComparer.Ordinal);

    /// <param name="interleave">Store Q8_0 matrices interleaved for the products when the file's bytes are the process's own copy.</param>
    /// <param name="rename">
    /// Maps llama.cpp's name (what the binding code asks for) to the name this file stores it under (ds4's <c>mtp.0.*</c>);
    /// errors name the file's own name.
    /// </param>
    public TensorBinder(GgufFile file, bool interleave = false, Func<string, string>? rename = null)
    {
        _file = file;
        _interleave = interleave && file.HasPrivateCopy && InterleavedQ8_0.IsSupported;
        _rename = rename;
    }

    public string Path => _file.Path;

    /// <summary>Tensors bound so far (by the file's names), each counted once.</summary>
    public int BoundCount => _bound.Count;

    /// <summary>Stored bytes of the tensors bound so far.</summary>
    public long BoundBytes => _bound.Values.Sum();

    public bool Has(string name) => _file.TryGetTensor(Stored(name), out _);

    private string Stored(string name) => _rename?.Invoke(name) ?? name;

    /// <summary>A weight of exactly <paramref name="dims"/> (ggml order) in any supported type.</summary>
    public TensorView Tensor(string name, params long[] dims)
    {
        var info = Find(name);
        CheckShape(info, dims);
        if (!Dequantizer.IsSupported(info.Type))
            throw new UnsupportedModelException(Path, name, info.TypeInfo.Name, "this tensor type is not supported yet");
        return _file.GetTensorView(info);
    }

    public TensorView? Optional(string name, params long[] dims) => Has(name) ? Tensor(name, dims) : null;

    /// <summary>
    /// A weight used only as the matrix of products (never read by rows): Q8_0 matrices are rearranged once into the
    /// <see cref="InterleavedQ8_0"/> layout when the binder was asked to and the bytes are the process's own copy.
    /// </summary>
    public TensorView Matrix(string name, params long[] dims) => Matrix(name, dims, anyRowShape: false);

    /// <summary>
    /// <see cref="Matrix(string, long[])"/> for a weight that files have stored in more than one shape: any shape with
    /// the expected row length (ne0) and element count is read as <paramref name="dims"/>, as llama.cpp does (early
    /// converters wrote attn_output_a as [ne0, rank, groups]; the rows are the same bytes in the same order).
    /// </summary>
    public TensorView MatrixOfAnyRowShape(string name, params long[] dims) => Matrix(name, dims, anyRowShape: true);

    private TensorView Matrix(string name, long[] dims, bool anyRowShape)
    {
        if (_interleaved.TryGetValue(name, out var done)) return done;
        var view = anyRowShape ? Reshaped(name, dims) : Tensor(name, dims);
        if (!_interleave || !InterleavedQ8_0.Fits(view.Type, view.RowCount)) return view;
        return _interleaved[name] = InterleavedQ8_0.Interleave(view);
    }

    private TensorView Reshaped(string name, long[] dims)
    {
        var info = Find(name);
        long elements = dims.Aggregate(1L, (a, d) => a * d);
        if (SameShape(info.Dimensions, dims) || info.RowLength != dims[0] || info.ElementCount != elements) return Tensor(name, dims);
        if (!Dequantizer.IsSupported(info.Type))
            throw new UnsupportedModelException(Path, name, info.TypeInfo.Name, "this tensor type is not supported yet");
        return new TensorView(info.Name, info.Type, dims, _file.GetTensorAddress(info), info.ByteSize);
    }

    /// <summary>A small tensor decoded to float32 (vectors, positional biases).</summary>
    public float[] Floats(string name, params long[] dims)
    {
        var view = Tensor(name, dims);
        return view.ToFloatArray();
    }

    /// <summary>An I32 table whose values must lie in [0, <paramref name="limit"/>).</summary>
    public int[] Int32Table(string name, int limit, params long[] dims)
    {
        var info = Find(name);
        CheckShape(info, dims);
        if (info.Type != GgmlType.I32)
            throw new UnsupportedModelException(Path, name, info.TypeInfo.Name, "expected an I32 table");
        var values = MemoryMarshal.Cast<byte, int>(_file.GetTensorData(info)).ToArray();
        for (int i = 0; i < values.Length; i++)
            if ((uint)values[i] >= (uint)limit)
                throw new UnsupportedModelException(Path, name, values[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"entry {i} is out of range 0..{limit - 1}");
        return values;
    }


    private GgufTensorInfo Find(string name)
    {
        string stored = Stored(name);
        if (!_file.TryGetTensor(stored, out var info)) throw new UnsupportedModelException(Path, stored, "(missing)", "required tensor is absent");
        _bound.TryAdd(info.Name, info.ByteSize);
        return info;
    }

    private void CheckShape(GgufTensorInfo info, long[] expected)
    {
        if (!SameShape(info.Dimensions, expected))
            throw new UnsupportedModelException(Path, info.Name, info.ShapeText,
                $"expected shape [{string.Join(", ", expected)}] (ggml order) from the model's metadata");
    }

    private static bool SameShape(long[] actual, long[] expected)
    {
        int a = actual.Length, e = expected.Length;
        while (a > 0 && actual[a - 1] == 1) a--;
        while (e > 0 && expected[e - 1] == 1) e--;
        if (a != e) return false;
        for (int i = 0; i < a; i++)
            if (actual[i] != expected[i]) return false;
        return true;
    }
}
