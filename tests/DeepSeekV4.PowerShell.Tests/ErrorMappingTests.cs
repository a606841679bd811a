using System.Management.Automation;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Remote;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.PowerShell.Tests;

/// <summary>Engine failures get the error categories the issue lists (the enum is real metadata even in the reference assembly).</summary>
public class ErrorMappingTests
{
    private static MemoryEstimate Estimate() => new("m", "deepseek4", 100, KvCacheFormat.Native, [new("F16", 10)], [new("window", 5)], 1, 2, false);

    public static TheoryData<Exception, ErrorCategory> Cases => new()
    {
        { new FileNotFoundException("missing", "/x.gguf"), ErrorCategory.ObjectNotFound },
        { new GgufFormatException("/x.gguf", "header.magic", 0, "bad magic"), ErrorCategory.InvalidData },
        { new InvalidDataException("binary"), ErrorCategory.InvalidData },
        { new ModelDoesNotFitException(Estimate()), ErrorCategory.ResourceUnavailable },
        { new ModelNotLoadedException("none", null), ErrorCategory.InvalidOperation },
        { new ModelNotLoadedException("no such", "other"), ErrorCategory.ObjectNotFound },
        { new ModelNameInUseException("a", "/a", "/b"), ErrorCategory.ResourceExists },
        { new ContextOverflowException(10, 5, "doc"), ErrorCategory.LimitsExceeded },
        { new DocumentTooLargeException("/d", 10, 5), ErrorCategory.LimitsExceeded },
        { new ArgumentOutOfRangeException("TopP"), ErrorCategory.InvalidArgument },
        { new OperationCanceledException(), ErrorCategory.OperationStopped },
        { new UnsupportedModelException("/x.gguf", "general.architecture", "llama", "not a DeepSeek V4 model"), ErrorCategory.InvalidType },
        { new TokenizerFormatException("/x.gguf", "tokenizer.ggml.model", "not supported"), ErrorCategory.InvalidData },
        { new RemoteAuthenticationException("401", Endpoint, 401), ErrorCategory.AuthenticationError },
        { new RemoteConnectionException("refused", Endpoint), ErrorCategory.ConnectionError },
        { new RemoteTimeoutException("slow", Endpoint, TimeSpan.FromSeconds(1)), ErrorCategory.OperationTimeout },
        { new RemoteRequestException("busy", Endpoint, 429), ErrorCategory.ResourceBusy },
        { new RemoteRequestException("busy", Endpoint, 503), ErrorCategory.ResourceBusy },
        { new RemoteRequestException("bad", Endpoint, 400), ErrorCategory.InvalidArgument },
        { new RemoteRequestException("gone", Endpoint, 404), ErrorCategory.ObjectNotFound },
        { new RemoteRequestException("odd", Endpoint, 500), ErrorCategory.ProtocolError },
        { new DeepSeekV4.Engine.Sampling.Constraints.UnsupportedSchemaException("pattern", "#/pattern", "not supported"), ErrorCategory.InvalidArgument },
    };

    private static readonly Uri Endpoint = new("http://host:8000/v1");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Engine_exceptions_map_to_their_categories(Exception e, ErrorCategory category)
    {
        Assert.Equal(category, ErrorMapping.CategoryOf(e));
    }

    [Fact]
    public void Error_ids_name_the_failure()
    {
        Assert.Equal("ModelDoesNotFit", ErrorMapping.ErrorIdOf(new ModelDoesNotFitException(Estimate())));
        Assert.Equal("UnsupportedModel", ErrorMapping.ErrorIdOf(new UnsupportedModelException("/x.gguf", "k", "v", "p")));
        Assert.Equal("TokenizerFormat", ErrorMapping.ErrorIdOf(new TokenizerFormatException("/x.gguf", "k", "p")));
    }

    [Fact]
    public void Argument_errors_read_in_the_users_terms_and_keep_their_type()
    {
        var e = new ArgumentOutOfRangeException("contextLength", 4096, "context length 4,096 is outside 1..1,024 for tiny.gguf");
        var record = ErrorMapping.Record(e, "tiny.gguf");
        Assert.Equal("context length 4,096 is outside 1..1,024 for tiny.gguf", record.Exception.Message);
        Assert.IsType<ArgumentOutOfRangeException>(record.Exception);
        Assert.Same(e, record.Exception.InnerException);
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
        Assert.StartsWith("ArgumentOutOfRange", record.FullyQualifiedErrorId);
    }
}
