using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.Tests.Inference;

public class DeepSeekV4ModelLoaderThreadsTests
{
    [Fact]
    public void ThreadsOptionSizesTheSharedWorkerPool()
    {
        try
        {
            foreach (int threads in new[] { 1, 3 })
            {
                using var loaded = DeepSeekV4ModelLoader.Instance.Load(FixturePaths.TinyModelF16, new ModelLoadOptions { Threads = threads }, null, CancellationToken.None);
                Assert.Equal(threads, WorkerPool.Default.ThreadCount);
            }
        }
        finally
        {
            WorkerPool.SetDefaultThreadCount(Environment.ProcessorCount);
        }
    }
}
