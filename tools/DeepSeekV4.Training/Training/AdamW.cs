using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Training;

/// <summary>
/// AdamW (decoupled weight decay) over the store's trainable tensors, with global-norm gradient clipping; its state
/// (moments and step count) is saved with the checkpoint so that a resumed run continues bit for bit.
/// </summary>
public sealed class AdamW
{
    private sealed record Slot(string Name, Tensor Parameter, Tensor First, Tensor Second, bool Decay);

    private readonly List<Slot> _slots = [];
    private readonly double _beta1, _beta2, _eps, _weightDecay;

    public AdamW(IEnumerable<(string Name, Tensor Value)> parameters, Func<string, Tensor, bool> decays,
        double beta1 = 0.9, double beta2 = 0.95, double eps = 1e-8, double weightDecay = 0.1)
    {
        foreach (var (name, p) in parameters)
            _slots.Add(new Slot(name, p, zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope(), decays(name, p)));
        (_beta1, _beta2, _eps, _weightDecay) = (beta1, beta2, eps, weightDecay);
    }

    public long Steps { get; private set; }

    /// <summary>Scales the gradients so that their global norm is at most <paramref name="maxNorm"/>; returns the norm before.</summary>
    public double ClipGradients(double maxNorm)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var grads = _slots.Select(s => s.Parameter.grad).Where(g => g is not null).Select(g => g!).ToList();
        double norm = Math.Sqrt(grads.Sum(g => g.square().sum().item<float>()));
        if (norm > maxNorm)
            foreach (var g in grads) g.mul_(maxNorm / (norm + 1e-6));
        return norm;
    }

    public void Step(double lr)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Steps++;
        double c1 = 1 - Math.Pow(_beta1, Steps), c2 = 1 - Math.Pow(_beta2, Steps);
        foreach (var s in _slots)
        {
            var g = s.Parameter.grad;
            if (g is null) continue;
            s.First.mul_(_beta1).add_(g, alpha: 1 - _beta1);
            s.Second.mul_(_beta2).addcmul_(g, g, value: 1 - _beta2);
            if (s.Decay) s.Parameter.mul_(1 - lr * _weightDecay);
            var denominator = (s.Second / c2).sqrt_().add_(_eps);
            s.Parameter.addcdiv_(s.First, denominator, value: -lr / c1);
        }
    }

    public void ZeroGradients()
    {
        foreach (var s in _slots) s.Parameter.grad?.zero_();
    }

    public void Save(BinaryWriter w)
    {
        w.Write(Steps);
        w.Write(_slots.Count);
        foreach (var s in _slots)
        {
            Model.ParameterStore.WriteTensor(w, s.Name + "#m", s.First);
            Model.ParameterStore.WriteTensor(w, s.Name + "#v", s.Second);
        }
    }

    public void Load(BinaryReader r)
    {
        Steps = r.ReadInt64();
        int count = r.ReadInt32();
        if (count != _slots.Count) throw new InvalidDataException($"checkpoint optimizer has {count} tensors, the model {_slots.Count}");
        using var _ = no_grad();
        foreach (var s in _slots)
        {
            var (mName, m) = Model.ParameterStore.ReadTensor(r);
            var (vName, v) = Model.ParameterStore.ReadTensor(r);
            if (mName != s.Name + "#m" || vName != s.Name + "#v") throw new InvalidDataException($"checkpoint optimizer state {mName} where {s.Name}#m was expected");
            s.First.copy_(m);
            s.Second.copy_(v);
        }
    }
}
