using System.Management.Automation;
using DeepSeekV4.Engine.Inference;
using CompletionResult = DeepSeekV4.Engine.Inference.CompletionResult;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>
/// Each kind of failure as a script sees it in a real runspace: one error record with the category and error id of
/// the engine's exception, and a message in the user's terms.
/// </summary>
public class ErrorCategoryHostTests
{
    /// <summary>Commands that take a file by -LiteralPath, and whether they need a model loaded first.</summary>
    public static TheoryData<string, bool> LiteralPathCommands => new()
    {
        { "Import-DSModel -LiteralPath $args[0]", false },
        { "Get-DSMemoryEstimate -LiteralPath $args[0]", false },
        { "Invoke-DSCompletion -LiteralPath $args[0] -MaxTokens 1", true },
        { "Measure-DSPerplexity -LiteralPath $args[0]", true },
    };

    private static PowerShellHost HostFor(bool needsModel) => needsModel ? PowerShellHost.WithModel() : new PowerShellHost();

    [Theory]
    [MemberData(nameof(LiteralPathCommands))]
    public void A_missing_file_is_ObjectNotFound_naming_the_file(string command, bool needsModel)
    {
        using var dir = new TempDirectory();
        string missing = dir.File("missing.gguf");
        using var host = HostFor(needsModel);

        var error = host.Run(command, missing).SingleError();

        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains(missing, ErrorAssert.MessageOf(error), StringComparison.Ordinal);
    }

    [Fact]
    public void A_Path_that_matches_nothing_is_ObjectNotFound_and_the_other_paths_are_still_imported()
    {
        using var dir = new TempDirectory();
        using var host = new PowerShellHost();
        var run = host.Run("Import-DSModel -Path $args[0], $args[1] -PassThru", dir.File("nothing.gguf"), PowerShellHost.TinyModelPath);

        Assert.Equal(ErrorCategory.ObjectNotFound, run.SingleError().CategoryInfo.Category);
        Assert.Equal(PowerShellHost.TinyModelPath, Assert.Single(run.Objects<ModelInfo>()).Path);
    }

    [Theory]
    [InlineData("Import-DSModel -LiteralPath $args[0]")]
    [InlineData("Get-DSMemoryEstimate -LiteralPath $args[0]")]
    public void A_text_file_named_gguf_is_InvalidData_GgufFormat(string command)
    {
        using var dir = new TempDirectory();
        string fake = dir.WriteText("fake.gguf", "this is a text file, not a model\n");
        using var host = new PowerShellHost();

        var error = host.Run(command, fake).SingleError();

        ErrorAssert.Is(error, ErrorCategory.InvalidData, "GgufFormat");
        Assert.Contains(fake, ErrorAssert.MessageOf(error), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(LiteralPathCommands))]
    public void A_folder_given_as_a_file_is_one_error_that_says_it_is_a_directory(string command, bool needsModel)
    {
        using var dir = new TempDirectory();
        string folder = dir.File("models.gguf");
        Directory.CreateDirectory(folder);
        using var host = HostFor(needsModel);

        var error = host.Run(command, folder).SingleError();

        string message = ErrorAssert.MessageOf(error);
        Assert.Contains(folder, message, StringComparison.Ordinal);
        Assert.True(message.Contains("directory", StringComparison.OrdinalIgnoreCase) || message.Contains("folder", StringComparison.OrdinalIgnoreCase),
            $"the message does not say that {folder} is a directory: {message}");
    }

    [Theory]
    [InlineData("Import-DSModel -LiteralPath $args[0]")]
    [InlineData("Get-DSMemoryEstimate -LiteralPath $args[0]")]
    public void A_valid_GGUF_of_another_architecture_is_InvalidType_UnsupportedModel(string command)
    {
        using var dir = new TempDirectory();
        string llama = dir.WriteTinyModelWith("llama.gguf", "general.architecture", "llama");
        using var host = new PowerShellHost();

        var error = host.Run(command, llama).SingleError();

        ErrorAssert.Is(error, ErrorCategory.InvalidType, "UnsupportedModel");
        string message = ErrorAssert.MessageOf(error);
        Assert.Contains("general.architecture", message, StringComparison.Ordinal);
        Assert.Contains("llama", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_DeepSeek_V4_GGUF_with_a_broken_tokenizer_is_InvalidData_TokenizerFormat()
    {
        using var dir = new TempDirectory();
        // The weights and the configuration are the fixture's; only the tokenizer kind is one the engine cannot read.
        string broken = dir.WriteTinyModelWith("broken-tokenizer.gguf", "tokenizer.ggml.model", "llama");
        using var host = new PowerShellHost();

        var error = host.Run("Import-DSModel -LiteralPath $args[0]", broken).SingleError();

        ErrorAssert.Is(error, ErrorCategory.InvalidData, "TokenizerFormat");
        Assert.Contains("tokenizer.ggml.model", ErrorAssert.MessageOf(error), StringComparison.Ordinal);
        Assert.Empty(host.Run("Get-DSModel").Succeeded().Output);
    }

    [Theory]
    [InlineData("Invoke-DSCompletion -Prompt hi -MaxTokens 1")]
    [InlineData("'some text' | Measure-DSPerplexity")]
    [InlineData("Get-DSKvCacheStats")]
    [InlineData("Clear-DSKvCache")]
    public void With_no_model_loaded_it_is_InvalidOperation_ModelNotLoaded(string command)
    {
        using var host = new PowerShellHost();
        var error = host.Run(command).SingleError();
        ErrorAssert.Is(error, ErrorCategory.InvalidOperation, "ModelNotLoaded");
        Assert.Contains("Import-DSModel", ErrorAssert.MessageOf(error), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Invoke-DSCompletion -Prompt hi -MaxTokens 1 -Model nosuch")]
    [InlineData("'some text' | Measure-DSPerplexity -Model nosuch")]
    [InlineData("Get-DSKvCacheStats -Model nosuch")]
    [InlineData("Clear-DSKvCache -Model nosuch")]
    [InlineData("Remove-DSModel -Name nosuch")]
    [InlineData("Get-DSModel -Name nosuch")]
    public void An_unknown_model_name_is_ObjectNotFound_ModelNotLoaded(string command)
    {
        using var host = PowerShellHost.WithModel();
        var error = host.Run(command).SingleError();
        ErrorAssert.Is(error, ErrorCategory.ObjectNotFound, "ModelNotLoaded");
        Assert.Contains("nosuch", ErrorAssert.MessageOf(error), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_Name_for_a_second_file_is_ResourceExists_ModelNameInUse_and_the_first_stays()
    {
        using var dir = new TempDirectory();
        string second = dir.CopyTinyModel("second.gguf");
        using var host = PowerShellHost.WithModel(extraParameters: "-Name tiny");

        var error = host.Run("Import-DSModel -LiteralPath $args[0] -Name tiny", second).SingleError();

        ErrorAssert.Is(error, ErrorCategory.ResourceExists, "ModelNameInUse");
        Assert.Contains(second, ErrorAssert.MessageOf(error), StringComparison.Ordinal);
        var model = Assert.Single(host.Run("Get-DSModel").Succeeded().Objects<ModelInfo>());
        Assert.Equal(PowerShellHost.TinyModelPath, model.Path);
    }

    [Fact]
    public void A_prompt_longer_than_the_context_is_LimitsExceeded_ContextOverflow_and_the_model_still_works()
    {
        using var host = PowerShellHost.WithModel(extraParameters: "-ContextLength 64");

        var error = host.Run("Invoke-DSCompletion -Prompt $args[0] -MaxTokens 1", TinyModel.Text(80)).SingleError();

        ErrorAssert.Is(error, ErrorCategory.LimitsExceeded, "ContextOverflow");
        Assert.Contains("64", ErrorAssert.MessageOf(error), StringComparison.Ordinal);
        host.Run("Invoke-DSCompletion -Prompt hi -MaxTokens 1").Succeeded();
    }

    [Theory]
    [InlineData("Import-DSModel -LiteralPath $args[0] -ContextLength 4096")]
    [InlineData("Get-DSMemoryEstimate -LiteralPath $args[0] -ContextLength 4096")]
    public void A_ContextLength_above_the_models_maximum_is_refused_in_the_users_terms(string command)
    {
        using var host = new PowerShellHost();

        var error = host.Run(command, PowerShellHost.TinyModelPath).SingleError();

        string message = ErrorAssert.MessageOf(error);
        Assert.True(message.Contains("4096", StringComparison.Ordinal) || message.Contains("4,096", StringComparison.Ordinal), message);
        Assert.True(message.Contains("1,024", StringComparison.Ordinal) || message.Contains("1024", StringComparison.Ordinal), message);
        Assert.DoesNotContain("Actual value was", message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", message, StringComparison.Ordinal);
        Assert.Empty(host.Run("Get-DSModel").Succeeded().Output);
    }

    [Fact]
    public void TopP_0_is_either_accepted_by_cmdlet_and_engine_or_refused_by_parameter_validation()
    {
        using var host = PowerShellHost.WithModel();

        var run = host.Run("Invoke-DSCompletion -Prompt hi -MaxTokens 1 -TopP 0");

        if (run.AllErrors.Count == 0)
        {
            Assert.Single(run.Objects<CompletionResult>());
            return;
        }
        var error = run.SingleError();
        // Refused by the cmdlet's own validation, before the engine sees it: PowerShell's binding error for -TopP.
        Assert.IsType<ParameterBindingException>(error.Exception, exactMatch: false);
        Assert.StartsWith("ParameterArgumentValidationError", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("TopP", ErrorAssert.MessageOf(error), StringComparison.Ordinal);
    }
}
