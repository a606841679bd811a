// The control of the copy measurements: a plain two-layer attention-only transformer (learned positions, 4 heads,
// RMS norms, no MLP, untied output) trained on a token file of copy episodes (copy-episodes.py), printing the held-out
// loss every 50 steps. If it does not learn to copy either, the DeepSeek V4 model's failure is the budget's, not its
// architecture's or our implementation's.
//   dotnet run -c Release -- DATA_DIR STEPS LR CONTEXT BATCH [tied]
// DATA_DIR holds train.u16 and heldout.u16; "tied" starts the output matrix as the embedding's transpose (scaled so
// that a token's own logit is √d), a start from which copying needs no token-by-token output mapping to be learned.
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

string dir = args[0];
int steps = int.Parse(args[1], CultureInfo.InvariantCulture);
double lr = double.Parse(args[2], CultureInfo.InvariantCulture);
int context = int.Parse(args[3], CultureInfo.InvariantCulture), batch = int.Parse(args[4], CultureInfo.InvariantCulture);
bool tied = args.Length > 5 && args[5] == "tied";
const int Vocabulary = 8192, Dim = 128, Heads = 4, Layers = 2, HeadDim = Dim / Heads;
torch.set_num_threads(1);
torch.manual_seed(1);

var train = Load(Path.Combine(dir, "train.u16"));
var heldout = Load(Path.Combine(dir, "heldout.u16"));
var parameters = new List<Parameter>();
var embedding = Weight(Vocabulary, Dim);
var positions = Weight(context, Dim);
var layers = Enumerable.Range(0, Layers).Select(_ => (Q: Weight(Dim, Dim), K: Weight(Dim, Dim), V: Weight(Dim, Dim), O: Weight(Dim, Dim), Norm: Gain(Dim))).ToArray();
var finalNorm = Gain(Dim);
var output = Weight(Dim, Vocabulary);
if (tied)
{
    using var _ = no_grad();
    output.copy_(embedding.t() * (1.0 / 0.02 / Math.Sqrt(Dim)));
}
var future = ones(context, context).triu(1).to_type(ScalarType.Bool);
var optimizer = torch.optim.AdamW(parameters, lr, 0.9, 0.95, 1e-8, 0.1);
var random = new Random(1);
for (int step = 1; step <= steps; step++)
{
    using var scope = NewDisposeScope();
    var loss = Loss(Windows(train, random));
    optimizer.zero_grad();
    loss.backward();
    nn.utils.clip_grad_norm_(parameters, 1.0);
    optimizer.step();
    if (step % 50 == 0) Console.WriteLine(FormattableString.Invariant($"{DateTime.Now:HH:mm:ss} step {step} loss {loss.item<float>():F4} heldout {Heldout():F4}"));
}

Tensor Weight(params long[] shape) => Keep(randn(shape) * 0.02);
Tensor Gain(long n) => Keep(ones(n));
Tensor Keep(Tensor t)
{
    var p = new Parameter(t);
    parameters.Add(p);
    return p;
}

static Tensor Norm(Tensor x, Tensor gain) => x * (x.square().mean([-1], keepdim: true) + 1e-6).rsqrt() * gain;

Tensor Logits(Tensor ids)
{
    var x = embedding.index_select(0, ids.flatten()).view(batch, context, Dim) + positions;
    foreach (var l in layers)
    {
        var h = Norm(x, l.Norm);
        Tensor Split(Tensor w) => h.matmul(w).view(batch, context, Heads, HeadDim).transpose(1, 2);
        var weights = (Split(l.Q).matmul(Split(l.K).transpose(2, 3)) / Math.Sqrt(HeadDim)).masked_fill(future, float.NegativeInfinity).softmax(-1);
        x = x + weights.matmul(Split(l.V)).transpose(1, 2).reshape(batch, context, Dim).matmul(l.O);
    }
    return Norm(x, finalNorm).matmul(output);
}

Tensor Loss(Tensor windows) =>
    nn.functional.cross_entropy(Logits(windows.narrow(1, 0, context)).view(-1, Vocabulary), windows.narrow(1, 1, context).flatten());

Tensor Windows(int[] tokens, Random r)
{
    var ids = new long[batch * (context + 1)];
    for (int b = 0; b < batch; b++)
    {
        int start = r.Next(tokens.Length - context - 1);
        for (int i = 0; i <= context; i++) ids[b * (context + 1) + i] = tokens[start + i];
    }
    return tensor(ids).view(batch, context + 1);
}

double Heldout()
{
    using var _ = no_grad();
    var r = new Random(7);
    double sum = 0;
    for (int i = 0; i < 8; i++) sum += Loss(Windows(heldout, r)).item<float>();
    return sum / 8;
}

static int[] Load(string path)
{
    var bytes = File.ReadAllBytes(path);
    var ids = new int[bytes.Length / 2];
    for (int i = 0; i < ids.Length; i++) ids[i] = bytes[2 * i] | (bytes[2 * i + 1] << 8);
    return ids;
}
