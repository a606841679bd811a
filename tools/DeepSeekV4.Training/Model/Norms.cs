using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Model;

public static class Norms
{
    /// <summary>x / sqrt(mean(x²) + eps) over the last dim, times <paramref name="weight"/> when given.</summary>
    public static Tensor Rms(Tensor x, Tensor? weight, float eps)
    {
        var y = x * (x.square().mean([-1], keepdim: true) + eps).rsqrt();
        return weight is null ? y : y * weight;
    }
}
