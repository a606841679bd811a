namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// The write-only stream a tensor-data callback of <see cref="GgufWriter"/> receives: it passes bytes through to
/// the file and refuses to take more than the tensor's size, so a wrong callback cannot corrupt the next tensor.
/// </summary>
internal sealed class GgufTensorDataStream(Stream inner, string tensorName, long expected) : Stream
{
    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > expected - Written)
            throw new InvalidOperationException(
                $"tensor '{tensorName}': the data callback wrote more than the tensor's {expected} bytes ({Written} + {buffer.Length})");
        inner.Write(buffer);
        Written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
