using System.Text;
using System.Text.Json;
using DeepSeekV4.Engine.Sampling.Constraints;
using DeepSeekV4.Engine.Tests.Tokenization;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Sampling.Constraints;

public class JsonConstraintTests
{
    private static readonly Lazy<DeepSeekChatTokenizer> DeepSeek = new(() => new DeepSeekChatTokenizer(TokenizerFixtures.DeepSeek));
    private static readonly Lazy<DeepSeekChatTokenizer> Tiny = new(() => new DeepSeekChatTokenizer(TokenizerFixtures.Tiny));

    private static JsonConstraint NewConstraint(JsonOutputFormat format, DeepSeekChatTokenizer tokenizer) =>
        format.CreateConstraint(tokenizer, tokenizer.Tokenizer.VocabularySize);

    /// <summary>Each token allowed by checking its bytes one by one, no trie: the definition the trie walk must match.</summary>
    private static HashSet<int> BruteForce(JsonState state, DeepSeekChatTokenizer tokenizer, int budget)
    {
        var allowed = new HashSet<int>();
        var links = new JsonFrameLinks();
        var bytes = tokenizer.TextTokenBytes;
        for (int id = 0; id < bytes.Count; id++)
        {
            if (bytes[id] == null) continue;
            var s = state;
            if (bytes[id]!.All(b => JsonAutomaton.Advance(ref s, b, links)) && JsonAutomaton.MinRemaining(s) <= budget - 1) allowed.Add(id);
        }
        if (JsonAutomaton.IsComplete(state)) allowed.UnionWith(tokenizer.EndOfGenerationIds);
        return allowed;
    }

    private static HashSet<int> Allowed(TokenMask mask, int size) => [.. Enumerable.Range(0, size).Where(mask.Contains)];

    /// <summary>The states a document passes through, token by token, as the tokenizer splits it.</summary>
    private static IEnumerable<(JsonState State, int Token)> Walk(JsonOutputFormat format, Tokenizer tokenizer, string document)
    {
        var links = new JsonFrameLinks();
        var state = JsonState.Start(format.Root);
        foreach (int token in tokenizer.Encode(document))
        {
            yield return (state, token);
            foreach (byte b in tokenizer.TokenBytes(token)) Assert.True(JsonAutomaton.Advance(ref state, b, links), $"byte {b:X2} of token {token} in {document}");
        }
        yield return (state, -1);
    }

    [Theory]
    [MemberData(nameof(JsonTestSchemas.Indexes), MemberType = typeof(JsonTestSchemas))]
    public void Trie_walk_equals_the_per_token_check_on_the_tiny_vocabulary(int schemaIndex)
    {
        var format = JsonOutputFormat.FromSchema(JsonTestSchemas.All[schemaIndex]);
        var tokenizer = Tiny.Value;
        var constraint = NewConstraint(format, tokenizer);
        using var schema = JsonDocument.Parse(JsonTestSchemas.All[schemaIndex]);
        var random = new RandomJsonDocument(schemaIndex);
        for (int doc = 0; doc < 5; doc++)
        {
            foreach (var (state, _) in Walk(format, tokenizer.Tokenizer, random.Write(schema.RootElement)))
            {
                foreach (int budget in new[] { int.MaxValue, 1 + JsonAutomaton.MinRemaining(state), 3 + JsonAutomaton.MinRemaining(state) })
                {
                    var mask = new TokenMask(tokenizer.Tokenizer.VocabularySize);
                    constraint.Compute(state, budget, mask);
                    Assert.Equal(BruteForce(state, tokenizer, budget), Allowed(mask, tokenizer.Tokenizer.VocabularySize));
                }
            }
        }
    }

    [Fact]
    public void Trie_walk_equals_the_per_token_check_on_the_deepseek_vocabulary()
    {
        var tokenizer = DeepSeek.Value;
        int checkedStates = 0;
        foreach (int i in new[] { 0, 4, 6, 8 })
        {
            var format = JsonOutputFormat.FromSchema(JsonTestSchemas.All[i]);
            var constraint = NewConstraint(format, tokenizer);
            using var schema = JsonDocument.Parse(JsonTestSchemas.All[i]);
            var states = Walk(format, tokenizer.Tokenizer, new RandomJsonDocument(100 + i).Write(schema.RootElement)).ToList();
            foreach (var (state, _) in states.Where((_, k) => k % 3 == 0))
            {
                var mask = new TokenMask(tokenizer.Tokenizer.VocabularySize);
                constraint.Compute(state, int.MaxValue, mask);
                Assert.Equal(BruteForce(state, tokenizer, int.MaxValue), Allowed(mask, tokenizer.Tokenizer.VocabularySize));
                checkedStates++;
            }
        }
        Assert.True(checkedStates >= 8, $"only {checkedStates} states checked");
    }

    [Theory]
    [MemberData(nameof(JsonTestSchemas.Indexes), MemberType = typeof(JsonTestSchemas))]
    public void Random_valid_documents_are_accepted_token_by_token(int schemaIndex)
    {
        using var schema = JsonDocument.Parse(JsonTestSchemas.All[schemaIndex]);
        var format = JsonOutputFormat.FromSchema(schema.RootElement);
        foreach (var tokenizer in new[] { Tiny.Value, DeepSeek.Value })
        {
            var random = new RandomJsonDocument(1000 + schemaIndex);
            for (int doc = 0; doc < 20; doc++)
            {
                string text = random.Write(schema.RootElement);
                using (JsonDocument.Parse(text)) { } // the generator writes valid JSON
                var constraint = NewConstraint(format, tokenizer);
                foreach (int token in tokenizer.Tokenizer.Encode(text))
                {
                    Assert.True(constraint.Mask(int.MaxValue).Contains(token),
                        $"token {token} ({Encoding.UTF8.GetString(tokenizer.Tokenizer.TokenBytes(token))}) masked in {text}");
                    constraint.Accept(token);
                }
                Assert.True(constraint.IsComplete, $"not complete after {text}");
                Assert.True(tokenizer.EndOfGenerationIds.All(id => constraint.Mask(int.MaxValue).Contains(id)) || constraint.IsFinished);
            }
        }
    }

    [Fact]
    public void Free_json_documents_are_accepted_token_by_token()
    {
        var tokenizer = DeepSeek.Value;
        foreach (var text in new[] { "{}", """{"a":[1,{"b":null}],"Name":"Zoë 😀","n":-0.5E-3,"t":true}""", """{"nested":{"deeper":{"list":[[],[[]]]}}}""" })
        {
            var constraint = NewConstraint(JsonOutputFormat.AnyObject, tokenizer);
            foreach (int token in tokenizer.Tokenizer.Encode(text))
            {
                Assert.True(constraint.Mask(int.MaxValue).Contains(token), $"token {token} masked in {text}");
                constraint.Accept(token);
            }
            Assert.True(constraint.IsFinished);
        }
    }

    [Theory]
    [MemberData(nameof(JsonTestSchemas.Indexes), MemberType = typeof(JsonTestSchemas))]
    public void Min_remaining_is_the_shortest_completion_found_by_search(int schemaIndex)
    {
        using var schema = JsonDocument.Parse(JsonTestSchemas.All[schemaIndex]);
        var format = JsonOutputFormat.FromSchema(schema.RootElement);
        var random = new RandomJsonDocument(7 + schemaIndex);
        var text = Encoding.UTF8.GetBytes(random.Write(schema.RootElement));
        var links = new JsonFrameLinks();
        var state = JsonState.Start(format.Root);
        for (int i = 0; i <= text.Length; i++)
        {
            if (i % 2 == 0) Assert.Equal(ShortestCompletion(state), JsonAutomaton.MinRemaining(state));
            if (i < text.Length) Assert.True(JsonAutomaton.Advance(ref state, text[i], links));
        }
    }

    /// <summary>Breadth-first search over single bytes for the fewest that make the document complete.</summary>
    private static int ShortestCompletion(JsonState start)
    {
        var links = new JsonFrameLinks();
        var frontier = new List<JsonState> { start };
        var seen = new HashSet<(JsonFrame, JsonFrameLink?, bool)>();
        for (int depth = 0; depth < 200; depth++)
        {
            if (frontier.Any(s => JsonAutomaton.IsComplete(s))) return depth;
            var next = new List<JsonState>();
            foreach (var s in frontier)
            {
                for (int b = 0; b < 256; b++)
                {
                    var t = s;
                    if (!JsonAutomaton.Advance(ref t, (byte)b, links)) continue;
                    if (seen.Add((t.Top, t.Parent, t.Done))) next.Add(t);
                }
            }
            frontier = next;
        }
        throw new InvalidOperationException("no completion within 200 bytes");
    }

    [Theory]
    [MemberData(nameof(JsonTestSchemas.Indexes), MemberType = typeof(JsonTestSchemas))]
    public void Any_choice_within_the_budget_mask_completes_the_document_within_the_budget(int schemaIndex)
    {
        var format = JsonOutputFormat.FromSchema(JsonTestSchemas.All[schemaIndex]);
        var tokenizer = Tiny.Value;
        var random = new Random(schemaIndex);
        int[] end = [.. tokenizer.EndOfGenerationIds];
        foreach (int budget in new[] { format.MinimumBytes, format.MinimumBytes + 3, format.MinimumBytes + 20 })
        {
            for (int run = 0; run < 10; run++)
            {
                var constraint = NewConstraint(format, tokenizer);
                int used = 0;
                while (!constraint.IsFinished)
                {
                    Assert.True(used < budget, $"budget {budget} spent without a complete document");
                    var ids = Allowed(constraint.Mask(budget - used), tokenizer.Tokenizer.VocabularySize).Order().ToArray();
                    int token = ids[random.Next(ids.Length)];
                    used++;
                    if (end.Contains(token)) break;
                    constraint.Accept(token);
                }
                Assert.True(constraint.IsComplete);
            }
        }
    }

    [Theory]
    [MemberData(nameof(JsonTestSchemas.Indexes), MemberType = typeof(JsonTestSchemas))]
    public void Over_budget_every_allowed_token_brings_the_end_as_near_as_any_token_can(int schemaIndex)
    {
        var format = JsonOutputFormat.FromSchema(JsonTestSchemas.All[schemaIndex]);
        var tokenizer = Tiny.Value;
        var constraint = NewConstraint(format, tokenizer);
        var random = new Random(schemaIndex);
        while (!constraint.IsComplete)
        {
            int before = constraint.MinRemaining;
            var ids = Allowed(constraint.Mask(1), tokenizer.Tokenizer.VocabularySize).Order().ToArray();
            var links = new JsonFrameLinks();
            int best = int.MaxValue;
            foreach (int id in Allowed(constraint.Mask(int.MaxValue), tokenizer.Tokenizer.VocabularySize))
            {
                if (tokenizer.TextTokenBytes[id] is not { } bytes) continue;
                var s = constraint.State;
                if (bytes.All(b => JsonAutomaton.Advance(ref s, b, links))) best = Math.Min(best, JsonAutomaton.MinRemaining(s));
            }
            int token = ids[random.Next(ids.Length)];
            constraint.Accept(token);
            Assert.Equal(best, constraint.MinRemaining);
            Assert.True(constraint.MinRemaining < before);
        }
    }
}
