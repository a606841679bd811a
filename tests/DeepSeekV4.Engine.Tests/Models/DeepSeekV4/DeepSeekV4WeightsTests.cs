using global::DeepSeekV4.Engine.Gguf;
using global::DeepSeekV4.Engine.Models.DeepSeekV4;
using global::DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

public class DeepSeekV4WeightsTests
{
    [Fact]
    public void TinyWeightsBindInPlaceWithTheirStoredTypes()
    {
        using var file = GgufFile.Open(TinyReference.F16Path);
        var w = DeepSeekV4Weights.Bind(file, DeepSeekV4Config.FromGguf(file));
        Assert.Equal(GgmlType.F16, w.TokenEmbedding.Type);
        Assert.Equal(file.GetTensorAddress(file.GetTensor("token_embd.weight")), w.TokenEmbedding.Address);
        Assert.Equal(6, w.Layers.Count);
        Assert.Null(w.Layers[0].Attention.Compressor);
        Assert.NotNull(w.Layers[2].Attention.Indexer);
        Assert.Null(w.Layers[3].Attention.Indexer);
        Assert.Equal(128, w.Layers[3].Attention.Compressor!.Ratio);
        Assert.NotNull(w.Layers[2].Moe.TokenExperts);
        Assert.NotNull(w.Layers[3].Moe.Bias);
        Assert.Equal(16, w.Layers[4].Moe.Gate.Length);
        // attn_output_a group 1 = rows 32..63 (PyTorch [G·R_o, H·d/G]).
        var outA = w.Layers[2].Attention.OutputA;
        Assert.Equal(outA.Address + 32 * outA.RowBytes, w.Layers[2].Attention.OutputAGroups[1].Address);
        Assert.Null(w.Mtp);
    }

    [Fact]
    public void AWrongShapeIsRefusedNamingTheTensorAndBothShapes()
    {
        using var file = TinyGgufVariants.Build(keepTensor: n => n != "blk.4.attn_q_b.weight",
            addTensors: (w, src) => TinyGgufVariants.AddF32(w, "blk.4.attn_q_b.weight", [64, 256], 0f));
        var e = Assert.Throws<UnsupportedModelException>(() => DeepSeekV4Model.Load(file));
        Assert.Equal("blk.4.attn_q_b.weight", e.Field);
        Assert.Equal("[64, 256]", e.Value);
        Assert.Contains("[64, 512]", e.Message);
    }

    [Fact]
    public void AMissingTensorIsRefused()
    {
        using var file = TinyGgufVariants.Build(keepTensor: n => n != "blk.2.indexer_compressor_ape.weight");
        Assert.Equal("blk.2.indexer_compressor_ape.weight", Assert.Throws<UnsupportedModelException>(() => DeepSeekV4Model.Load(file)).Field);
    }

    [Fact]
    public void AnOutOfRangeHashRoutingEntryIsRefused()
    {
        using var file = TinyGgufVariants.Build(keepTensor: n => n != "blk.1.ffn_gate_tid2eid.weight",
            addTensors: (w, src) =>
            {
                var table = new int[4 * 512];
                table[77] = 16;
                w.AddTensor("blk.1.ffn_gate_tid2eid.weight", GgmlType.I32, [4, 512], System.Runtime.InteropServices.MemoryMarshal.AsBytes(table.AsSpan()));
            });
        var e = Assert.Throws<UnsupportedModelException>(() => DeepSeekV4Model.Load(file));
        Assert.Equal("blk.1.ffn_gate_tid2eid.weight", e.Field);
        Assert.Equal("16", e.Value);
    }

    [Fact]
    public void AnMtpBlockCountedInBlockCountIsBoundAndKeptAside()
    {
        // llama.cpp's convention: block_count 7 with nextn_predict_layers 1 → 6 main layers + the MTP block at index 6.
        using var file = TinyGgufVariants.Build(m =>
        {
            m["deepseek4.block_count"] = GgufMetadataValue.From(7u);
            m["deepseek4.nextn_predict_layers"] = GgufMetadataValue.From(1u);
            m["deepseek4.attention.compress_ratios"] = GgufMetadataValue.From(new[] { 0, 0, 4, 128, 4, 128, 0 });
            m["deepseek4.swiglu_clamp_exp"] = GgufMetadataValue.From(Enumerable.Repeat(10f, 7).ToArray());
            m["deepseek4.swiglu_clamp_shexp"] = GgufMetadataValue.From(Enumerable.Repeat(10f, 7).ToArray());
        }, addTensors: (w, src) =>
        {
            foreach (var t in src.Tensors.Where(t => t.Name.StartsWith("blk.5.", StringComparison.Ordinal) && !t.Name.Contains("compressor")))
                TinyGgufVariants.CopyTensor(w, src, t.Name, "blk.6." + t.Name["blk.5.".Length..]);
            TinyGgufVariants.AddF32(w, "blk.6.nextn.eh_proj.weight", [256, 128], 0.01f);
            TinyGgufVariants.AddF32(w, "blk.6.nextn.enorm.weight", [128], 1f);
            TinyGgufVariants.AddF32(w, "blk.6.nextn.hnorm.weight", [128], 1f);
        });
        using var model = DeepSeekV4Model.Load(file);
        Assert.Equal((6, 1), (model.Config.LayerCount, model.Config.MtpLayerCount));
        Assert.NotNull(model.Weights.Mtp);
        Assert.Equal(6, model.Weights.Mtp!.Block.Layer);
        Assert.NotNull(model.Weights.Mtp.Block.Moe.Bias);
        Assert.Null(model.Weights.Mtp.Head);

        // The MTP block does not take part in the forward pass.
        var c = TinyReference.Case("len7");
        using var sequence = model.CreateSequence(64, global::DeepSeekV4.Engine.KvCache.KvCacheFormat.F32);
        var logits = new float[TinyReference.Vocab];
        sequence.Forward(c.Prompt, logits);
        Assert.True(TinyReference.RowDeviation(logits, c.PrefillRow(0)) <= 1e-2f);
    }

    [Fact]
    public void NextnWithoutItsTensorsCountsEveryBlockAsMain()
    {
        // llama.cpp probes blk.{main}.nextn.eh_proj.weight; without it all block_count blocks are main layers.
        using var file = TinyGgufVariants.Build(m => m["deepseek4.nextn_predict_layers"] = GgufMetadataValue.From(1u));
        var c = DeepSeekV4Config.FromGguf(file);
        Assert.Equal((6, 0), (c.LayerCount, c.MtpLayerCount));
    }
}
