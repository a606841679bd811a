using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;
using DeepSeekV4.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Model;

/// <summary>
/// The model's tensors under their GGUF names, in PyTorch layout (ggml dims reversed: a matrix is [out, in]).
/// Float tensors are trainable parameters; the hash-routing tables (ffn_gate_tid2eid) are int64 constants.
/// </summary>
public sealed class ParameterStore
{
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public Tensor this[string name] =>
        _tensors.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"the model has no tensor '{name}'");

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public IReadOnlyList<string> Names => _order;

    /// <summary>The trainable tensors in a fixed order.</summary>
    public IEnumerable<(string Name, Tensor Value)> Trainable =>
        _order.Where(n => _tensors[n].is_floating_point()).Select(n => (n, _tensors[n]));

    public long ParameterCount => Trainable.Sum(p => p.Value.numel());

    public void Set(string name, Tensor value)
    {
        if (!_tensors.ContainsKey(name)) _order.Add(name);
        else _tensors[name].Dispose();
        _tensors[name] = value.is_floating_point() ? value.detach().requires_grad_(true) : value;
    }

    /// <summary>Fresh weights for <paramref name="c"/>, drawn in the plan's order from <paramref name="seed"/>.</summary>
    public static ParameterStore Initialize(DeepSeekV4Config c, long seed)
    {
        var store = new ParameterStore();
        var gen = new Generator((ulong)seed);
        double residualScale = 1.0 / Math.Sqrt(2.0 * (c.LayerCount + c.MtpLayerCount));
        foreach (var t in ModelShape.Tensors(c, SyntheticWeightMix.F32))
        {
            var shape = ModelShape.TorchShape(t.Dimensions);
            long fanIn = t.Dimensions[0];
            Tensor Normal(double sd) => randn(shape, generator: gen) * sd;
            Tensor value = t.Role switch
            {
                SyntheticTensorRole.TokenEmbedding => Normal(1.0),
                SyntheticTensorRole.Output => Normal(0.5 / Math.Sqrt(fanIn)),
                SyntheticTensorRole.Norm => ones(shape),
                SyntheticTensorRole.HyperConnectionFn => Normal(1.0 / Math.Sqrt(fanIn)),
                SyntheticTensorRole.HyperConnectionBase => MixerBase(shape[0], c.HyperConnectionCount),
                SyntheticTensorRole.HyperConnectionScale => full(shape, 0.1f),
                SyntheticTensorRole.AttentionSinks or SyntheticTensorRole.CompressorPositionBias or SyntheticTensorRole.RouterBias => zeros(shape),
                SyntheticTensorRole.HashRouting => HashTable(c, gen),
                SyntheticTensorRole.Router => Normal(0.1 / Math.Sqrt(fanIn)),
                SyntheticTensorRole.RoutedExpertDown => Normal(residualScale / Math.Sqrt(fanIn)),
                _ when t.Name.EndsWith("attn_output_b.weight", StringComparison.Ordinal) => Normal(residualScale / Math.Sqrt(fanIn)),
                _ when t.Name.EndsWith("ffn_down_shexp.weight", StringComparison.Ordinal) => Normal(residualScale / Math.Sqrt(fanIn)),
                _ => Normal(1.0 / Math.Sqrt(fanIn)),
            };
            store.Set(t.Name, value);
        }
        return store;
    }

    // pre and post at σ(0) (pre 0.5 each, post 1); the comb logits lean on the diagonal so each stream mostly keeps itself.
    private static Tensor MixerBase(long length, int hc)
    {
        var b = new float[length];
        if (length == (2 + hc) * hc)
            for (int j = 0; j < hc; j++) b[2 * hc + j * hc + j] = 3f;
        return tensor(b, [length]);
    }

    // Each token id gets k distinct experts, drawn from the seed.
    private static Tensor HashTable(DeepSeekV4Config c, Generator gen)
    {
        int v = c.VocabSize, k = c.ExpertUsedCount, e = c.ExpertCount;
        var table = new long[v * k];
        var keys = rand([v, e], generator: gen).argsort(-1).narrow(1, 0, k).contiguous();
        keys.data<long>().CopyTo(table, 0);
        return tensor(table, [v, k]);
    }

    /// <summary>Every tensor of a GGUF, dequantized to float32 (integer tensors as int64).</summary>
    public static ParameterStore FromGguf(GgufFile file)
    {
        var store = new ParameterStore();
        foreach (var info in file.Tensors)
        {
            var shape = ModelShape.TorchShape(info.Dimensions);
            var data = file.GetTensorData(info);
            if (info.Type == GgmlType.I32)
            {
                var ints = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(data).ToArray();
                store.Set(info.Name, tensor(ints.Select(i => (long)i).ToArray(), shape));
                continue;
            }
            long rowLength = info.RowLength, rows = info.RowCount, rowBytes = info.TypeInfo.RowBytes(rowLength);
            var values = new float[rowLength * rows];
            for (long r = 0; r < rows; r++)
                Dequantizer.DequantizeRow(info.Type, data.Slice((int)(r * rowBytes), (int)rowBytes), values.AsSpan((int)(r * rowLength), (int)rowLength));
            store.Set(info.Name, tensor(values, shape));
        }
        return store;
    }

    /// <summary>Writes every tensor: name, dtype, shape, raw little-endian values.</summary>
    public void Save(BinaryWriter w)
    {
        w.Write(_order.Count);
        foreach (var name in _order) WriteTensor(w, name, _tensors[name]);
    }

    public static void WriteTensor(BinaryWriter w, string name, Tensor t)
    {
        w.Write(name);
        var c = t.detach().contiguous();
        bool isFloat = c.is_floating_point();
        w.Write(isFloat);
        w.Write(c.dim());
        foreach (var d in c.shape) w.Write(d);
        if (isFloat) foreach (var v in c.to_type(ScalarType.Float32).data<float>()) w.Write(v);
        else foreach (var v in c.to_type(ScalarType.Int64).data<long>()) w.Write(v);
    }

    public static (string Name, Tensor Value) ReadTensor(BinaryReader r)
    {
        string name = r.ReadString();
        bool isFloat = r.ReadBoolean();
        var shape = new long[r.ReadInt64()];
        for (int i = 0; i < shape.Length; i++) shape[i] = r.ReadInt64();
        long n = shape.Aggregate(1L, (a, b) => a * b);
        if (isFloat)
        {
            var bytes = r.ReadBytes(checked((int)(n * 4)));
            return (name, tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray(), shape));
        }
        var lbytes = r.ReadBytes(checked((int)(n * 8)));
        return (name, tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(lbytes).ToArray(), shape));
    }

    public static ParameterStore Load(BinaryReader r)
    {
        var store = new ParameterStore();
        int count = r.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            var (name, value) = ReadTensor(r);
            store.Set(name, value);
        }
        return store;
    }

    /// <summary>Whether AdamW decays the tensor: matrices yes; norms, biases, mixer bases and scales, sinks and ape no.</summary>
    public static bool Decays(string name, Tensor t) =>
        t.dim() >= 2 && !name.Contains("_ape.", StringComparison.Ordinal) && !name.Contains("hc_", StringComparison.Ordinal);
}
