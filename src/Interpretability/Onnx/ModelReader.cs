using Google.Protobuf;
using Interpretability.Onnx.Schema;

namespace Interpretability.Onnx;

/// <summary>Reads the protobuf bytes of a model with explicit size and nesting limits.</summary>
internal static class ModelReader
{
    /// <summary>Reads a model file after checking that it is a regular file within the size limit.</summary>
    public static byte[] ReadFile(string path, ModelSource source)
    {
        if (FileStatus.TryGet(path, followLinks: true, out var status) && !status.IsRegularFile)
        {
            throw source.Invalid($"the model path is a {status.KindName}, not a regular file.");
        }

        if (Directory.Exists(path))
        {
            throw source.Invalid("the model path is a directory, not a file.");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return ReadAll(stream, source);
    }

    /// <summary>Reads a whole stream, refusing more than the size limit (the stream need not be seekable).</summary>
    public static byte[] ReadAll(Stream stream, ModelSource source)
    {
        var limit = source.Options.MaxModelBytes;
        if (stream.CanSeek)
        {
            var remaining = stream.Length - stream.Position;
            if (remaining > limit)
            {
                throw source.Limit($"the model is {remaining:N0} bytes, beyond the limit of {limit:N0} bytes (ModelLoadOptions.MaxModelBytes).");
            }

            var bytes = new byte[remaining];
            stream.ReadExactly(bytes);
            return bytes;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw source.Limit($"the model stream holds more than {limit:N0} bytes (ModelLoadOptions.MaxModelBytes).");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Parses the bytes as an ONNX ModelProto; every protobuf error becomes an <see cref="InvalidModelException"/>.</summary>
    public static ModelProto Parse(byte[] bytes, int offset, int count, ModelSource source)
    {
        if (count > source.Options.MaxModelBytes)
        {
            throw source.Limit($"the model is {count:N0} bytes, beyond the limit of {source.Options.MaxModelBytes:N0} bytes (ModelLoadOptions.MaxModelBytes).");
        }

        if (count == 0)
        {
            throw source.Invalid("the model is empty (0 bytes).");
        }

        using var stream = new MemoryStream(bytes, offset, count, writable: false);
        var input = CodedInputStream.CreateWithLimits(stream, count, source.Options.MaxNestingDepth);
        try
        {
            var model = ModelProto.Parser.ParseFrom(input);
            if (!input.IsAtEnd)
            {
                throw source.Invalid("the model has trailing bytes after the protobuf message.");
            }

            return model;
        }
        catch (InvalidProtocolBufferException ex) when (ex.Message.Contains("nesting", StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLimitExceededException(source.Describe($"the model nests messages (graphs in attributes, groups, ...) deeper than the limit of {source.Options.MaxNestingDepth} (ModelLoadOptions.MaxNestingDepth)."), ex);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw source.Invalid($"not a valid ONNX model (protobuf decoding failed: {ex.Message})", ex);
        }
    }
}
