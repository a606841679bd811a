using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using DeepSeekV4.Cli.Serving;
using DeepSeekV4.Engine.Inference;
using Xunit.Abstractions;

namespace DeepSeekV4.Engine.Tests.Cli.Serving;

/// <summary>A fact that runs only when DSV4_SERVE_SOAK_SECONDS is set (it takes that long); otherwise reported as skipped.</summary>
public sealed class SoakFactAttribute : FactAttribute
{
    public SoakFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DSV4_SERVE_SOAK_SECONDS") == null) Skip = "set DSV4_SERVE_SOAK_SECONDS=60 to run the serve soak";
    }
}

/// <summary>`dsv4 serve` under 8 concurrent clients: nothing refused within --parallel + --queue, every answer the single-client one.</summary>
public sealed class ServeSoakTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static StringContent Ask(int seed) => new(JsonSerializer.Serialize(new
    {
        messages = new object[] { new { role = "system", content = "You are terse." }, new { role = "user", content = $"Question number {seed}?" } },
        max_tokens = 24,
        temperature = 0.8,
        seed,
    }), Encoding.UTF8, "application/json");

    private static async Task<string> Text(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;

    [SoakFact]
    public async Task Eight_clients_for_a_minute_get_only_single_client_answers_and_memory_stays_flat()
    {
        int seconds = int.Parse(Environment.GetEnvironmentVariable("DSV4_SERVE_SOAK_SECONDS")!, System.Globalization.CultureInfo.InvariantCulture);
        const int Clients = 8, Seeds = 8;
        var registry = new ModelRegistry(DeepSeekV4ModelLoader.Instance, () => long.MaxValue);
        await using var server = await OpenAiServer.StartAsync(new ServeOptions
        {
            ModelPath = FixturePaths.TinyModelF16, Port = 0, Parallel = 2, Queue = 6, ContextLength = 512,
        }, registry).WaitAsync(Timeout);
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = Timeout };

        var expected = new string[Seeds + 1];
        for (int seed = 1; seed <= Seeds; seed++) expected[seed] = await Text(await client.PostAsync("v1/chat/completions", Ask(seed)).WaitAsync(Timeout));

        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        long warmBytes = 0, requests = 0;
        var failures = new List<string>();
        var memory = Task.Run(async () =>
        {
            await Task.Delay(end / 6);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Interlocked.Exchange(ref warmBytes, Process.GetCurrentProcess().WorkingSet64);
        });
        var workers = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            for (int i = 0; clock.Elapsed < end; i++)
            {
                int seed = (c + i) % Seeds + 1;
                var response = await client.PostAsync("v1/chat/completions", Ask(seed)).WaitAsync(Timeout);
                Interlocked.Increment(ref requests);
                string problem = response.StatusCode != HttpStatusCode.OK
                    ? $"client {c} request {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}"
                    : await Text(response) == expected[seed] ? "" : $"client {c} request {i}: seed {seed} answered differently";
                if (problem.Length > 0) lock (failures) failures.Add(problem);
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(end + Timeout);
        await memory;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long endBytes = Process.GetCurrentProcess().WorkingSet64;
        string metrics = await client.GetStringAsync("metrics");
        log.WriteLine($"{requests} requests in {clock.Elapsed.TotalSeconds:F1} s by {Clients} clients on 2 slots + queue 6; " +
                      $"working set after warm-up {warmBytes / 1048576.0:F1} MiB, at the end {endBytes / 1048576.0:F1} MiB");
        log.WriteLine(string.Join('\n', metrics.Split('\n').Where(l => l.Length > 0 && l[0] != '#')));
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(10)));
        Assert.True(requests >= Clients, $"only {requests} requests");
        Assert.True(endBytes - warmBytes < 64L << 20, $"working set grew {(endBytes - warmBytes) / 1048576.0:F1} MiB after warm-up");
    }
}
